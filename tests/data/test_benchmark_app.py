"""
The benchmark's commands exist only under the benchmark's settings, and a
database they fill is reported as synthetic rather than checked as desk data.
"""

import secrets
import shutil
import sqlite3

import pytest

from tests.factories import run_python

# Every test runs manage.py in a process of its own.
pytestmark = pytest.mark.processes

PRODUCTION = {
    "FACTCHECK_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "desk.example.org",
}
BENCHMARK_COMMANDS = ["bench_fill", "soak_writer"]


def commands_listed(**environment):
    result = run_python("manage.py", "help", **environment)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_lists_no_benchmark_command():
    listed = commands_listed(**PRODUCTION)
    assert "check_invariants" in listed
    assert not set(BENCHMARK_COMMANDS) & set(listed)
    assert "[bench]" not in listed


def test_the_benchmark_settings_add_the_benchmark_commands():
    listed = commands_listed(**PRODUCTION, FACTCHECK_BENCHMARK="1")
    assert "[bench]" in listed
    assert set(BENCHMARK_COMMANDS) <= set(listed)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """An SQLite database migrated under the benchmark's settings, once per module."""
    path = tmp_path_factory.mktemp("bench") / "migrated.sqlite3"
    result = run_python(
        "manage.py",
        "migrate",
        "--no-input",
        "-v0",
        DATABASE_URL=f"sqlite:///{path}",
        FACTCHECK_BENCHMARK="1",
    )
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def benchmark_database(migrated, tmp_path):
    """A fresh copy of the migrated database, and the benchmark's settings for it."""
    path = tmp_path / "bench.sqlite3"
    shutil.copyfile(migrated, path)
    return path, {"DATABASE_URL": f"sqlite:///{path}", "FACTCHECK_BENCHMARK": "1"}


def test_check_invariants_says_plainly_that_a_filled_database_is_synthetic(benchmark_database):
    path, environment = benchmark_database
    fill = run_python("manage.py", "bench_fill", "--claims", "40", "--sources", "20", **environment)
    assert fill.returncode == 0, fill.stderr
    assert "marked synthetic" in fill.stdout
    with sqlite3.connect(path) as database:
        assert database.execute("SELECT claims FROM bench_syntheticfill").fetchall() == [(40,)]
        assert database.execute("SELECT count(*) FROM claims_claim").fetchone() == (40,)

    # Read without the bench app installed, as after copying the database
    # elsewhere: the mark is a table the check finds by name.
    check = run_python("manage.py", "check_invariants", DATABASE_URL=environment["DATABASE_URL"])
    assert check.returncode == 1
    assert "Not checked: this is a synthetic benchmark database." in check.stderr
    assert "bulk-inserted 40 claims" in check.stderr
    # No row-by-row list of what the fill breaks.
    assert "violation" not in check.stderr


def test_an_empty_benchmark_database_is_checked_as_usual(benchmark_database):
    path, environment = benchmark_database
    check = run_python("manage.py", "check_invariants", **environment)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == "All 0 claims hold every invariant."
    with sqlite3.connect(path) as database:
        assert database.execute("SELECT count(*) FROM bench_syntheticfill").fetchone() == (0,)


class RecordingPipeline:
    def __init__(self, sent):
        self.sent = sent
        self.queued = []

    def hincrby(self, name, key, amount):
        self.queued.append((name, key, amount))

    def execute(self):
        self.sent.append(sorted(self.queued))


def test_the_soaks_page_cache_counts_reach_redis_in_one_batch(monkeypatch, rf):
    from bench import page_cache_counts

    sent = []
    redis = type("Redis", (), {"pipeline": lambda self, transaction: RecordingPipeline(sent)})
    monkeypatch.setattr(page_cache_counts, "redis_client", lambda: redis())
    monkeypatch.setattr(page_cache_counts, "start_flushing", lambda: None)
    page_cache_counts.flush()  # whatever an earlier test counted
    sent.clear()

    for path, hit in [("/", True), ("/", True), ("/", False), ("/feed/", True)]:
        page_cache_counts.count_lookup(None, request=rf.get(path), hit=hit)
    assert sent == []  # nothing sent per request
    page_cache_counts.flush()
    page_cache_counts.flush()  # nothing new: nothing sent
    assert sent == [
        [
            (page_cache_counts.HITS, "/", 2),
            (page_cache_counts.HITS, "/feed/", 1),
            (page_cache_counts.MISSES, "/", 1),
        ]
    ]


def test_counts_that_redis_does_not_take_are_kept_for_the_next_try(monkeypatch, rf):
    from bench import page_cache_counts

    sent = []
    failing = [True]

    class Pipeline(RecordingPipeline):
        def execute(self):
            if failing[0]:
                raise ConnectionError("Redis is restarting")
            super().execute()

    redis = type("Redis", (), {"pipeline": lambda self, transaction: Pipeline(sent)})
    monkeypatch.setattr(page_cache_counts, "redis_client", lambda: redis())
    monkeypatch.setattr(page_cache_counts, "start_flushing", lambda: None)
    failing[0] = False
    page_cache_counts.flush()  # whatever an earlier test counted
    sent.clear()
    failing[0] = True

    page_cache_counts.count_lookup(None, request=rf.get("/"), hit=True)
    with pytest.raises(ConnectionError):
        page_cache_counts.flush()
    page_cache_counts.count_lookup(None, request=rf.get("/"), hit=True)
    failing[0] = False
    page_cache_counts.flush()
    assert sent == [[(page_cache_counts.HITS, "/", 2)]]
