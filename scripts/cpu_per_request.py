"""
CPU milliseconds per request in one process: each path requested through
Django's test client, in this process, under the settings the environment
gives (scripts/bench.py passes the benchmark's), with time.process_time()
read around each request. Prints {path: median ms} as JSON.

    .venv/bin/python scripts/cpu_per_request.py [--requests 200] [--profile PATH] PATH...

The database server's own time is not in the figure (it runs in another
process); the driver's work on this side is. --profile prints cProfile's
top functions for one path instead.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--requests", type=int, default=200, help="requests per path")
    parser.add_argument("--warm", type=int, default=20, help="requests per path before measuring")
    parser.add_argument("--profile", help="profile this path instead of timing")
    return parser.parse_args()


def client():
    import django

    django.setup()
    from django.test import Client

    # The benchmark's ALLOWED_HOSTS name the address gunicorn serves.
    return Client(HTTP_HOST="127.0.0.1")


def cpu_ms(session, path, requests, warm):
    for _ in range(warm):
        response = session.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}.")
    timings = []
    for _ in range(requests):
        started = time.process_time()
        session.get(path)
        timings.append((time.process_time() - started) * 1000)
    return statistics.median(timings)


def profile(session, path, requests):
    import cProfile
    import pstats

    for _ in range(20):
        session.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        session.get(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def main():
    args = parse_args()
    session = client()
    if args.profile:
        profile(session, args.profile, args.requests)
        return
    results = {path: cpu_ms(session, path, args.requests, args.warm) for path in args.paths}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
