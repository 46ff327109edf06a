"""Every row invariant is a named database constraint: bad rows never land."""

import pytest
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from claims.models import Caveat, Claim, Correction, Evidence, ReviewEvent, Source
from tests.factories import make_claim, make_evidence, make_source


def assert_refused(constraint_name, create):
    with pytest.raises((IntegrityError, DataError)) as error, transaction.atomic():
        create()
    message = str(error.value).lower()
    # PostgreSQL names the violated constraint; SQLite names check constraints
    # and says which columns a unique one covers; varchar length is a DataError.
    assert any(word in message for word in [constraint_name, "unique", "too long"]), message


@pytest.mark.django_db
class TestClaimConstraints:
    def test_status_must_be_a_workflow_state(self, editor):
        claim = make_claim(editor)
        assert_refused(
            "claims_claim_status_valid",
            lambda: Claim.objects.filter(pk=claim.pk).update(status="approved"),
        )
        assert Claim.objects.get(pk=claim.pk).status == "unverified"

    def test_published_claim_needs_a_publication_date(self, editor):
        claim = make_claim(editor)
        assert_refused(
            "claims_claim_published_has_date",
            lambda: Claim.objects.filter(pk=claim.pk).update(is_published=True),
        )
        assert not Claim.objects.get(pk=claim.pk).is_published

    def test_headline_is_at_most_75_characters(self, editor):
        assert_refused(
            "claims_claim_headline_length", lambda: make_claim(editor, headline="x" * 76)
        )
        assert not Claim.objects.exists()

    def test_headline_is_not_empty(self, editor):
        assert_refused("claims_claim_headline_length", lambda: make_claim(editor, headline=""))
        assert not Claim.objects.exists()

    def test_appearance_url_must_be_http(self, editor):
        assert_refused(
            "claims_claim_appearance_url_http",
            lambda: make_claim(editor, appearance_url="javascript:alert(1)"),
        )
        assert not Claim.objects.exists()

    def test_claim_in_review_is_public_only_with_a_previous_rating(self, editor):
        claim = make_claim(editor)
        assert_refused(
            "claims_claim_published_review_has_previous",
            lambda: Claim.objects.filter(pk=claim.pk).update(
                status="in_review", is_published=True, published_at=timezone.now()
            ),
        )
        assert Claim.objects.get(pk=claim.pk).status == "unverified"

    def test_slugs_are_unique(self, editor):
        make_claim(editor, slug="same")
        assert_refused("slug", lambda: make_claim(editor, slug="same"))
        assert Claim.objects.count() == 1


@pytest.mark.django_db
class TestEvidenceConstraints:
    @pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.org/"])
    def test_urls_must_be_http(self, editor, url):
        claim = make_claim(editor)
        source = make_source("Wire")
        assert_refused("claims_evidence_url_http", lambda: make_evidence(claim, source, url=url))
        assert_refused(
            "claims_evidence_archive_url_http",
            lambda: make_evidence(claim, source, archive_url=url),
        )
        assert not Evidence.objects.exists()

    @pytest.mark.parametrize("credibility", [0, 7, 9])
    def test_credibility_is_graded_1_to_6(self, editor, credibility):
        claim = make_claim(editor)
        assert_refused(
            "claims_evidence_credibility_valid",
            lambda: make_evidence(claim, make_source("Wire"), credibility=credibility),
        )
        assert not Evidence.objects.exists()

    def test_stance_must_be_known(self, editor):
        claim = make_claim(editor)
        assert_refused(
            "claims_evidence_stance_valid",
            lambda: make_evidence(claim, make_source("Wire"), stance="neutral"),
        )
        assert not Evidence.objects.exists()

    def test_https_urls_are_accepted(self, editor):
        claim = make_claim(editor)
        make_evidence(claim, make_source("Wire"), url="https://example.org/a")
        assert Evidence.objects.get().url == "https://example.org/a"


@pytest.mark.django_db
class TestOtherConstraints:
    def test_source_reliability_is_graded_a_to_f(self):
        assert_refused(
            "claims_source_reliability_valid",
            lambda: Source.objects.create(name="X", slug="x", reliability="G"),
        )
        assert not Source.objects.exists()

    def test_source_url_must_be_http(self):
        assert_refused(
            "claims_source_url_http",
            lambda: Source.objects.create(name="X", slug="x", url="javascript:void(0)"),
        )
        assert not Source.objects.exists()

    def test_caveat_kind_must_be_known(self, editor):
        claim = make_claim(editor)
        assert_refused(
            "claims_caveat_kind_valid",
            lambda: Caveat.objects.create(claim=claim, kind="rumour", text="Why"),
        )
        assert not Caveat.objects.exists()

    def test_review_event_statuses_must_be_known(self, editor):
        claim = make_claim(editor)
        assert_refused(
            "claims_reviewevent_to_valid",
            lambda: ReviewEvent.objects.create(
                claim=claim,
                version=2,
                action="start_review",
                from_status="unverified",
                to_status="approved",
                actor=editor,
            ),
        )
        assert not ReviewEvent.objects.exists()

    def test_review_event_versions_are_unique_per_claim(self, editor):
        claim = make_claim(editor)
        fields = dict(
            claim=claim,
            version=1,
            action="create",
            from_status="unverified",
            to_status="unverified",
            actor=editor,
        )
        ReviewEvent.objects.create(**fields)
        assert_refused(
            "claims_reviewevent_unique_version", lambda: ReviewEvent.objects.create(**fields)
        )
        assert ReviewEvent.objects.count() == 1

    def test_correction_kind_must_be_known(self, editor):
        claim = make_claim(editor)
        assert_refused(
            "claims_correction_kind_valid",
            lambda: Correction.objects.create(claim=claim, kind="retraction", note="x"),
        )
        assert not Correction.objects.exists()


@pytest.mark.django_db
class TestMoreRowRules:
    def test_article_url_must_be_http(self):
        from claims.models import Article

        assert_refused(
            "claims_article_url_http",
            lambda: Article.objects.create(title="A", slug="a", url="javascript:alert(1)"),
        )
        assert not Article.objects.exists()

    def test_caveat_text_is_not_empty(self, editor):
        claim = make_claim(editor)
        assert_refused(
            "claims_caveat_text_not_empty",
            lambda: Caveat.objects.create(claim=claim, kind="opinion", text=""),
        )
        assert not Caveat.objects.exists()

    def test_correction_note_is_not_empty(self, editor):
        claim = make_claim(editor)
        assert_refused(
            "claims_correction_note_not_empty",
            lambda: Correction.objects.create(claim=claim, kind="update", note=""),
        )
        assert not Correction.objects.exists()

    def test_one_source_cannot_file_the_same_item_twice_on_a_claim(self, editor):
        claim = make_claim(editor)
        source = make_source("Wire")
        make_evidence(claim, source, title="Same title")
        assert_refused(
            "claims_evidence_unique_per_claim",
            lambda: make_evidence(claim, source, title="Same title"),
        )
        assert Evidence.objects.count() == 1

    def test_previous_status_must_be_a_workflow_state(self, editor):
        claim = make_claim(editor)
        assert_refused(
            "claims_claim_previous_status_valid",
            lambda: Claim.objects.filter(pk=claim.pk).update(previous_status="approved"),
        )
        assert Claim.objects.get(pk=claim.pk).previous_status == ""


@pytest.mark.django_db
def test_url_schemes_are_accepted_in_any_case(editor):
    claim = make_claim(editor)
    make_evidence(claim, make_source("Wire"), url="HTTPS://EXAMPLE.ORG/Report")
    assert Evidence.objects.get().url == "HTTPS://EXAMPLE.ORG/Report"
    assert_refused(
        "claims_evidence_url_http",
        lambda: make_evidence(claim, make_source("Other"), url="JAVASCRIPT:alert(1)"),
    )
    assert Evidence.objects.count() == 1
