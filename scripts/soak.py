"""
The soak: public pages under load while the desk keeps writing.

    .venv/bin/python scripts/soak.py            # 60 s at 64 connections (make soak)
    .venv/bin/python scripts/soak.py --quick    # 10 s, a smaller fill

Fills a PostgreSQL database (SOAK_DATABASE_URL, default the local server's
factcheck_soak), serves it with gunicorn under production settings with the
page cache in Redis, and drives a mix of public pages with wrk while
`manage.py soak_writer` reopens and re-corroborates published claims from
several threads (each step on a published claim writes a public correction).
Passes only with zero failed requests and no lost update; writes docs/soak.md.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import ROOT, Server, ensure_wrk, manage, parse_wrk, production_env, recreate_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factcheck_soak"
SOAK_CLAIMS = 40
# wrk sends one request per call, cycling through the pages readers hit most.
ROTATING_PATHS = """
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, paths[(counter %% #paths) + 1])
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--quick", action="store_true", help="10 s on 1,000 claims")
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--output", default=str(ROOT / "docs" / "soak.md"))
    args = parser.parse_args()
    if args.quick:
        args.claims, args.duration = 1_000, 10
    return args


def paths():
    pages = ["/", "/?q=troops", "/?verdict=corroborated", "/feed/", "/methodology/"]
    pages += [f"/claims/soak-claim-{index}/" for index in range(SOAK_CLAIMS)]
    pages += ["/claims/bench-claim-with-20-evidence/"]
    return pages


def main():
    args = parse_args()
    ensure_wrk()
    env = {
        **production_env(os.environ.get("SOAK_DATABASE_URL", DEFAULT_DATABASE_URL)),
        "PUBLIC_PAGE_CACHE": "1",
        "REDIS_URL": "redis://127.0.0.1:6379/14",
    }
    recreate_database(env["DATABASE_URL"])
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "bench_fill", "--claims", str(args.claims), "--sources", "200")
    manage(env, "soak_writer", "--prepare-only", "--claims", str(SOAK_CLAIMS))
    manage(env, "collectstatic", "--no-input", "-v0")

    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script, Server(env, args) as server:
        script.write(ROTATING_PATHS % ", ".join(f'"{path}"' for path in paths()))
        script.flush()
        load = subprocess.Popen(
            [
                "wrk",
                "-t2",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "--latency",
                "-s",
                script.name,
                server.base,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        writer = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "soak_writer",
                "--duration",
                str(args.duration),
                "--writers",
                str(args.writers),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        reads = parse_wrk(load.communicate()[0])
    if writer.returncode:
        print(writer.stdout, writer.stderr, file=sys.stderr)
    writes = json.loads(writer.stdout.strip().splitlines()[-1])

    report = "\n".join(
        [
            f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with "
            f"`{'make soak-quick' if args.quick else 'make soak'}`: {args.claims:,} claims, "
            f"{args.duration} s, wrk at {args.connections} connections over "
            f"{len(paths())} public pages, gunicorn {args.workers} gthread workers × 2 "
            f"threads, page cache in Redis; {args.writers} writer threads; "
            f"{os.cpu_count()} cores.",
            "",
            "| reads | req/s | p50 ms | p99 ms | failed requests |",
            "|---|---:|---:|---:|---:|",
            f"| {reads['requests']:,} | {reads['rps']:.0f} | {reads['p50']:.1f} | "
            f"{reads['p99']:.1f} | {reads['errors']} |",
            "",
            "| workflow steps | per second | refused as stale (a racing writer won) | "
            "other refusals | lost updates |",
            "|---:|---:|---:|---:|---:|",
            f"| {writes['transitions']:,} | {writes['transitions_per_second']} | "
            f"{writes['conflicts_refused']:,} | {writes['other_refusals']} | "
            f"{len(writes['lost_updates'])} |",
        ]
    )
    print("\n" + report)
    passed = reads["errors"] == 0 and writer.returncode == 0 and not writes["lost_updates"]
    if not args.quick:
        Path(args.output).write_text(
            "# Soak: reads under load while the desk writes\n\n"
            "Every workflow step (a reopen or a corroboration on a published claim, each "
            "writing a public correction) retires the cached pages, so readers hit the "
            "database as the desk works. A writer that loses a race is refused with "
            "`StaleClaim` and nothing written; a lost update would show as a claim whose "
            "version and audit trail disagree.\n\n" + report + "\n"
        )
        print(f"\nWrote {args.output}.")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
