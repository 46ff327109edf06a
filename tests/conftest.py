"""
Fixtures for the whole suite: the cast (`editor`, `reviewer`, `publisher`), the
seed story (`seed`), the caches every test runs with (on, as in production)
and the settings it runs under. Functions that make rows or read pages are in
tests/factories.py.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.template.base import PartialTemplate, Template
from django.test.utils import instrumented_test_render
from django.urls import clear_url_caches
from django.utils import translation

from claims.abuse import local_counter
from tests.factories import forget_cached_pages, make_user
from tests.seed import SeedRows

# The related words a new desk starts with (roles come from post_migrate).
INITIAL_SEARCH_WORDS = importlib.import_module(
    "claims.migrations.0022_search_in_korean_and_what_readers_remember"
)


@receiver(setting_changed)
def forget_addresses_of_the_old_default_language(setting, **kwargs):
    """
    The URL resolver builds each language's addresses once, with the
    default language's prefix left out (i18n_patterns): a test that changes
    LANGUAGE_CODE would otherwise leave, for every later test in its
    process, Korean addresses without their /ko/ prefix.
    """
    if setting == "LANGUAGE_CODE":
        clear_url_caches()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """
    Tests marked `postgresql` are skipped on any other database, saying why.

    The tests that start processes and use no test database (`make run`
    twice, the upgrade from an old schema, the benchmark's commands) run
    first: each takes 5–12 s, and pytest-django's order (after which this
    runs) would leave them to the end, where one worker runs them while the
    other has finished.
    """
    items.sort(key=lambda item: 0 if starts_processes_without_the_database(item) else 1)
    if connection.vendor == "postgresql":
        return
    for item in items:
        if marker := item.get_closest_marker("postgresql"):
            reason = marker.kwargs.get("reason", "needs PostgreSQL")
            item.add_marker(pytest.mark.skip(reason=reason))


DATABASE_FIXTURES = {"db", "transactional_db", "live_server"}


def starts_processes_without_the_database(item):
    return (
        item.get_closest_marker("processes") is not None
        and item.get_closest_marker("django_db") is None
        and not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


# Template rendering as the desk runs it, kept before Django's test setup
# (pytest-django's session fixture, after this module is imported) replaces
# it with a version that reports each template to the test client.
RENDER = {Template: Template._render, PartialTemplate: PartialTemplate._render}
assert instrumented_test_render not in RENDER.values(), "conftest imported after the test setup"


@pytest.fixture(autouse=True, scope="session")
def templates_rendered_as_served(django_test_environment):
    """
    Templates render as they do when the desk serves them. Django's test setup
    has each render report its template and a copy of its context to the test
    client: an admin change form renders about 700 templates, and that
    reporting was about 5% of the suite's time. Tests that read
    `response.context` ask for `template_context`.
    """
    for template_class, render in RENDER.items():
        template_class._render = render


@pytest.fixture
def template_context(monkeypatch):
    """`response.context` and `response.templates` recorded, as Django's test client offers."""
    for template_class in RENDER:
        monkeypatch.setattr(template_class, "_render", instrumented_test_render)


@pytest.fixture(scope="session")
def django_db_use_migrations(request):
    """
    On PostgreSQL, the production database, the test database is built by the
    migrations, as a deployment builds its own. On SQLite it is built from the
    models, in a second rather than the five that replaying the history takes
    in each test process: the migrations describe the models exactly
    (tests/data/test_migration_operations.py), what they run on PostgreSQL
    only is its search, and tests/data/test_migrations.py upgrades a database
    by them. `--nomigrations` builds it from the models on PostgreSQL too.
    """
    if request.config.getvalue("nomigrations"):
        return False
    return connection.vendor == "postgresql"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_use_migrations):
    """The test database, with the rows a migrated one starts with, however it was built."""
    if not django_db_use_migrations:
        with django_db_blocker.unblock():
            INITIAL_SEARCH_WORDS.add_related_words(django_apps, None)


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
def other_publisher(db):
    """A publisher who made none of the changes: the second pair of eyes."""
    return make_user("pat", "Publishers")


@pytest.fixture
def translator(db):
    """A translator: drafts the record in another language, publishes nothing."""
    return make_user("translator", "Translators")


@pytest.fixture(scope="session")
def seed_rows(django_db_setup, django_db_blocker):
    """The rows fixtures/seed.json adds, loaded once through the guarded loaddata."""
    with django_db_blocker.unblock():
        return SeedRows.load()


@pytest.fixture
def seed(db, seed_rows):
    """
    The seed story, exactly as the guarded loaddata writes it, in this test's
    transaction. The real load (which also checks every invariant) runs once
    per test run; each test gets its rows back by bulk insert in a few
    milliseconds, and rolls back whatever it changes. See tests/seed.py.
    """
    seed_rows.insert()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.2 s a user; the suite creates hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def newsroom_language():
    """
    Each test starts in the newsroom's language: a request activates its
    page's language for the thread and leaves it active (as a server does until
    the next request), so a test after one that ended on a Korean page would
    otherwise read Korean messages.
    """
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def page_cache(settings):
    """
    The page and fragment caches on, as production runs them, in a local-memory
    cache of this test's own, empty at its start. Tests of the uncached path
    ask for `uncached_pages` instead.
    """
    settings.PUBLIC_PAGE_CACHE = True
    settings.PUBLIC_FRAGMENT_CACHE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "page-cache-tests",
        }
    }
    forget_cached_pages()
    return cache


@pytest.fixture
def uncached_pages(settings, page_cache):
    """
    The page and fragment caches off, as a site with PUBLIC_PAGE_CACHE and
    PUBLIC_FRAGMENT_CACHE off runs: for tests of the uncached path.
    """
    settings.PUBLIC_PAGE_CACHE = False
    settings.PUBLIC_FRAGMENT_CACHE = False


@pytest.fixture(autouse=True)
def submission_limits(settings):
    """
    Readers' submissions counted in this process, from zero, as where no
    Redis is configured: a test's tips never meet another's limits. Tests of
    the limits in Redis ask for `redis_limits` (tests/readers/conftest.py).
    """
    settings.TIP_LIMITS_REDIS_URL = ""
    local_counter.clear()
