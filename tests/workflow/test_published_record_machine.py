"""
Random newsroom days against the published record: editors draft, reviewers
and publishers take steps, and someone at the shell writes around the forms.
After every step, every public surface shows exactly the latest published
revision of each claim (nothing a draft or a shell write did shows before a
publisher publishes it), and every chain of revisions verifies.
"""

import re

import pytest
from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from claims.choices import Action, CaveatKind, Stance
from claims.invariants import find_violations
from claims.models import Caveat, Claim, Evidence, Revision, Source
from claims.workflow import WorkflowError, WorkflowForbidden
from tests.factories import forget_cached_pages, make_claim, make_evidence, make_source
from tests.property_settings import examples

ANYONE = st.sampled_from(["editor", "reviewer", "publisher"])
CLAIMS = st.integers(0, 2)
NOTES = st.sampled_from(["", "Checked the briefing again.", "A new report."])
STEPS = st.sampled_from(
    [
        Action.START_REVIEW,
        Action.CORROBORATE,
        Action.DISPUTE,
        Action.MARK_UNVERIFIABLE,
        Action.REOPEN,
        Action.PUBLISH,
        Action.PUBLISH_CHANGES,
        Action.UNPUBLISH,
    ]
)
# Listings and machine-readable surfaces, besides each claim's own page.
LISTINGS = ["/", "/feed/", "/claims.json", "/sitemap-claims.xml", "/?q=origin"]
# The only byte that differs between two renders of one page: the CSP nonce.
NONCE = re.compile(rb'nonce="[^"]*"')


class PublishedRecord(RuleBasedStateMachine):
    def __init__(self, cast, client):
        super().__init__()
        self.cast, self.client = cast, client
        self.undo = transaction.atomic()
        self.undo.__enter__()
        editor, reviewer, publisher = cast["editor"], cast["reviewer"], cast["publisher"]
        self.sources = [
            make_source("Agency", affiliation="Government A"),
            make_source("State media", affiliation="Government B"),
            make_source("Wire"),
        ]
        agency, state_media, wire = self.sources
        breaking = make_claim(editor, claimant=agency, verdict_summary="Only one origin.")
        breaking.record_entry(by=editor)
        Caveat.objects.create(claim=breaking, kind=CaveatKind.SINGLE_SOURCE, text="One origin.")
        breaking.publish(by=publisher)
        confirmed = make_claim(editor, claimant=wire, verdict_summary="Two origins.")
        confirmed.record_entry(by=editor)
        make_evidence(confirmed, agency)
        make_evidence(confirmed, state_media)
        confirmed.start_review(by=editor)
        confirmed.corroborate(by=reviewer)
        confirmed.publish(by=publisher)
        drafted = make_claim(reviewer, claimant=state_media, verdict_summary="")
        drafted.record_entry(by=reviewer)
        self.claims = [breaking.pk, confirmed.pk, drafted.pk]
        self.items = 0
        self.published = self.public_surfaces()

    def teardown(self):
        transaction.set_rollback(True)
        self.undo.__exit__(None, None, None)

    def claim(self, index):
        return Claim.objects.get(pk=self.claims[index])

    def public_surfaces(self):
        """
        Every public byte that shows these claims' records, rendered afresh.
        (A source's own page also shows the source as it is on file today:
        its name and grade there are the source's record, not a claim's.)
        """
        forget_cached_pages()
        addresses = LISTINGS + [f"/claims/{claim.slug}/" for claim in Claim.objects.all()]
        return {
            address: (response.status_code, NONCE.sub(b"", response.content))
            for address in addresses
            if (response := self.client.get(address))
        }

    def drafted(self, change, who="editor"):
        """A change to live rows: nothing public may move until it is published."""
        try:
            claims = change()
        except (WorkflowError, WorkflowForbidden):
            return
        for claim in claims or []:
            claim.note_draft_author(self.cast[who])

    @rule(step=STEPS, who=ANYONE, index=CLAIMS, note=NOTES)
    def take_a_step(self, step, who, index, note):
        claim = self.claim(index)
        revisions = claim.revisions.count()
        try:
            claim.transition(step, by=self.cast[who], note=note, public_note=note)
        except (WorkflowError, WorkflowForbidden):
            assert claim.revisions.count() == revisions
            return
        stored = self.claim(index)
        published = stored.revisions.count() - revisions
        assert published == (1 if stored.is_published or step == Action.UNPUBLISH else 0)
        # A step is the one way the public record moves: take its new state.
        self.published = self.public_surfaces()

    @rule(index=CLAIMS, words=st.sampled_from(["Said twice.", "Said in a briefing."]))
    def edit_the_context(self, index, words):
        def change():
            claim = self.claim(index)
            claim.context = f"{claim.context} {words}".strip()
            claim.save()
            return [claim]

        self.drafted(change)

    @rule(index=CLAIMS, source=st.integers(0, 2), stance=st.sampled_from(Stance))
    def add_evidence(self, index, source, stance):
        self.items += 1
        self.drafted(
            lambda: [
                make_evidence(
                    self.claim(index),
                    self.sources[source],
                    stance=stance,
                    title=f"Item {self.items}",
                ).claim
            ]
        )

    @rule(index=CLAIMS)
    def shell_deletes_the_evidence(self, index):
        Evidence.objects.filter(claim_id=self.claims[index]).delete()

    @rule(index=CLAIMS, credibility=st.integers(1, 6))
    def shell_regrades_the_evidence(self, index, credibility):
        Evidence.objects.filter(claim_id=self.claims[index]).update(credibility=credibility)

    @rule(index=CLAIMS)
    def shell_deletes_the_caveats(self, index):
        Caveat.objects.filter(claim_id=self.claims[index]).delete()

    @rule(source=st.integers(0, 2), name=st.sampled_from(["Renamed", "Ministry of Defence"]))
    def rename_a_source(self, source, name):
        def change():
            row = Source.objects.get(pk=self.sources[source].pk)
            row.name = name
            row.save()
            return list(Claim.objects.filter(claimant=row))

        self.drafted(change)

    @rule(source=st.integers(0, 2), grade=st.sampled_from(["A", "E"]))
    def shell_regrades_a_source(self, source, grade):
        Source.objects.filter(pk=self.sources[source].pk).update(reliability=grade)

    @invariant()
    def readers_see_only_the_latest_published_revisions(self):
        assert self.public_surfaces() == self.published
        for claim in Claim.objects.all():
            current = Revision.objects.current().filter(claim=claim).first()
            assert (current is not None) == claim.is_published
            if current is not None:
                latest = claim.revisions.order_by("-number").first()
                assert current == latest
                status, body = self.published[f"/claims/{claim.slug}/"]
                assert status == 200
                assert current.document["headline"].encode() in body

    @invariant()
    def every_chain_verifies(self):
        assert find_violations() == []


@pytest.mark.django_db
def test_readers_see_only_published_revisions_whatever_the_desk_does(
    editor, reviewer, publisher, client, uncached_pages
):
    cast = {"editor": editor, "reviewer": reviewer, "publisher": publisher}
    run_state_machine_as_test(
        lambda: PublishedRecord(cast, client),
        settings=settings(max_examples=examples(3), stateful_step_count=20, deadline=None),
    )
    assert not Claim.objects.exists()
