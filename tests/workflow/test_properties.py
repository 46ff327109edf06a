"""Properties over many generated inputs: URL schemes, escaping, and the workflow's invariants.

Example counts are modest so the suite stays fast; HYPOTHESIS_PROFILE=thorough
runs many more (e.g. before a release).
"""

import json
import re
from html import escape
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from claims.choices import Action, CaveatKind, Stance
from claims.invariants import find_violations
from claims.models import (
    Affiliation,
    Article,
    Caveat,
    Claim,
    Correction,
    Evidence,
    ReviewEvent,
    Source,
)
from claims.workflow import WorkflowError, WorkflowForbidden
from tests.factories import make_claim, make_evidence, make_source, page_text, publish_draft
from tests.property_settings import examples

# URL schemes -----------------------------------------------------------------

URL_FIELDS = [
    (Source, "url"),
    (Article, "url"),
    (Claim, "appearance_url"),
    (Evidence, "url"),
    (Evidence, "archive_url"),
]
SCHEMES = ["javascript", "JaVaScRiPt", "data", "vbscript", "file", "ftp", "blob", "mailto"]
SCHEMES += ["http", "https", "HTTP", "hTtPs", "jav&#x09;ascript", "java\x00script"]
SEPARATORS = [":", "://", ":/", ":\\\\", " :", "%3A//"]
PREFIXES = ["", " ", "\t", "\n", "\x00", "\x1f", "\u00a0", "\ufeff", "//", "/"]

odd_urls = st.one_of(
    st.builds(
        lambda prefix, scheme, separator, rest: prefix + scheme + separator + rest,
        st.sampled_from(PREFIXES),
        st.sampled_from(SCHEMES),
        st.sampled_from(SEPARATORS),
        st.text(max_size=20),
    ),
    # Browsers drop tabs and newlines anywhere: "java\tscript:" is javascript:.
    st.builds(
        lambda scheme, at, blank, rest: f"{scheme[:at]}{blank}{scheme[at:]}:{rest}",
        st.sampled_from(["javascript", "vbscript", "data", "http"]),
        st.integers(0, 10),
        st.sampled_from(["\t", "\n", "\r"]),
        st.text(max_size=20),
    ),
    st.text(max_size=40),
)


def scheme_a_browser_sees(url):
    """The scheme a WHATWG URL parser gives `url` on our pages, or None if relative."""
    url = url.strip("".join(chr(code) for code in range(0x21)))
    url = re.sub(r"[\t\n\r]", "", url)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    return match[1].lower() if match else None


def accepted_by_validation(model, name, value):
    """What the admin would store: the form field's cleaning, then the model's
    own field validators and constraints; None when refused."""
    field = model._meta.get_field(name)
    try:
        cleaned = field.formfield().clean(value)
        instance = model(**{name: cleaned})
        others = {other.name for other in model._meta.fields} - {name}
        instance.clean_fields(exclude=others)
        instance.validate_constraints(exclude=others)
    except ValidationError:
        return None
    return cleaned


@pytest.fixture
def rows(editor):
    """One stored row for each model with a URL field."""
    claim = make_claim(editor)
    source = make_source("Wire")
    return {
        Source: source,
        Article: Article.objects.create(title="Article", slug="article"),
        Claim: claim,
        Evidence: Evidence.objects.create(claim=claim, source=source, stance="supports", title="E"),
    }


def stored_by_database(row, name, value):
    """Whether the database takes `value` into the column; the change is rolled back."""
    try:
        with transaction.atomic():
            type(row)._base_manager.filter(pk=row.pk).update(**{name: value})
            transaction.set_rollback(True)
    except (IntegrityError, DataError):
        return False
    return True


@pytest.mark.django_db  # constraint validation asks the database
@given(field=st.sampled_from(URL_FIELDS), url=odd_urls)
@settings(max_examples=examples(200))
def test_validation_accepts_only_http_and_https_urls(field, url):
    model, name = field
    cleaned = accepted_by_validation(model, name, url)
    if cleaned:
        assert scheme_a_browser_sees(cleaned) in {"http", "https"}
        assert cleaned.startswith(("http://", "https://"))


@pytest.mark.django_db
@given(field=st.sampled_from(URL_FIELDS), url=odd_urls)
@settings(max_examples=examples(150))
def test_the_database_stores_only_http_and_https_urls(rows, field, url):
    model, name = field
    row = rows[model]
    if stored_by_database(row, name, url) and url:
        assert scheme_a_browser_sees(url) in {"http", "https"}
    # Whatever validation lets through, the database stores: no error page.
    if cleaned := accepted_by_validation(model, name, url):
        assert stored_by_database(row, name, cleaned)
    assert getattr(type(row)._base_manager.get(pk=row.pk), name) == ""


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:x()"]
    + ["data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "\x00javascript:x()"],
)
def test_known_script_urls_are_refused_everywhere(rows, url):
    for model, name in URL_FIELDS:
        assert accepted_by_validation(model, name, url) is None
        assert not stored_by_database(rows[model], name, url)


# Escaping ------------------------------------------------------------------

PAYLOADS = [
    '<script>alert("{m}")</script>',
    '"><img src=x onerror=alert("{m}")>',
    "'><svg onload=alert('{m}')>",
    "</textarea><script>{m}()</script>",
    "</title><script>{m}()</script>",
    '<a href="javascript:{m}()">x</a>',
    '" autofocus onfocus="{m}()',
    "<style>@import '//evil.example/{m}';</style>",
    '<base href="//evil.example/{m}/">',
    "&lt;script&gt;{m}",
    "<!--{m}-->",
    "{{{{ {m} }}}}{{% debug %}}",
]
plain = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=8)
markers = st.text("abcdefghijklmnopqrstuvwxyz", min_size=8, max_size=8).map(lambda m: f"x{m}")


@st.composite
def payload(draw):
    marker = draw(markers)
    text = draw(plain) + draw(st.sampled_from(PAYLOADS)).format(m=marker) + draw(plain)
    return SimpleNamespace(text=text, marker=marker)


TEXT_FIELDS = {
    Claim: ["headline", "wording", "context", "verdict_summary"],
    Evidence: ["title", "excerpt", "note"],
    Caveat: ["text"],
    Source: ["name", "country", "description"],
    Affiliation: ["name"],
}

# Each page, and whose stored text it must show in full.
PAGES = {
    "verdict page": (lambda desk: desk[Claim].get_absolute_url(), [Claim, Evidence, Caveat]),
    "source page": (lambda desk: desk[Source].get_absolute_url(), [Source, Affiliation]),
    "claim list": (lambda desk: reverse("claim_list"), []),
    "feed": (lambda desk: reverse("feed"), []),
    "admin claim change": (
        lambda desk: reverse("admin:claims_claim_change", args=[desk[Claim].pk]),
        [Claim, Evidence, Caveat, Affiliation],
    ),
    "admin claim list": (lambda desk: reverse("admin:claims_claim_changelist"), []),
    "admin source change": (
        lambda desk: reverse("admin:claims_source_change", args=[desk[Source].pk]),
        [Source],
    ),
    "admin source list": (lambda desk: reverse("admin:claims_source_changelist"), []),
}


def build_desk(author, texts):
    """A published claim with evidence and a caveat, every text field holding
    a payload (cut to the column's length). Returns {model: the row}."""

    def fields(model):
        return {
            name: texts[model][name].text[: model._meta.get_field(name).max_length]
            for name in TEXT_FIELDS[model]
        }

    affiliation = Affiliation.objects.create(slug="agency", **fields(Affiliation))
    source = Source.objects.create(slug="agency", affiliation=affiliation, **fields(Source))
    claim = Claim.objects.create(
        slug="payload",
        claimant=source,
        created_by=author,
        is_published=True,
        published_at=timezone.now(),
        **fields(Claim),
    )
    evidence = Evidence.objects.create(
        claim=claim, source=source, stance=Stance.SUPPORTS, **fields(Evidence)
    )
    caveat = Caveat.objects.create(claim=claim, kind=CaveatKind.OTHER, **fields(Caveat))
    # What readers see of it: its record, published as a revision.
    publish_draft(claim, author)
    return {
        Affiliation: affiliation,
        Source: source,
        Claim: claim,
        Evidence: evidence,
        Caveat: caveat,
    }


JAVASCRIPT_TYPES = {"text/javascript", "application/javascript", "module"}


class Injected(HTMLParser):
    """Notes any element, attribute or script that a marker managed to create."""

    def __init__(self, markers):
        super().__init__()
        self.markers, self.found, self.in_code = markers, [], False

    def has_marker(self, text):
        return any(marker in (text or "") for marker in self.markers)

    def handle_starttag(self, tag, attrs):
        # Script that runs; a JSON-LD block is data (a breakout from it would
        # show up as a new element).
        kind = dict(attrs).get("type") or "text/javascript"
        self.in_code = tag == "style" or (tag == "script" and kind in JAVASCRIPT_TYPES)
        for name, value in [(tag, ""), *attrs]:
            if self.has_marker(name):
                self.found.append(f"<{tag}> {name}")
            dangerous = name.startswith("on") or name in {"href", "src", "action", "srcdoc"}
            if dangerous and self.has_marker(value):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        if self.in_code and self.has_marker(data):
            self.found.append(f"code: {data[:80]!r}")

    def handle_comment(self, data):
        if self.has_marker(data):
            self.found.append(f"comment: {data[:80]!r}")

    def handle_endtag(self, tag):
        self.in_code = False


# JSON-LD is data: a quote in it is written \", which holds the raw text.
JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>.*?</script>', re.DOTALL)

texts_strategy = st.fixed_dictionaries(
    {
        model: st.fixed_dictionaries({name: payload() for name in names})
        for model, names in TEXT_FIELDS.items()
    }
)


@pytest.mark.django_db
@given(texts=texts_strategy)
@settings(max_examples=examples(12))
def test_stored_text_renders_escaped_on_every_page(admin_client, admin_user, texts):
    with transaction.atomic():
        desk = build_desk(admin_user, texts)
        responses = {page: admin_client.get(url(desk)) for page, (url, _) in PAGES.items()}
        transaction.set_rollback(True)

    markers = [text.marker for fields in texts.values() for text in fields.values()]
    for page, response in responses.items():
        assert response.status_code == 200, page
        body = response.content.decode()
        parser = Injected(markers)
        parser.feed(body)
        assert parser.found == [], page
        markup = JSON_LD.sub("", body)
        for model in PAGES[page][1]:
            for name in TEXT_FIELDS[model]:
                value = getattr(desk[model], name)
                # Shown, and shown escaped: never as markup. The admin's
                # read-only fields drop surrounding whitespace.
                assert escape(value.strip()) in body, (page, model, name)
                if set(value) & set('<>"'):
                    assert value not in markup, (page, model, name)
    assert not Claim.objects.filter(slug="payload").exists()


# The workflow ----------------------------------------------------------------

ANYONE = st.sampled_from(["editor", "reviewer", "publisher"])
CLAIMS = st.integers(0, 2)
NOTES = st.sampled_from(["", "Checked again."])


def desk_snapshot():
    return (
        list(Claim.objects.order_by("pk").values()),
        [model.objects.count() for model in [Evidence, Caveat, ReviewEvent, Correction]],
    )


class Workflow(RuleBasedStateMachine):
    """Random newsroom days: any verb by anyone on any claim, evidence and caveats
    coming and going. The invariants hold after every step, and a refused step
    leaves no trace."""

    def __init__(self, cast):
        super().__init__()
        self.cast = cast
        self.undo = transaction.atomic()
        self.undo.__enter__()
        self.sources = [
            make_source("Agency", affiliation="Government A"),
            make_source("Ministry", affiliation="Government A"),
            make_source("State media", affiliation="Government B"),
            make_source("Wire"),
            make_source("Newspaper"),
        ]
        # Three claims in the states the desk's rules are about, reached
        # through the workflow itself: published with only a caveat to stand
        # on, a published corroboration, and one in review with mixed evidence.
        editor, reviewer, publisher = cast["editor"], cast["reviewer"], cast["publisher"]
        agency, _, state_media, wire, newspaper = self.sources
        breaking = self.new_claim(editor, "Only the agency says so.")
        Caveat.objects.create(claim=breaking, kind=CaveatKind.SINGLE_SOURCE, text="One origin.")
        breaking.publish(by=publisher)
        confirmed = self.new_claim(editor, "Two independent origins.")
        make_evidence(confirmed, agency)
        make_evidence(confirmed, state_media)
        confirmed.start_review(by=editor)
        confirmed.corroborate(by=reviewer)
        confirmed.publish(by=publisher)
        contested = self.new_claim(reviewer, "")
        make_evidence(contested, wire)
        make_evidence(contested, newspaper, stance=Stance.CONTRADICTS)
        contested.start_review(by=reviewer)
        self.claims = [breaking.pk, confirmed.pk, contested.pk]
        self.items = 0

    @staticmethod
    def new_claim(author, summary):
        claim = make_claim(author, verdict_summary=summary)
        claim.record_entry(by=author)
        return claim

    def teardown(self):
        transaction.set_rollback(True)
        self.undo.__exit__(None, None, None)

    def claim(self, index):
        return Claim.objects.get(pk=self.claims[index])

    def refused_without_trace(self, step):
        before = desk_snapshot()
        try:
            step()
        except (WorkflowError, WorkflowForbidden):
            assert desk_snapshot() == before
            return True
        return False

    def step(self, verb, who, index, note):
        claim = self.claim(index)
        events = claim.events.count()
        if not self.refused_without_trace(
            lambda: claim.transition(verb, by=self.cast[who], note=note, public_note=note)
        ):
            assert claim.events.count() == events + 1
            assert self.claim(index).version == claim.version

    # One rule per verb, so that the workflow's steps come as often as edits.
    @rule(who=ANYONE, index=CLAIMS, note=NOTES)
    def start_review(self, who, index, note):
        self.step(Action.START_REVIEW, who, index, note)

    @rule(who=ANYONE, index=CLAIMS, note=NOTES)
    def corroborate(self, who, index, note):
        self.step(Action.CORROBORATE, who, index, note)

    @rule(who=ANYONE, index=CLAIMS, note=NOTES)
    def dispute(self, who, index, note):
        self.step(Action.DISPUTE, who, index, note)

    @rule(who=ANYONE, index=CLAIMS, note=NOTES)
    def refute(self, who, index, note):
        self.step(Action.REFUTE, who, index, note)

    @rule(who=ANYONE, index=CLAIMS, note=NOTES)
    def mark_unverifiable(self, who, index, note):
        self.step(Action.MARK_UNVERIFIABLE, who, index, note)

    @rule(who=ANYONE, index=CLAIMS, note=NOTES)
    def reopen(self, who, index, note):
        self.step(Action.REOPEN, who, index, note)

    @rule(who=ANYONE, index=CLAIMS, note=NOTES)
    def publish(self, who, index, note):
        self.step(Action.PUBLISH, who, index, note)

    @rule(who=ANYONE, index=CLAIMS, note=NOTES)
    def unpublish(self, who, index, note):
        self.step(Action.UNPUBLISH, who, index, note)

    @rule(
        index=CLAIMS,
        source=st.integers(0, 4),
        origin=st.one_of(st.none(), st.integers(0, 4)),
        stance=st.sampled_from(Stance),
        credibility=st.integers(1, 6),
    )
    def add_evidence(self, index, source, origin, stance, credibility):
        self.items += 1
        title = f"Item {self.items}"
        self.refused_without_trace(
            lambda: Evidence.objects.create(
                claim=self.claim(index),
                source=self.sources[source],
                origin=None if origin is None else self.sources[origin],
                stance=stance,
                credibility=credibility,
                title=title,
            )
        )

    @rule(index=CLAIMS)
    def remove_evidence(self, index):
        if item := Evidence.objects.filter(claim_id=self.claims[index]).first():
            self.refused_without_trace(item.delete)

    @rule(index=CLAIMS, kind=st.sampled_from(CaveatKind))
    def add_caveat(self, index, kind):
        self.items += 1
        text = f"Unknown {self.items}"
        self.refused_without_trace(
            lambda: Caveat.objects.create(claim=self.claim(index), kind=kind, text=text)
        )

    @rule(index=CLAIMS)
    def remove_caveat(self, index):
        if caveat := Caveat.objects.filter(claim_id=self.claims[index]).first():
            self.refused_without_trace(caveat.delete)

    @invariant()
    def every_invariant_holds(self):
        assert find_violations() == []


@pytest.mark.django_db
def test_the_workflow_keeps_every_invariant_whatever_the_order_of_steps(
    editor, reviewer, publisher
):
    cast = {"editor": editor, "reviewer": reviewer, "publisher": publisher}
    run_state_machine_as_test(
        lambda: Workflow(cast), settings=settings(max_examples=examples(4), stateful_step_count=25)
    )
    assert not Claim.objects.exists()


# Internal notes stay internal ------------------------------------------------

# Every step of the workflow, in an order that takes one claim through each.
LIFE_OF_A_CLAIM = [
    Action.START_REVIEW,
    Action.CORROBORATE,
    Action.PUBLISH,
    Action.REOPEN,
    Action.DISPUTE,
    Action.REOPEN,
    "contradicted",  # strong contradicting evidence arrives while in review
    Action.REFUTE,
    Action.REOPEN,
    Action.MARK_UNVERIFIABLE,
    Action.UNPUBLISH,
    Action.PUBLISH,
]
WHO_TAKES = {
    Action.START_REVIEW: "editor",
    Action.PUBLISH: "publisher",
    Action.UNPUBLISH: "publisher",
}
# Long enough that no page says it by chance; markup and quotes, so that an
# escaped copy would be found too.
internal_notes = st.lists(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["C"]), min_size=3).map(
        lambda text: f"internal {text} <b>&\"'"
    ),
    min_size=len(LIFE_OF_A_CLAIM),
    max_size=len(LIFE_OF_A_CLAIM),
    unique=True,
)


def public_urls(claim):
    """Every public URL that shows something of `claim`, htmx fragments included."""
    word = claim.headline.split()[0]
    return [
        (claim.get_absolute_url(), {}),
        ("/", {}),
        ("/", {"HX-Request": "true"}),
        (f"/?q={word}", {}),
        (f"/?q={word}", {"HX-Request": "true"}),
        (f"/?verdict={claim.public_status}", {"HX-Request": "true"}),
        (claim.claimant.get_absolute_url(), {}),
        ("/feed/", {}),
        ("/sitemap-claims.xml", {}),
        ("/claims.json", {}),
    ]


def shown_forms(note):
    """The note as any public page might carry it: raw, HTML-escaped, JSON-escaped."""
    return {note, escape(note), escape(note, quote=False), json.dumps(note)[1:-1]}


@pytest.mark.django_db
@given(notes=internal_notes)
@settings(max_examples=examples(8))
def test_no_internal_note_of_any_step_reaches_a_public_url(
    client, editor, reviewer, publisher, notes
):
    cast = {"editor": editor, "reviewer": reviewer, "publisher": publisher}
    with transaction.atomic():
        claim = make_claim(editor, headline="Zebras crossed the river", verdict_summary="Why.")
        claim.record_entry(by=editor)
        make_evidence(claim, make_source("Wire"), credibility=3)
        make_evidence(claim, make_source("Observer", affiliation="Government B"), credibility=3)
        make_evidence(claim, make_source("Monitor"), stance=Stance.CONTRADICTS, credibility=4)
        for step, note in zip(LIFE_OF_A_CLAIM, notes, strict=True):
            if step == "contradicted":
                make_evidence(claim, make_source("Court"), stance=Stance.CONTRADICTS, credibility=1)
                Caveat.objects.create(claim=claim, kind=CaveatKind.OTHER, text="Why not known.")
                continue
            claim.transition(
                step,
                by=cast[WHO_TAKES.get(step, "reviewer")],
                note=note,
                public_note="For readers.",
            )
        claim.refresh_from_db()
        responses = [
            (path, client.get(path, headers=headers)) for path, headers in public_urls(claim)
        ]
        assert "For readers." in page_text(responses[0][1])
        events = list(claim.events.values_list("note", flat=True))
        transaction.set_rollback(True)

    taken = [note for step, note in zip(LIFE_OF_A_CLAIM, notes, strict=True) if step in Action]
    assert events[1:] == taken
    for path, response in responses:
        assert response.status_code == 200, path
        body = response.content.decode()
        # Each page does show the claim, and the verdict page its public notes.
        assert claim.slug in body, path
        for note in notes:
            for form in shown_forms(note):
                assert form not in body, (path, note)
