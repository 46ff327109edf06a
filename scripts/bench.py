"""
The newsroom-scale benchmark: fill PostgreSQL, serve with gunicorn under
production settings, drive each page with wrk, and compare it with the floor.

    .venv/bin/python scripts/bench.py                 # 100,000 claims (make bench)
    .venv/bin/python scripts/bench.py --smoke         # ~1,000 claims, seconds (make bench-smoke)
    .venv/bin/python scripts/bench.py --smoke --edge-only   # the edge's table alone

Writes the table to docs/benchmarks.md (not in --smoke mode) and prints it.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.edge import Varnish, missing_varnish  # noqa: E402

PYTHON = sys.executable
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench"

FLOOR = ("floor: /healthz", "/healthz")
VERDICT_PAGE = "/claims/bench-claim-with-20-evidence/"
PAGES = [
    ("/", "/"),
    ("search /?q=troops", "/?q=troops"),
    # The last page `/` offers at full size (10,000 claims, 20 a page); main()
    # picks one that exists at smaller sizes: a page past the last is a 404.
    ("deep page", "/?verdict=corroborated&page=500"),
    # Korean: a common word with a particle (파병을, "the deployment"), a
    # number with Korean units and a counter (4천700명), and two words.
    ("Korean search /?q=파병을", "/?q=%ED%8C%8C%EB%B3%91%EC%9D%84"),
    ("Korean search /?q=4천700명", "/?q=4%EC%B2%9C700%EB%AA%85"),
    ("search, two words /?q=troops border", "/?q=troops+border"),
    (
        "Korean search, two words /?q=북한군 사상자",
        "/?q=%EB%B6%81%ED%95%9C%EA%B5%B0+%EC%82%AC%EC%83%81%EC%9E%90",
    ),
    ("verdict page, 20 evidence", VERDICT_PAGE),
    ("source page", "/sources/bench-source-1/"),
    ("figure page, 40 estimates", "/figures/bench-figure/"),
    ("/claims.json", "/claims.json"),
]
# The edge run: Varnish (deploy/varnish/) in front of gunicorn, loaded with
# as many connections as the readers, on a port of the bench's own.
EDGE_PORT = int(os.environ.get("BENCH_EDGE_PORT", "8680"))
EDGE_CONNECTIONS = 64
# Seconds of load on each page through the edge, smoke run or not. A p99 of
# 2 s (about 130,000 requests) is decided by a few hundred milliseconds of
# whatever else the machine does; 10 s measures the page.
EDGE_SECONDS = 10
GZIP = "Accept-Encoding: gzip"
# The cached run's Redis database, emptied before it: the benchmark's own.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
# A verdict page's HTML and CSS together must stay under this weight.
PAGE_WEIGHT_LIMIT = 50 * 1024


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--smoke", action="store_true", help="about 1,000 claims, short runs")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of load per page")
    parser.add_argument(
        "--floor-duration", type=int, default=3, help="seconds of each floor run between rounds"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=2, help="threads a gunicorn worker")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--reuse-data", action="store_true", help="keep an existing fill")
    parser.add_argument(
        "--cpu-requests", type=int, default=300, help="requests a page for the CPU column"
    )
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument(
        "--edge-only", action="store_true", help="only the edge's table (printed, not written)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.claims, args.duration, args.floor_duration, args.connections = 1_000, 2, 1, 8
        args.rounds, args.cpu_requests = 1, 30
    return args


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("wrk is missing; installing Debian's wrk package.", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def recreate_database(database_url):
    name = database_url.rsplit("/", 1)[1]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"Refusing odd database name {name!r}.")
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def manage(env, *arguments):
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def fill(env, args):
    if not args.reuse_data:
        recreate_database(env["DATABASE_URL"])
    manage(env, "migrate", "--no-input", "-v0")
    if args.reuse_data:
        return None
    started = time.perf_counter()
    manage(
        env,
        "bench_fill",
        "--claims",
        str(args.claims),
        "--sources",
        str(max(20, args.claims // 50)),
    )
    return time.perf_counter() - started


class Server:
    """gunicorn under production settings, for the length of a `with` block."""

    def __init__(self, env, args):
        self.env, self.args = env, args
        self.port = args.port or free_port()
        self.base = f"http://{HOST}:{self.port}"

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "factcheck.wsgi",
                # As deployed (README), with the workers and threads asked for.
                "--config",
                "python:factcheck.gunicorn_conf",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.args.workers),
                "--threads",
                str(self.args.threads),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise SystemExit(f"gunicorn did not answer {self.base}/healthz within 60 s.")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def body_bytes(url):
    status, body = fetch(url)
    return status, len(body)


# What a browser loads on its own: scripts, images, frames, and the links it fetches.
LOADED = re.compile(
    r"<(?:script|img|iframe|source)\b[^>]*?\bsrc=\"([^\"]+)\""
    r"|<link\b[^>]*?\brel=\"(?:stylesheet|icon|preload|modulepreload|manifest)\"[^>]*?"
    r"\bhref=\"([^\"]+)\""
)


def page_weight(base):
    """The verdict page's HTML and stylesheets in bytes, and any third-party address it loads."""
    _, html = fetch(base + VERDICT_PAGE)
    text = html.decode()
    loaded = [src or href for src, href in LOADED.findall(text)]
    third_party = [url for url in loaded if re.match(r"(https?:)?//", url)]
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text)
    css = sum(len(fetch(base + href)[1]) for href in stylesheets)
    return {"html": len(html), "css": css, "third_party": third_party}


def run_wrk(url, args, duration=None, headers=()):
    duration = duration or args.duration
    # A 10 s timeout, not wrk's 2 s: a slow answer belongs in the p99 column
    # (uncached /claims.json at 16 connections takes seconds); an error is a
    # failure.
    load = ["-t2", f"-c{args.connections}", f"-d{duration}s", "--timeout", "10s"]
    for header in headers:
        load += ["-H", header]
    result = subprocess.run(
        ["wrk", *load, "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(result.stdout)


def to_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output):
    # wrk pads values in seconds with a trailing space ("1.25s ").
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        # wrk prints no distribution when no request completed.
        "p50": to_ms(percentiles["50"]) if "50" in percentiles else float("nan"),
        "p99": to_ms(percentiles["99"]) if "99" in percentiles else float("nan"),
        "requests": requests,
        "errors": errors,
    }


def cpu_per_request(env, args):
    """
    {path: CPU ms per request}, each the median of args.cpu_requests requests
    served in one process through Django's test client (scripts/cpu_per_request.py),
    with no server or load generator competing for the cores.
    """
    result = subprocess.run(
        [
            PYTHON,
            str(ROOT / "scripts" / "cpu_per_request.py"),
            "--requests",
            str(args.cpu_requests),
            *[path for _, path in [FLOOR, *PAGES]],
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(env, args, label):
    """
    Each page in rounds of load, with a short floor run before the first round
    and after every round. A round's ratio is to the mean of the floor runs
    either side of it, so that drift in the machine's load (other work,
    thermal limits) moves both; a page's ratio is the median of its rounds,
    so that one disturbed run does not decide it.
    """
    rows, floors = [], []
    cpu = cpu_per_request(env, args)

    def floor_run():
        floors.append(run_wrk(server.base + FLOOR[1], args, args.floor_duration))
        return floors[-1]["rps"]

    with Server(env, args) as server:
        for _, path in [FLOOR, *PAGES]:
            for _ in range(20):  # warm the workers, their connections and caches
                body_bytes(server.base + path)
        weight = page_weight(server.base)
        before = floor_run()
        for name, path in PAGES:
            status, size = body_bytes(server.base + path)
            rounds, ratios = [], []
            for _ in range(args.rounds):
                rounds.append(run_wrk(server.base + path, args))
                after = floor_run()
                ratios.append(rounds[-1]["rps"] / statistics.mean([before, after]))
                before = after
            row = {
                "name": name,
                "path": path,
                "status": status,
                "bytes": size,
                "rps": statistics.median(r["rps"] for r in rounds),
                "p50": statistics.median(r["p50"] for r in rounds),
                "p99": max(r["p99"] for r in rounds),
                "requests": sum(r["requests"] for r in rounds),
                "errors": sum(r["errors"] for r in rounds),
                "ratio": statistics.median(ratios),
                "cpu_ms": cpu[path],
            }
            rows.append(row)
            print(f"  [{label}] {name}: {row['rps']:.0f} req/s ({row['ratio']:.2f})", flush=True)
    floor = {
        "name": FLOOR[0],
        "path": FLOOR[1],
        "status": 200,
        "bytes": len(b"ok\n"),
        "rps": statistics.median(f["rps"] for f in floors),
        "p50": statistics.median(f["p50"] for f in floors),
        "p99": statistics.median(f["p99"] for f in floors),
        "requests": sum(f["requests"] for f in floors),
        "errors": sum(f["errors"] for f in floors),
        "ratio": 1.0,
        "cpu_ms": cpu[FLOOR[1]],
        "floor_range": (min(f["rps"] for f in floors), max(f["rps"] for f in floors)),
        "floor_runs": len(floors),
    }
    return [floor, *rows], weight


def measure_edge(env, args):
    """
    Each page the edge keeps, served by Varnish in front of gunicorn, at
    EDGE_CONNECTIONS connections, as a multiple of gunicorn's own /healthz at
    the same connections (measured before and after). Searches are never kept.
    """
    if reason := missing_varnish():
        print(f"  [edge] skipped: {reason}", flush=True)
        return None
    edge_args = argparse.Namespace(**{**vars(args), "connections": EDGE_CONNECTIONS})
    rows = []
    with Server(env, args) as server, Varnish(EDGE_PORT, [server.port]) as edge:
        floors = [run_wrk(server.base + FLOOR[1], edge_args)]
        # Varnish starts its worker threads as load arrives: a second of load
        # first, so that the first page measured does not pay for it.
        run_wrk(edge.base + "/", edge_args, duration=1, headers=[GZIP])
        for name, path in PAGES:
            if path.startswith("/?q="):
                continue
            for _ in range(3):  # the first fills the edge
                status, size = body_bytes(edge.base + path)
            before = edge.counters()
            # As browsers ask: Varnish keeps pages gzipped, and would inflate
            # each one for a client that takes no gzip (wrk's default).
            result = run_wrk(edge.base + path, edge_args, duration=EDGE_SECONDS, headers=[GZIP])
            # Each request a hit, or the run measured the origin.
            after = edge.counters()
            hits = after["cache_hit"] - before["cache_hit"]
            lookups = hits + sum(
                after[counter] - before[counter] for counter in ["cache_miss", "s_pass", "s_synth"]
            )
            rows.append(
                {
                    "name": name,
                    "path": path,
                    "status": status,
                    "bytes": size,
                    "hits": hits / max(1, lookups),
                    **result,
                }
            )
            print(f"  [edge] {name}: {result['rps']:.0f} req/s", flush=True)
        floors.append(run_wrk(server.base + FLOOR[1], edge_args))
    floor = statistics.mean(f["rps"] for f in floors)
    lines = [
        "| page, through Varnish | status | req/s | p50 ms | p99 ms | errors | hits | "
        "multiple of gunicorn's /healthz |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} (`{row['path']}`) | {row['status']} | {row['rps']:.0f} | "
            f"{row['p50']:.1f} | {row['p99']:.1f} | {row['errors']} | {row['hits']:.2%} | "
            f"{row['rps'] / floor:.1f}× |"
        )
    lines.append(
        f"\ngunicorn's /healthz at {EDGE_CONNECTIONS} connections: {floor:.0f} req/s "
        f"(mean of a run before and after). Median multiple "
        f"{statistics.median(row['rps'] / floor for row in rows):.1f}×, highest p99 "
        f"{max(row['p99'] for row in rows):.1f} ms (targets: at least 5×, p99 under 10 ms)."
    )
    return "\n".join(lines)


def table(rows):
    lines = [
        "| page | status | req/s | p50 ms | p99 ms | errors | bytes | ratio to floor | "
        "CPU ms per request, one process |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} (`{row['path']}`) | {row['status']} | {row['rps']:.0f} | "
            f"{row['p50']:.1f} | {row['p99']:.1f} | {row['errors']} | {row['bytes']:,} | "
            f"{row['ratio']:.2f} | {row['cpu_ms']:.1f} |"
        )
    return "\n".join(lines)


def summary(rows, weight):
    floor, pages = rows[0], rows[1:]
    search = next(row for row in pages if row["path"].startswith("/?q="))
    low, high = floor["floor_range"]
    total = weight["html"] + weight["css"]
    third_party = ", ".join(weight["third_party"]) or "none"
    return (
        f"\nFloor: median {floor['rps']:.0f} req/s over {floor['floor_runs']} runs "
        f"({low:.0f}–{high:.0f}), one before the first round and one after each; a "
        f"page's req/s, p50 and ratio are the medians of its rounds, its p99 the "
        f"highest. Median ratio to floor: "
        f"{statistics.median(row['ratio'] for row in pages):.2f} (lowest "
        f"{min(row['ratio'] for row in pages):.2f}); search p99 {search['p99']:.1f} ms; "
        f"errors {sum(row['errors'] for row in rows)}.\n\n"
        f"Verdict page weight: HTML {weight['html']:,} B + CSS {weight['css']:,} B = "
        f"{total:,} B ({'within' if total <= PAGE_WEIGHT_LIMIT else 'over'} the "
        f"{PAGE_WEIGHT_LIMIT // 1024} KB limit); third-party requests: {third_party}."
    )


def flush_page_cache():
    """Start the cached run empty: Redis DB 15 is the benchmark's own."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def production_env(database_url):
    """The environment of a production server, minus TLS, plus the bench app, on `database_url`."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "FACTCHECK_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        # wrk speaks plain HTTP to gunicorn directly; TLS belongs to the proxy.
        "SECURE_SSL_REDIRECT": "0",
        # The bench app and its commands (bench_fill, soak_writer).
        "FACTCHECK_BENCHMARK": "1",
    }


def main():
    args = parse_args()
    ensure_wrk()
    env = production_env(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    fill_seconds = fill(env, args)
    # A corroborated page that exists at this size (about one claim in eight).
    deep = max(1, min(500, args.claims // 8 // 20))
    PAGES[2] = ("deep page", f"/?verdict=corroborated&page={deep}")
    manage(env, "collectstatic", "--no-input", "-v0")
    modes = {}
    for label, cache_env in (
        []
        if args.edge_only
        else [
            ("uncached", {"PUBLIC_PAGE_CACHE": "0"}),
            ("page cache on", {"PUBLIC_PAGE_CACHE": "1", "REDIS_URL": REDIS_URL}),
        ]
    ):
        if cache_env["PUBLIC_PAGE_CACHE"] == "1":
            flush_page_cache()
        modes[label] = measure({**env, **cache_env}, args, label)

    edge = measure_edge(env, args)
    claims = f"{args.claims:,} claims"
    fill_line = f"Filling {claims} took {fill_seconds:.0f} s." if fill_seconds else ""
    command = "make bench-smoke" if args.smoke else "make bench"
    report = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `{command}` "
        f"({claims}; wrk, {args.connections} connections, {args.rounds} rounds of "
        f"{args.duration} s a page; gunicorn "
        f"{args.workers} gthread workers × {args.threads} threads "
        f"(factcheck/gunicorn_conf.py); {os.cpu_count()} cores, "
        f"Python {platform.python_version()}). {fill_line}",
    ]
    for label, (rows, weight) in modes.items():
        report += ["", f"### {label.capitalize()}", "", table(rows), summary(rows, weight)]
    if edge:
        report += ["", "### Through the edge (Varnish)", "", edge]
    text = "\n".join(report)
    print("\n" + text)
    if not args.smoke and not args.edge_only:
        output = Path(args.output)
        previous = output.read_text() if output.exists() else ""
        marker = "<!-- latest run -->"
        head, _, _ = previous.partition(marker)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text((head or "# Benchmarks\n\n") + marker + "\n\n" + text + "\n")
        print(f"\nWrote {output}.")


if __name__ == "__main__":
    main()
