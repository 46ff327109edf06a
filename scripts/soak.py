"""
The soak: public pages under load while the desk keeps writing.

    .venv/bin/python scripts/soak.py            # 60 s a scenario at 64 connections (make soak)
    .venv/bin/python scripts/soak.py --quick    # 10 s a scenario, a smaller fill
    .venv/bin/python scripts/soak.py --edge     # through Varnish, two origins (make soak-edge)

Fills a PostgreSQL database (SOAK_DATABASE_URL, default the local server's
factcheck_soak), serves it with gunicorn under production settings with the
page cache in Redis (SOAK_REDIS_URL, default DB 14, emptied first), and
drives a mix of public pages with wrk while `manage.py soak_writer` walks
published claims through the workflow (each step on a published claim writes
a public correction), in two scenarios:

- desk pace: 1 workflow step a second, as a busy desk works;
- stress: 32 steps a second from two writers, racing on the same claims.

The server counts page cache hits and misses per page (bench.page_cache_counts),
so the report says how often the verdict pages of claims no writer touched
were served from the cache. Passes only with zero failed requests and no lost
update in either scenario; writes docs/soak.md (not with --quick).

With --edge, readers go through Varnish (deploy/varnish/) in front of two
gunicorns, every workflow step purges the edge through the task worker, and
one of the two origins is stopped (SIGTERM) a third of the way into each
scenario: not one read may fail. Writes docs/soak-edge.md.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import redis

from bench import (
    EDGE_PORT,
    ROOT,
    Server,
    ensure_wrk,
    manage,
    parse_wrk,
    production_env,
    recreate_database,
)
from scripts.edge import Varnish, missing_varnish

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factcheck_soak"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
SOAK_CLAIMS = 40
HITS, MISSES = "bench:page-cache:hits", "bench:page-cache:misses"
# Workers send their counts every 0.25 s (bench/page_cache_counts.py).
COUNTS_ARRIVED_SECONDS = 1
UNTOUCHED_CLAIMS = 40
# Through the edge: readers searching side by side with those reading pages.
SEARCH_CONNECTIONS = 4
SCENARIOS = [
    {"name": "desk pace", "rate": 1, "writers": 1},
    {"name": "stress", "rate": 32, "writers": 2},
]
# Targets at desk pace, 64 connections: from gunicorn, and through the edge.
P99_TARGET_MS = 100
EDGE_P99_TARGET_MS = 20
UNTOUCHED_HIT_TARGET = 0.99
# wrk sends one request per call, cycling through the pages readers hit most.
ROTATING_PATHS = """
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, paths[(counter %% #paths) + 1])
end
"""
# With --reader-pause: each connection waits this long after each answer.
READER_PAUSE = """
delay = function()
  return %d
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--quick", action="store_true", help="10 s a scenario on 1,000 claims")
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=60, help="seconds a scenario")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=2, help="threads a gunicorn worker")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--scenario", choices=[scenario["name"] for scenario in SCENARIOS], help="only this one"
    )
    parser.add_argument("--output", default=None)
    parser.add_argument(
        "--reader-pause",
        type=int,
        default=0,
        metavar="MS",
        help="each page reader's pause after each answer (default none: full speed)",
    )
    parser.add_argument(
        "--edge", action="store_true", help="through Varnish, two origins, one stopped"
    )
    args = parser.parse_args()
    if args.output is None:
        args.output = str(ROOT / "docs" / ("soak-edge.md" if args.edge else "soak.md"))
    if args.quick:
        args.claims, args.duration = 1_000, 10
    return args


def untouched_claims(database_url):
    """Published claims of the fill, which no writer touches."""
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT slug FROM claims_claim WHERE is_published AND slug LIKE 'bench-claim-%%' "
            "ORDER BY id LIMIT %s",
            [UNTOUCHED_CLAIMS],
        ).fetchall()
    return [f"/claims/{slug}/" for (slug,) in rows]


def read_paths(untouched):
    pages = ["/", "/?q=troops", "/?verdict=corroborated", "/feed/", "/methodology/"]
    pages += [f"/claims/soak-claim-{index}/" for index in range(SOAK_CLAIMS)]
    return pages + untouched


def wrk(base, script, connections, duration, edge=False):
    """wrk reading `script`'s paths from `base` (running: see wrk_result)."""
    return subprocess.Popen(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            # Through the edge, as in make bench, a slow answer belongs in the
            # p99 and a failure is an error, a refusal or no answer in 10 s;
            # without it, as in earlier rounds, wrk's own 2 s.
            *(["--timeout", "10s"] if edge else []),
            "--latency",
            # Through the edge, as browsers ask: Varnish keeps pages gzipped
            # and would otherwise inflate each one for wrk alone.
            *(["-H", "Accept-Encoding: gzip"] if edge else []),
            "-s",
            script,
            base,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )


def wrk_result(load):
    """A wrk run's figures, with wrk's own summary of what failed, once it ends."""
    output = load.communicate()[0]
    result = parse_wrk(output)
    result["failures"] = "; ".join(
        line.strip()
        for line in output.splitlines()
        if line.strip().startswith(("Socket errors", "Non-2xx"))
    )
    return result


def warm(server, paths):
    for path in paths:
        urllib.request.urlopen(server.base + path, timeout=30).read()


def page_cache_counts(store, paths):
    hits = sum(int(store.hget(HITS, path) or 0) for path in paths)
    misses = sum(int(store.hget(MISSES, path) or 0) for path in paths)
    return hits, misses


def stop_later(origin, seconds):
    """
    Stop the gunicorn `origin` (a bench.Server) after `seconds`, as a host is
    taken out of service: it finishes the requests it has, takes no more.
    """

    def stop():
        time.sleep(seconds)
        if origin.process.poll() is None:
            os.killpg(origin.process.pid, signal.SIGTERM)

    thread = threading.Thread(target=stop, daemon=True)
    thread.start()
    return thread


def run_scenario(scenario, args, env, server, paths, untouched, store, stopped=None):
    """
    Reads at full speed and the scenario's writers for args.duration; their
    figures. `stopped`, an origin behind the edge, is stopped a third of the way in.
    """
    warm(server, paths)
    # Let the warm-up's counts arrive before clearing them.
    time.sleep(COUNTS_ARRIVED_SECONDS)
    store.delete(HITS, MISSES)
    if stopped is not None:
        stop_later(stopped, args.duration / 3)
    # Through the edge, readers' pages come from Varnish in microseconds and
    # a search (never kept) from an origin: in one closed loop of 64
    # connections, each would soon wait on the search, asked for as fast as
    # the edge serves pages (hundreds a second, more than the origins
    # answer). There, searches are a stream of their own, SEARCH_CONNECTIONS
    # readers searching without pause, and both streams are reported.
    edge = stopped is not None
    searches = [path for path in paths if "?q=" in path] if edge else []
    pages = [path for path in paths if path not in searches]
    with (
        tempfile.NamedTemporaryFile("w", suffix=".lua") as script,
        tempfile.NamedTemporaryFile("w", suffix=".lua") as search_script,
    ):
        script.write(ROTATING_PATHS % ", ".join(f'"{path}"' for path in pages))
        if args.reader_pause:
            script.write(READER_PAUSE % args.reader_pause)
        script.flush()
        load = wrk(server.base, script.name, args.connections, args.duration, edge=edge)
        if searches:
            search_script.write(ROTATING_PATHS % ", ".join(f'"{path}"' for path in searches))
            search_script.flush()
            search_load = wrk(
                server.base, search_script.name, SEARCH_CONNECTIONS, args.duration, edge=True
            )
        writer = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "soak_writer",
                "--duration",
                str(args.duration),
                "--writers",
                str(scenario["writers"]),
                "--rate",
                str(scenario["rate"]),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        reads = wrk_result(load)
        search_reads = wrk_result(search_load) if searches else None
    if writer.returncode:
        print(writer.stdout, writer.stderr, file=sys.stderr)
    writes = json.loads(writer.stdout.strip().splitlines()[-1])
    time.sleep(COUNTS_ARRIVED_SECONDS)
    hits, misses = page_cache_counts(store, untouched)
    return {
        **scenario,
        "reads": reads,
        "searches": search_reads,
        "writes": writes,
        "writer_ok": writer.returncode == 0,
        "untouched_hits": hits,
        "untouched_lookups": hits + misses,
    }


def command(args):
    """The make target (or the script's options) this run was."""
    target = "make soak-edge" if args.edge else "make soak"
    if args.quick and not args.edge:
        target = "make soak-quick"
    elif args.quick:
        target = "scripts/soak.py --edge --quick"
    if args.reader_pause:
        target = f"scripts/soak.py{' --edge' * args.edge}{' --quick' * args.quick}"
        target += f" --reader-pause {args.reader_pause}"
    return target


def report(args, results, paths, untouched):
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with "
        f"`{command(args)}`: {args.claims:,} claims, "
        f"{args.duration} s a scenario, wrk at {args.connections} connections over "
        f"{len(paths)} public pages ({len(untouched)} of them verdict pages of claims no "
        f"writer touches), gunicorn {args.workers} gthread workers × {args.threads} threads "
        f"(factcheck/gunicorn_conf.py), page cache in Redis; {os.cpu_count()} cores, "
        "shared with other work."
        + (
            " Through Varnish (deploy/varnish/) in front of two such gunicorns, purged by "
            "the task worker after every step; one gunicorn stopped a third of the way "
            "into each scenario. The search among the pages is read by "
            f"{SEARCH_CONNECTIONS} connections of its own, the others at "
            f"{args.connections}, asking for gzip; a read not answered in 10 s fails."
            if args.edge
            else ""
        )
        + (
            f" Each page reader pauses {args.reader_pause} ms after each answer."
            if args.reader_pause
            else ""
        ),
        "",
        "| scenario | reads | req/s | p50 ms | p99 ms | failed requests | untouched verdict "
        "pages from cache |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        share = result["untouched_hits"] / max(1, result["untouched_lookups"])
        streams = [("", result["reads"])]
        if result["searches"]:
            streams = [(", pages", result["reads"]), (", searches", result["searches"])]
        for stream, reads in streams:
            # Through the edge, the origin is not asked for them at all.
            from_cache = (
                f"{share:.2%} of {result['untouched_lookups']:,}"
                if result["untouched_lookups"] and stream != ", searches"
                else "–"
            )
            lines.append(
                f"| {result['name']}{stream} | {reads['requests']:,} | {reads['rps']:.0f} | "
                f"{reads['p50']:.1f} | {reads['p99']:.1f} | {reads['errors']} | "
                f"{from_cache} |"
            )
    lines += [
        "",
        "| scenario | workflow steps | per second | refused as stale (a racing writer won) | "
        "other refusals | lost updates |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        writes = result["writes"]
        lines.append(
            f"| {result['name']} | {writes['transitions']:,} | "
            f"{writes['transitions_per_second']} | {writes['conflicts_refused']:,} | "
            f"{writes['other_refusals']} | {len(writes['lost_updates'])} |"
        )
    by_name = {result["name"]: result for result in results}
    if desk := by_name.get("desk pace"):
        share = desk["untouched_hits"] / max(1, desk["untouched_lookups"])
        p99 = desk["reads"]["p99"]
        if args.edge:
            searches = desk["searches"]
            lines += [
                "",
                f"Targets at desk pace, through the edge: read p99 under {EDGE_P99_TARGET_MS} "
                f"ms: {'met' if p99 < EDGE_P99_TARGET_MS else 'not met'} ({p99:.1f} ms for "
                f"pages; searches, which the edge passes to an origin, {searches['p99']:.1f} "
                f"ms); no failed read while one of two origins is stopped: "
                f"{'met' if desk['reads']['errors'] + searches['errors'] == 0 else 'not met'}.",
            ]
        else:
            lines += [
                "",
                f"Targets at desk pace: read p99 under {P99_TARGET_MS} ms: "
                f"{'met' if p99 < P99_TARGET_MS else 'not met'} ({p99:.1f} ms); untouched "
                f"verdict pages from the cache at least {UNTOUCHED_HIT_TARGET:.0%} of the "
                f"time, as the server counted: "
                f"{'met' if share >= UNTOUCHED_HIT_TARGET else 'not met'} ({share:.2%}).",
            ]
    if failures := [
        f"{result['name']}: {reads['failures']}"
        for result in results
        for reads in [result["reads"], result["searches"] or {}]
        if reads.get("failures")
    ]:
        lines += ["", "Failed reads, as wrk counted them: " + "; ".join(failures) + "."]
    if stress := by_name.get("stress"):
        lines += [
            "",
            f"Stress: {failed_reads(stress)} failed reads, "
            f"{len(stress['writes']['lost_updates'])} lost updates, read p99 "
            f"{stress['reads']['p99']:.1f} ms.",
        ]
    return "\n".join(lines)


def failed_reads(result):
    return result["reads"]["errors"] + (result["searches"] or {}).get("errors", 0)


def soak_through_the_edge(args, env, scenarios, paths, untouched, store):
    """Each scenario through Varnish in front of two fresh gunicorns, one stopped midway."""
    if reason := missing_varnish():
        raise SystemExit(f"Cannot soak through the edge: {reason}.")
    env = {
        **env,
        "EDGE_PURGE_BACKEND": "varnish",
        "EDGE_VARNISH_URLS": f"http://127.0.0.1:{EDGE_PORT}/",
    }
    results = []
    for scenario in scenarios:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        try:
            second_args = argparse.Namespace(**{**vars(args), "port": args.port and args.port + 1})
            with (
                Server(env, args) as first,
                Server(env, second_args) as second,
                Varnish(EDGE_PORT, [first.port, second.port]) as edge,
            ):
                results.append(
                    run_scenario(scenario, args, env, edge, paths, untouched, store, stopped=second)
                )
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
    return results


def main():
    args = parse_args()
    ensure_wrk()
    redis_url = os.environ.get("SOAK_REDIS_URL", DEFAULT_REDIS_URL)
    env = {
        **production_env(os.environ.get("SOAK_DATABASE_URL", DEFAULT_DATABASE_URL)),
        "PUBLIC_PAGE_CACHE": "1",
        "REDIS_URL": redis_url,
        "FACTCHECK_COUNT_PAGE_CACHE": "1",
    }
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    recreate_database(env["DATABASE_URL"])
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "bench_fill", "--claims", str(args.claims), "--sources", "200")
    manage(env, "soak_writer", "--prepare-only", "--claims", str(SOAK_CLAIMS))
    manage(env, "collectstatic", "--no-input", "-v0")
    untouched = untouched_claims(env["DATABASE_URL"])
    paths = read_paths(untouched)

    scenarios = [s for s in SCENARIOS if args.scenario in (None, s["name"])]
    if args.edge:
        results = soak_through_the_edge(args, env, scenarios, paths, untouched, store)
    else:
        with Server(env, args) as server:
            results = [
                run_scenario(scenario, args, env, server, paths, untouched, store)
                for scenario in scenarios
            ]
    text = report(args, results, paths, untouched)
    print("\n" + text)
    passed = all(
        failed_reads(result) == 0 and result["writer_ok"] and not result["writes"]["lost_updates"]
        for result in results
    )
    # The record is of both scenarios in full.
    if not args.quick and not args.scenario and not args.reader_pause:
        output = Path(args.output)
        previous = output.read_text() if output.exists() else ""
        marker = "<!-- latest run -->"
        head, _, _ = previous.partition(marker)
        title = "# Soak through the edge" if args.edge else "# Soak"
        output.write_text(
            (head or f"{title}: reads under load while the desk writes\n\n")
            + marker
            + "\n\n"
            + text
            + "\n"
        )
        print(f"\nWrote {output}.")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
