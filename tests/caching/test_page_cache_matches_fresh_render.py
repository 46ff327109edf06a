"""
Whatever the desk does, and in whatever order, every public page served with
the page cache on is the page a fresh render gives: random workflow steps
(publishing changes among them), draft edits of claims, evidence, caveats,
sources, affiliations and estimates, and takedowns, each followed by fetches
of any public page, cached or not.
After every edit, each page the cache would still serve is compared with a
fresh render. PAGE_CACHE_EXAMPLES=200 runs many more examples than the
suite's 6 (e.g. after changing what retires which page).
"""

import os
import re
from datetime import date, timedelta

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import RequestFactory
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from claims.caching import (
    cached_page,
    current_versions,
    page_cache_key,
)
from claims.choices import Action, CaveatKind, Reliability
from claims.models import Affiliation, Caveat, Claim, Estimate, Evidence, Figure, Source
from claims.workflow import WorkflowError, WorkflowForbidden
from tests.seed import CLAIM, FIGURE, SOURCE

CLAIMS = [
    CLAIM.casualties,
    CLAIM.deaths,
    CLAIM.injured_repatriated,
    CLAIM.kursk,
    CLAIM.sympathisers,
    CLAIM.cremated,
]
SOURCES = [
    SOURCE.nis,
    SOURCE.jcs,
    SOURCE.rok_lawmakers,
    SOURCE.kcna,
    SOURCE.russian_general_staff,
    SOURCE.unnamed_commenter,
]
FIGURES = [FIGURE.casualties, FIGURE.deaths]
PAGES = [
    ("/", {}),
    ("/", {"HX-Request": "true"}),
    ("/?q=troops", {}),
    ("/?verdict=unverified", {}),
    ("/feed/", {}),
    ("/sitemap.xml", {}),
    ("/sitemap-claims.xml", {}),
    ("/sitemap-sources.xml", {}),
    ("/claims.json", {}),
    ("/methodology/", {}),
    *[(f"/claims/{slug}/", {}) for slug in CLAIMS],
    *[(f"/sources/{slug}/", {}) for slug in SOURCES],
    *[(f"/figures/{slug}/", {}) for slug in FIGURES],
    (f"/figures/{FIGURE.deaths}.json", {}),
]
WORKFLOW_STEPS = [
    Action.START_REVIEW,
    Action.CORROBORATE,
    Action.DISPUTE,
    Action.REFUTE,
    Action.MARK_UNVERIFIABLE,
    Action.REOPEN,
    Action.PUBLISH,
    Action.PUBLISH_CHANGES,
    Action.UNPUBLISH,
]
REFUSED = (WorkflowError, WorkflowForbidden)
NONCE = re.compile(rb'nonce="[^"]*"')


def without_nonce(body):
    return NONCE.sub(b'nonce=""', body)


def cached_body(path, headers):
    """The body cached for the page under the versions current now, nonce blanked, or None."""
    key = page_cache_key(RequestFactory().get(path, headers=headers))
    entry = cached_page(key, current_versions(path))
    if entry is None:
        return None
    return without_nonce(entry["body"])


class DeskAndReaders(RuleBasedStateMachine):
    """The seed desk at work, readers fetching pages in between."""

    def __init__(self, client):
        super().__init__()
        self.client = client
        self.undo = transaction.atomic()
        self.undo.__enter__()
        # Each example starts from the seed's versions again: pages cached
        # by the last example would look current.
        cache.clear()
        self.publisher = get_user_model().objects.get(username="reviewer")
        self.edits = 0
        self.checked_after = 0

    def teardown(self):
        transaction.set_rollback(True)
        self.undo.__exit__(None, None, None)

    def attempt(self, change):
        try:
            with transaction.atomic():
                change()
        except REFUSED:
            pass

    def claim(self, index):
        return Claim.objects.get(slug=CLAIMS[index])

    def next_text(self, what):
        self.edits += 1
        return f"{what} {self.edits}"

    @rule(step=st.sampled_from(WORKFLOW_STEPS), index=st.integers(0, len(CLAIMS) - 1))
    def workflow_step(self, step, index):
        note = self.next_text("Note")
        self.attempt(
            lambda: self.claim(index).transition(
                step, by=self.publisher, note=note, public_note=note
            )
        )

    @rule(index=st.integers(0, len(CLAIMS) - 1))
    def edit_headline(self, index):
        headline = self.next_text("Drafted headline")

        def edit():
            claim = self.claim(index)
            claim.headline = headline
            claim.save()

        self.attempt(edit)

    @rule(index=st.integers(0, len(CLAIMS) - 1))
    def edit_evidence(self, index):
        title = self.next_text("Evidence")

        def edit():
            if item := Evidence.objects.filter(claim=self.claim(index)).first():
                item.title = title
                item.save()

        self.attempt(edit)

    @rule(index=st.integers(0, len(CLAIMS) - 1), source=st.sampled_from(SOURCES))
    def move_evidence(self, index, source):
        def move():
            if item := Evidence.objects.filter(claim=self.claim(index)).last():
                item.source = Source.objects.get(slug=source)
                item.save()

        self.attempt(move)

    @rule(index=st.integers(0, len(CLAIMS) - 1))
    def add_caveat(self, index):
        text = self.next_text("Unknown")
        self.attempt(
            lambda: Caveat.objects.create(claim=self.claim(index), kind=CaveatKind.OTHER, text=text)
        )

    @rule(index=st.integers(0, len(CLAIMS) - 1))
    def edit_caveat(self, index):
        text = self.next_text("Still unknown")

        def edit():
            if caveat := Caveat.objects.filter(claim=self.claim(index)).first():
                caveat.text = text
                caveat.save()

        self.attempt(edit)

    @rule(source=st.sampled_from(SOURCES), grade=st.sampled_from(Reliability))
    def edit_source(self, source, grade):
        row = Source.objects.get(slug=source)
        row.name = self.next_text("Source")
        row.reliability = grade
        row.save()

    @rule()
    def edit_affiliation(self):
        affiliation = Affiliation.objects.order_by("pk").first()
        affiliation.name = self.next_text("Affiliation")
        affiliation.save()

    @rule(figure=st.sampled_from(FIGURES), origin=st.sampled_from(SOURCES), low=st.integers(1, 9))
    def add_estimate(self, figure, origin, low):
        self.edits += 1
        Estimate.objects.create(
            figure=Figure.objects.get(slug=figure),
            origin=Source.objects.get(slug=origin),
            stated_on=date(2025, 10, 1) + timedelta(days=self.edits),
            low=low * 1_000,
            url="https://news.example/estimate",
            excerpt=f"about {low},000",
        )

    @rule(figure=st.sampled_from(FIGURES), index=st.integers(0, len(CLAIMS) - 1))
    def state_estimate(self, figure, index):
        self.edits += 1
        estimate = Estimate.objects.filter(figure__slug=figure).order_by("-stated_on").first()
        estimate.claims.add(self.claim(index))

    @rule(figure=st.sampled_from(FIGURES))
    def edit_estimate(self, figure):
        self.edits += 1
        estimate = Estimate.objects.filter(figure__slug=figure).order_by("pk").first()
        estimate.low += 1
        estimate.save()

    def fresh(self, path, headers):
        """The page rendered from the database alone: no page, card or document from a cache."""
        django_settings.PUBLIC_PAGE_CACHE = False
        try:
            return self.client.get(path, headers=headers)
        finally:
            django_settings.PUBLIC_PAGE_CACHE = True

    @rule(page=st.sampled_from(PAGES))
    def fetch(self, page):
        path, headers = page
        served = self.client.get(path, headers=headers)
        fresh = self.fresh(path, headers)
        assert served.status_code == fresh.status_code, path
        assert without_nonce(served.content) == without_nonce(fresh.content), path
        if served.status_code == 200:
            assert served["ETag"] == fresh["ETag"], path

    @rule()
    def read_every_page(self):
        for path, headers in PAGES:
            self.client.get(path, headers=headers)

    @invariant()
    def every_page_still_cached_is_current(self):
        """After each edit, whatever the cache would still serve is what a render gives now."""
        if self.edits == self.checked_after:
            return
        self.checked_after = self.edits
        for path, headers in PAGES:
            if (body := cached_body(path, headers)) is not None:
                fresh = self.fresh(path, headers)
                assert body == without_nonce(fresh.content), f"stale {path}"


def test_every_page_served_from_the_cache_is_the_page_a_fresh_render_gives(
    seed, client, page_cache
):
    runs = int(os.environ.get("PAGE_CACHE_EXAMPLES", "6"))
    run_state_machine_as_test(
        lambda: DeskAndReaders(client),
        settings=settings(
            max_examples=runs,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
    assert Claim.objects.get(slug=CLAIM.kursk).is_published
