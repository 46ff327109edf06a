import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.factories import ensure_roles, make_user


@pytest.fixture
def editor(db):
    """An editor: enters claims and evidence, starts reviews."""
    return make_user("editor", "Editors")


@pytest.fixture
def reviewer(db):
    """A reviewer: issues verdicts."""
    return make_user("reviewer", "Reviewers")


@pytest.fixture
def publisher(db):
    """A publisher: publishes, unpublishes, reviews."""
    return make_user("publisher", "Publishers")


@pytest.fixture
def seed(db):
    ensure_roles()
    call_command("loaddata", "fixtures/seed.json", verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.2 s a user; the suite creates hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
