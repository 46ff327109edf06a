"""
The published record is tamper-evident: each revision's digest covers its
content and the revision before it, and the step that published it keeps the
digest. check_invariants names a claim whose record was changed outside the
workflow, in SQL, in the shell or by a restore; corrections can be neither
typed in nor rewritten on their own.
"""

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse

from claims.choices import Action, CorrectionKind
from claims.invariants import find_violations
from claims.models import Claim, Correction, Revision, RevisionName, Translation
from tests.seed import CLAIM


def rules_broken_by(slug):
    return [violation.rule for violation in find_violations() if violation.row == slug]


def delete_in_sql(row):
    """Delete `row` as a hand-written statement would: no model code runs."""
    if isinstance(row, Revision):
        # What the database's foreign keys would make a hand-written delete
        # remove first: what it names, and its translations (with the drafts
        # that published them).
        RevisionName.objects.filter(revision=row).delete()
        for translation in Revision.objects.filter(translation_of=row):
            Translation.objects.filter(published=translation).update(published=None)
            delete_in_sql(translation)
    table = connection.ops.quote_name(row._meta.db_table)
    with connection.cursor() as cursor:
        # The table name is the model's own, not input.
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row.pk])  # noqa: S608
        return cursor.rowcount


def test_the_seeds_revisions_form_one_unbroken_chain_each(seed):
    deaths = Revision.objects.originals().filter(claim__slug=CLAIM.deaths).order_by("number")
    first, second = deaths
    assert (first.previous_digest, second.previous_digest) == ("", first.digest)
    assert [revision.digest == revision.computed_digest() for revision in deaths] == [True, True]
    assert (first.is_current, second.is_current) == (False, True)
    assert second.public_note.startswith("On 2 September 2025 the NIS told lawmakers")
    assert find_violations() == []


def test_a_revision_rewritten_in_sql_is_named(seed):
    revision = Revision.objects.originals().get(claim__slug=CLAIM.casualties, number=1)
    document = revision.document | {"headline": "About 47,000 North Korean soldiers"}
    Revision.objects.filter(pk=revision.pk).update(document=document)
    assert rules_broken_by(CLAIM.casualties) == [
        "Its revision 1 is not what was published: its content does not match its digest, "
        "so it was changed outside the workflow."
    ]


def test_a_revision_rewritten_with_a_digest_to_match_is_still_named(seed):
    revision = Revision.objects.originals().get(claim__slug=CLAIM.casualties, number=1)
    revision.document = revision.document | {"summary": "Confirmed by everyone."}
    revision.digest = revision.computed_digest()
    Revision.objects.filter(pk=revision.pk).update(
        document=revision.document, digest=revision.digest
    )
    assert rules_broken_by(CLAIM.casualties) == [
        "Its revision 1 was published by no review event of the claim: it was written or "
        "rewritten outside the workflow.",
        # Its translation's digest covers the original it translates.
        "Its ko translation 1 is not what was published: its content does not match its "
        "digest, so it was changed outside the workflow.",
    ]


def test_an_earlier_revision_deleted_in_sql_breaks_the_chain(seed):
    first = Revision.objects.originals().get(claim__slug=CLAIM.deaths, number=1)
    assert delete_in_sql(first) == 1
    assert rules_broken_by(CLAIM.deaths) == [
        "Its revision 2 is out of sequence: revision 1 is missing.",
        "Its revision 2 does not follow the revision before it: the chain is broken.",
    ]


def test_the_current_revision_deleted_in_sql_is_named(seed):
    current = Revision.objects.current().get(slug=CLAIM.kursk)
    assert delete_in_sql(current) == 1
    assert rules_broken_by(CLAIM.kursk) == [
        "It is published, but no published revision is current."
    ]


def test_a_correction_deleted_in_sql_is_named(seed):
    correction = Correction.objects.get(claim__slug=CLAIM.deaths)
    assert delete_in_sql(correction) == 1
    assert rules_broken_by(CLAIM.deaths) == [
        "Its corrections are not those its latest revision published: one was written, "
        "rewritten or deleted outside the workflow."
    ]
    # Readers still see it: it is part of the published revision.
    current = Revision.objects.current().get(slug=CLAIM.deaths)
    assert [item["note"][:15] for item in current.document["corrections"]] == ["On 2 September "]


def test_a_correction_rewritten_or_redated_in_the_shell_is_named(seed):
    correction = Correction.objects.get(claim__slug=CLAIM.deaths)
    Correction.objects.filter(pk=correction.pk).update(note="The NIS was right all along.")
    assert len(rules_broken_by(CLAIM.deaths)) == 1
    Correction.objects.filter(pk=correction.pk).update(
        note=correction.note, published_at=correction.published_at + timedelta(days=27_000)
    )
    assert len(rules_broken_by(CLAIM.deaths)) == 1
    Correction.objects.filter(pk=correction.pk).update(published_at=correction.published_at)
    assert rules_broken_by(CLAIM.deaths) == []


def test_a_correction_added_around_the_workflow_is_named(seed):
    kursk = Claim.objects.get(slug=CLAIM.kursk)
    Correction.objects.create(
        claim=kursk,
        kind=CorrectionKind.CORRECTION,
        note="Dated before publication.",
        published_at=kursk.published_at - timedelta(days=1),
    )
    assert rules_broken_by(CLAIM.kursk) == [
        "Its corrections are not those its latest revision published: one was written, "
        "rewritten or deleted outside the workflow."
    ]


def test_no_one_adds_changes_or_deletes_a_correction_in_the_admin(seed, client, publisher):
    root = User.objects.create_superuser("root", "root@desk.example", "root-password-1")
    correction = Correction.objects.get(claim__slug=CLAIM.deaths)
    deaths = Claim.objects.get(slug=CLAIM.deaths)
    for user in [publisher, root]:
        client.force_login(user)
        added = client.post(
            reverse("admin:claims_correction_add"),
            {
                "claim": deaths.pk,
                "kind": "correction",
                "note": "In 2099.",
                "published_at_0": "2099-01-01",
                "published_at_1": "00:00:00",
            },
        )
        assert added.status_code == 403
        changed = client.post(
            reverse("admin:claims_correction_change", args=[correction.pk]),
            {"claim": deaths.pk, "kind": "correction", "note": "Rewritten."},
        )
        # Read-only: the page shows the correction and saves nothing.
        assert changed.status_code in (200, 403)
        deleted = client.post(
            reverse("admin:claims_correction_delete", args=[correction.pk]), {"post": "yes"}
        )
        assert deleted.status_code == 403
    assert list(Correction.objects.filter(claim=deaths).values_list("note", flat=True)) == [
        correction.note
    ]
    assert find_violations() == []


def test_publishing_changes_appends_a_revision_and_its_correction(seed, editor, publisher):
    deaths = Claim.objects.get(slug=CLAIM.deaths)
    deaths.context = "Part of the same closed-door NIS briefing, as lawmakers relayed it."
    deaths.save()
    deaths.note_draft_author(editor)
    deaths.transition(
        Action.PUBLISH_CHANGES,
        by=publisher,
        public_note="We said where the context comes from.",
        correction_kind=CorrectionKind.CLARIFICATION,
    )
    third = Revision.objects.current().get(slug=CLAIM.deaths)
    second = Revision.objects.originals().get(claim=deaths, number=2)
    assert (third.number, third.previous_digest, second.is_current) == (3, second.digest, False)
    assert third.document["context"].endswith("as lawmakers relayed it.")
    assert third.document["corrections"][-1]["kind"] == CorrectionKind.CLARIFICATION
    assert Correction.objects.filter(claim=deaths).count() == 2
    assert find_violations() == []


def test_bytes_per_revision_stay_small(seed):
    sizes = [len(str(revision.document).encode()) for revision in Revision.objects.all()]
    # A document, not a copy of every row: a few kilobytes for the seed's
    # claims, which carry up to five evidence items and ten review events.
    assert max(sizes) < 20_000
