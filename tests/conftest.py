import html
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from claims.models import Affiliation, Claim, Evidence, Source, Stance
from claims.roles import ROLES, sync_roles


def ensure_roles():
    """Transactional tests flush the roles the migration made; bring them back."""
    if Group.objects.filter(name__in=ROLES).count() < len(ROLES):
        sync_roles(Group, Permission)


def make_user(django_user_model, username, *roles):
    user = django_user_model.objects.create_user(
        username=username, password=f"{username}-password-1", is_staff=True
    )
    ensure_roles()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


@pytest.fixture
def alice(django_user_model):
    """An editor: enters claims and evidence, starts reviews."""
    return make_user(django_user_model, "alice", "Editors")


@pytest.fixture
def bob(django_user_model):
    """A reviewer: issues verdicts."""
    return make_user(django_user_model, "bob", "Reviewers")


@pytest.fixture
def charlie(django_user_model):
    """A publisher: publishes, unpublishes, reviews."""
    return make_user(django_user_model, "charlie", "Publishers")


@pytest.fixture
def seed(db):
    ensure_roles()
    call_command("loaddata", "fixtures/seed.json", verbosity=0)


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


def make_evidence(claim, source, origin=None, **overrides):
    fields = {
        "stance": Stance.SUPPORTS,
        "title": f"Evidence {Evidence.objects.count() + 1}",
        "credibility": 2,
    }
    fields.update(overrides)
    return Evidence.objects.create(claim=claim, source=source, origin=origin, **fields)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.2 s a user; the suite creates hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_published_claim(created_by, **overrides):
    """A claim readers can see, published directly (not through the workflow)."""
    overrides.setdefault("published_at", timezone.now())
    return make_claim(created_by, is_published=True, **overrides)


def page_text(response):
    """The text a reader sees in an HTML response: no tags, whitespace collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    # Tags next to punctuation ("<a>name</a>,") leave a stray space.
    return re.sub(r" ([,.;:)])", r"\1", text)


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    # Many tests change rows directly, as no editor can, and then read a page;
    # the page cache follows only the workflow and the admin. It has its own
    # tests (test_page_cache*.py), which turn it back on.
    settings.PUBLIC_PAGE_CACHE = False


@pytest.fixture
def page_cache(settings):
    """The page cache on, in a local-memory cache of its own, empty."""
    settings.PUBLIC_PAGE_CACHE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "page-cache-tests",
        }
    }
    cache.clear()
    return cache
