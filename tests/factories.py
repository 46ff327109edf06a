"""
What tests call to set the scene: rows with overridable defaults, form data,
page text, a logged-in browser page, settings read in a fresh process.

Fixtures live in the conftest.py files; everything a test calls directly lives
here, so tests import from `tests.factories`, never from a conftest.
"""

import html
import inspect
import json
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from claims.abuse import form_token
from claims.admin_forms import stored_digest
from claims.choices import Action, ClaimStatus, Stance
from claims.models import (
    Affiliation,
    Claim,
    Evidence,
    ReviewEvent,
    Revision,
    Source,
    Translation,
)
from claims.models.revisions import listing_columns
from claims.models.translations import text_limit, translatable_texts


def password_for(username):
    return f"{username}-password-1"


def make_user(username, *roles):
    """
    A staff user holding exactly `roles`, who logs in with password_for(username).
    A user of that name already there (the seed's `editor` and `reviewer`) is
    reused, so a test with the seed acts as the person who entered its claims.
    """
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = True
    user.set_password(password_for(username))
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


def in_review(claim):
    """`claim`, moved to in review directly (no event), for tests of the verdicts."""
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.IN_REVIEW)
    return Claim.objects.get(pk=claim.pk)


def make_source(name="Agency", affiliation=None, **overrides):
    slug = overrides.pop("slug", name.lower().replace(" ", "-"))
    if isinstance(affiliation, str):
        affiliation, _ = Affiliation.objects.get_or_create(
            name=affiliation, slug=affiliation.lower().replace(" ", "-")
        )
    source, _ = Source.objects.get_or_create(
        slug=slug, defaults={"name": name, "affiliation": affiliation, **overrides}
    )
    return source


def make_claim(created_by, **overrides):
    count = Claim.objects.count() + 1
    fields = {
        "slug": f"claim-{count}",
        "headline": f"Claim number {count}",
        "wording": f"The wording of claim number {count}.",
        "claimant": overrides.pop("claimant", None) or make_source("Claimant"),
        "created_by": created_by,
    }
    fields.update(overrides)
    return Claim.objects.create(**fields)


def make_published_claim(created_by, published_by=None, **overrides):
    """
    A claim readers can see, published directly (not through the workflow,
    whose evidence rules it need not meet): marked published, with a first
    revision of its record as it stands. Rows added to it later are drafts
    until publish_draft(). Four eyes hold all the same: `published_by`, or
    else the desk's publisher of record, is never who entered it.
    """
    published_by = published_by or publisher_of_record(created_by)
    overrides.setdefault("published_at", timezone.now())
    claim = make_claim(created_by, is_published=True, **overrides)
    event = ReviewEvent.objects.create(
        claim=claim,
        version=claim.version,
        action=Action.PUBLISH,
        from_status=claim.status,
        to_status=claim.status,
        actor=published_by,
        created_at=claim.published_at,
    )
    revision = Revision.publish(claim, by=published_by, at=claim.published_at)
    ReviewEvent.objects.filter(pk=event.pk).update(revision_digest=revision.digest)
    return claim


def publisher_of_record(created_by):
    """A publisher other than `created_by`: the seed's, or one made for the test."""
    User = get_user_model()
    for username in ("publisher", "pat"):
        if username != created_by.username:
            user = User.objects.filter(username=username).first()
            if user is not None and user.has_perm("claims.publish_claim"):
                return user
    return make_user("pat" if created_by.username == "publisher" else "publisher", "Publishers")


def publish_draft(claim, by):
    """
    Publish `claim`'s draft as its next revision around the workflow's rules
    (with its review event, as the workflow writes one), for tests that set a
    published claim up row by row, or publish what no rule would let through.
    """
    now = timezone.now()
    claim = Claim.objects.get(pk=claim.pk)
    # After any event a test wrote by hand, too.
    last_event = claim.events.order_by("-version").values_list("version", flat=True).first()
    claim.version = max(claim.version, last_event or 0) + 1
    Claim.objects.filter(pk=claim.pk).update(version=claim.version)
    event = ReviewEvent.objects.create(
        claim=claim,
        version=claim.version,
        action=Action.PUBLISH_CHANGES,
        from_status=claim.status,
        to_status=claim.status,
        actor=by,
        created_at=now,
    )
    Revision.objects.current().filter(claim=claim).update(is_current=False)
    revision = Revision.publish(claim, by=by, at=now)
    ReviewEvent.objects.filter(pk=event.pk).update(revision_digest=revision.digest)
    return revision


def publish_changes(claim, by, public_note="We updated this fact-check.", **kwargs):
    """
    Take the workflow's Publish changes step on `claim` (read afresh) as `by`:
    readers see its draft from now on, with `public_note` as the correction.
    """
    claim = Claim.objects.get(pk=claim.pk)
    claim.transition(Action.PUBLISH_CHANGES, by=by, public_note=public_note, **kwargs)
    return Claim.objects.get(pk=claim.pk)


def publish_translation(claim, by, language="ko", **texts):
    """
    A version of `claim`'s current revision in `language`, current beside
    it, as the content-translation workflow will publish one: the same
    document with `texts` in place (headline, wording, summary; claimant_name;
    evidence_titles, evidence_excerpts and evidence_sources (names), lists in
    the evidence's order;
    correction_notes, likewise), numbered after the claim's latest revision in
    `language` (claims.models.translations publishes one from a draft; this
    one puts any text in any part).
    """
    original = Revision.objects.current().get(claim=claim)
    document = json.loads(json.dumps(original.document))
    for part in ("headline", "wording", "summary"):
        if part in texts:
            document[part] = texts[part]
    if "claimant_name" in texts:
        document["claimant"]["name"] = texts["claimant_name"]
    for item, title in zip(document["evidence"], texts.get("evidence_titles", ()), strict=False):
        item["title"] = title
    for item, quote in zip(document["evidence"], texts.get("evidence_excerpts", ()), strict=False):
        item["excerpt"] = quote
    for item, name in zip(document["evidence"], texts.get("evidence_sources", ()), strict=False):
        item["source"]["name"] = name
    for item, note in zip(document["corrections"], texts.get("correction_notes", ()), strict=False):
        item["note"] = note
    document["language"] = language
    previous = Revision.objects.filter(claim=claim, language=language).order_by("-number").first()
    revision = Revision(
        claim_id=claim.pk,
        number=previous.number + 1 if previous else 1,
        document=document,
        published_at=timezone.now(),
        published_by=by,
        previous_digest=previous.digest if previous else "",
        first_published_at=original.first_published_at,
        language=language,
        translation_of=original,
        **listing_columns(document),
    )
    Revision.objects.current_translations(language).filter(claim=claim).update(is_current=False)
    revision.digest = revision.computed_digest()
    revision.save(force_insert=True)
    return revision


def korean_texts(claim, **overrides):
    """A complete Korean draft of `claim`'s current record: each text marked as translated."""
    original = Revision.objects.current().get(claim=claim)
    # Cut to the original's limit, which the marker would take a headline past.
    texts = {
        key: f"[한국어] {text}"[: text_limit(key)]
        for key, _label, text in translatable_texts(original.document)
    }
    return texts | overrides


def translate(claim, drafted_by, published_by=None, **overrides):
    """
    Draft `claim`'s record in Korean as `drafted_by` (every text, korean_texts)
    and, given `published_by`, publish it: the Translation draft.
    """
    draft, _ = Translation.objects.get_or_create(claim=claim, language="ko")
    draft.save_texts(korean_texts(claim, **overrides), by=drafted_by)
    if published_by is not None:
        draft.publish(by=published_by)
    return draft


def make_evidence(claim, source, origin=None, **overrides):
    fields = {
        "stance": Stance.SUPPORTS,
        "title": f"Evidence {Evidence.objects.count() + 1}",
        "credibility": 2,
    }
    fields.update(overrides)
    return Evidence.objects.create(claim=claim, source=source, origin=origin, **fields)


def claim_form_data(claim, **overrides):
    """The admin's change form for `claim` as the browser would post it, inlines included."""
    data = {
        "headline": claim.headline,
        "slug": claim.slug,
        "wording": claim.wording,
        "claimant": claim.claimant_id,
        "topic": claim.topic_id or "",
        "made_on": claim.made_on or "",
        "appeared_in": claim.appeared_in_id or "",
        "appearance_url": claim.appearance_url,
        "context": claim.context,
        "verdict_summary": claim.verdict_summary,
        "review_by": claim.review_by.isoformat() if claim.review_by else "",
        "expected_version": claim.version,
    }
    for prefix, related in [("caveats", claim.caveats.all()), ("evidence", claim.evidence.all())]:
        related = list(related)
        data[f"{prefix}-TOTAL_FORMS"] = len(related)
        data[f"{prefix}-INITIAL_FORMS"] = len(related)
        for index, item in enumerate(related):
            data[f"{prefix}-{index}-id"] = item.pk
            data[f"{prefix}-{index}-claim"] = claim.pk
            if prefix == "caveats":
                data.update(
                    {f"{prefix}-{index}-kind": item.kind, f"{prefix}-{index}-text": item.text}
                )
            else:
                data.update(
                    {
                        f"{prefix}-{index}-stance": item.stance,
                        f"{prefix}-{index}-credibility": item.credibility,
                        f"{prefix}-{index}-source": item.source_id,
                        f"{prefix}-{index}-origin": item.origin_id or "",
                        f"{prefix}-{index}-title": item.title,
                        f"{prefix}-{index}-url": item.url,
                        f"{prefix}-{index}-archive_url": item.archive_url,
                        f"{prefix}-{index}-excerpt": item.excerpt,
                        f"{prefix}-{index}-note": item.note,
                        f"{prefix}-{index}-published_on": item.published_on or "",
                        f"{prefix}-{index}-accessed_on": item.accessed_on or "",
                    }
                )
    data["events-TOTAL_FORMS"] = data["events-INITIAL_FORMS"] = claim.events.count()
    data.update(overrides)
    return data


class _FormFields(HTMLParser):
    """The fields a browser would submit from the form with id `form_id`."""

    SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        name = attrs.get("name")
        if not self.inside or "disabled" in attrs:
            return
        if tag == "input" and name and attrs.get("type", "text") not in self.SKIPPED_INPUTS:
            if attrs.get("type") not in ("checkbox", "radio"):
                self.fields.append((name, attrs.get("value") or ""))
            elif "checked" in attrs:
                self.fields.append((name, attrs.get("value") or "on"))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = {
                "name": name,
                "first": None,
                "chosen": [],
                "multiple": "multiple" in attrs,
            }
        elif tag == "option" and self.select is not None:
            value = attrs.get("value") or ""
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # A browser drops the newline that opens a textarea's content.
            self.fields.append((name, text.removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"] and self.select["first"] is not None:
                chosen = [self.select["first"]]
            self.fields += [(self.select["name"], value) for value in chosen]
            self.select = None


def submitted_fields(response, form_id):
    """
    The (name, value) pairs a browser submits from the form `form_id` of an
    HTML response as it stands (buttons aside), hidden template rows included.
    """
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    return parser.fields


def as_post_data(fields, **changes):
    """`fields` (submitted_fields) as data for the test client, with `changes` made."""
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    data.update(
        {name: value if isinstance(value, list) else [value] for name, value in changes.items()}
    )
    return data


def opened_digest(row):
    """
    The hidden `row_digest` a change form of `row` (a source, a figure…)
    carries when opened now, as a browser would post it back: a form without
    it, or with an older one, is refused as stale.
    """
    inline_relations = admin.site.get_model_admin(type(row)).form.inline_relations
    return stored_digest(row, inline_relations)


def forget_cached_pages():
    """
    Empty the page cache, as a restart with an empty cache would: the next
    read of any page renders it whole.
    """
    cache.clear()


def page_text(response):
    """The text a reader sees in an HTML response: no tags, whitespace collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    # Tags next to punctuation ("<a>name</a>,") leave a stray space.
    return re.sub(r" ([,.;:)])", r"\1", text)


def sitemap_pages(client):
    """The path of each page /sitemap.xml (the index) lists, every section's pages."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return [
        urlsplit(html.unescape(address))._replace(scheme="", netloc="").geturl()
        for address in re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    ]


def sign_in(context, username, site_url):
    """
    Give a Playwright browser context the session of a make_user() user, as
    logging in would leave it, without the login form: journeys about what
    comes after logging in start there. Journeys that log in use log_in_page().
    """
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": session.key, "value": session.value, "url": site_url}])


def log_in_page(page, username):
    """Log a make_user() user in to the admin in a Playwright page, through the form."""
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password_for(username))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


# Every environment variable the project's settings read (or Django's test
# run sets), by prefix: a new process starts from none of them.
CONFIGURATION = (
    "FACTCHECK_",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_",
    "DATABASE_URL",
    "REDIS_",
    "PUBLIC_",
    "SITE_URL",
    "NEWSROOM_",
    "SESSION_",
    "SECURE_",
    "TRUST",
    "AXES_",
    "LOG_LEVEL",
    "DJANGO_",
)


def json_default(value):
    """What JSON cannot carry: a set as a sorted list, anything else as its str()."""
    return sorted(value, key=str) if isinstance(value, set | frozenset) else str(value)


def json_value(value):
    """`value` as read_settings() gives it."""
    return json.loads(json.dumps(value, default=json_default))


PRINT_SETTINGS = f"""
import json, sys
import factcheck.settings as s
{inspect.getsource(json_default)}
names = sys.argv[1:] or [name for name in dir(s) if name.isupper()]
print(json.dumps({{name: getattr(s, name) for name in names}}, default=json_default))
"""


def run_python(*args, **environment):
    """
    `python *args` in a new process at the project's root, configured by
    `environment` alone: settings are read once, at start-up, so what an
    environment does can only be seen in a process of its own.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith(CONFIGURATION)}
    env.update(environment)
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def read_settings(*names, **environment):
    """
    Start factcheck.settings under `environment`: the finished process, with
    `.values` the named settings (all of them when none is named) as JSON
    gives them (see json_default); None when start-up failed.
    """
    result = run_python("-c", PRINT_SETTINGS, *names, **environment)
    result.values = json.loads(result.stdout) if result.returncode == 0 else None
    return result


# Readers writing in.


def served_earlier(seconds=10):
    """A form's signed serving time `seconds` ago: past the time trap, within a day."""
    return form_token(time.time() - seconds)


def tip_data(claim="Kim Jong Un said the moon is made of cheese.", **fields):
    """What a reader sends with the ask-us-to-check form, served ten seconds before."""
    return {
        "claim": claim,
        "where_seen": "",
        "email": "",
        "website": "",
        "served": served_earlier(),
        **fields,
    }


def request_data(text="The date of the briefing is wrong: it was on 29 April.", **fields):
    """What a reader sends with the report-an-error form, served ten seconds before."""
    return {
        "text": text,
        "evidence_url": "",
        "email": "",
        "website": "",
        "served": served_earlier(),
        **fields,
    }


def send_tip(client, address="203.0.113.7", path="/ask/", **fields):
    """
    Post a tip from the client address `address` (REMOTE_ADDR), sent as
    confirmed, to the form at `path` (its language's: "/ko/ask/" in Korean).
    """
    data = tip_data(**fields)
    data.setdefault("confirmed", "1")
    return client.post(path, data, REMOTE_ADDR=address)


def run_worker():
    """
    The task worker (`manage.py db_worker`) in this process, until no task
    is ready: what it sends goes through the test's mailers. It works in the
    test's transaction, so it is kept from closing the connection between
    tasks as a worker of its own does (tests/readers/test_smtp_delivery.py
    runs one in a process of its own).
    """
    with mock.patch(f"{db_worker.__name__}.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
