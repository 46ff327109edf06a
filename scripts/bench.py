"""
The newsroom-scale benchmark: fill PostgreSQL, serve with gunicorn under
production settings, drive each page with wrk, and compare it with the floor.

    .venv/bin/python scripts/bench.py                 # 100,000 claims (make bench)
    .venv/bin/python scripts/bench.py --smoke         # ~1,000 claims, seconds (make bench-smoke)

Writes the table to docs/benchmarks.md (not in --smoke mode) and prints it.
"""

import argparse
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
PYTHON = sys.executable
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench"

TARGETS = [
    ("floor: /healthz", "/healthz"),
    ("/", "/"),
    ("search /?q=troops", "/?q=troops"),
    ("deep page", "/?verdict=corroborated&page=2000"),
    ("verdict page, 20 evidence", "/claims/bench-claim-with-20-evidence/"),
    ("/claims.json", "/claims.json"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--smoke", action="store_true", help="about 1,000 claims, short runs")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--reuse-data", action="store_true", help="keep an existing fill")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    if args.smoke:
        args.claims, args.duration, args.connections = 1_000, 2, 8
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
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.args.workers),
                "--worker-class",
                "gthread",
                "--threads",
                "2",
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


def body_bytes(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, len(error.read())


def run_wrk(url, args):
    result = subprocess.run(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(result.stdout)


def to_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output):
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
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


def measure(env, args, label):
    rows = []
    with Server(env, args) as server:
        for name, path in TARGETS:
            url = server.base + path
            status, size = body_bytes(url)
            for _ in range(20):  # warm the workers, their connections and caches
                body_bytes(url)
            figures = run_wrk(url, args)
            rows.append({"name": name, "path": path, "status": status, "bytes": size, **figures})
            print(f"  [{label}] {name}: {figures['rps']:.0f} req/s", flush=True)
    floor = rows[0]["rps"]
    for row in rows:
        row["ratio"] = row["rps"] / floor if floor else 0.0
    return rows


def table(rows):
    lines = [
        "| page | status | req/s | p50 ms | p99 ms | errors | bytes | ratio to floor |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} (`{row['path']}`) | {row['status']} | {row['rps']:.0f} | "
            f"{row['p50']:.1f} | {row['p99']:.1f} | {row['errors']} | {row['bytes']:,} | "
            f"{row['ratio']:.2f} |"
        )
    return "\n".join(lines)


def main():
    args = parse_args()
    ensure_wrk()
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        "FACTCHECK_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        # wrk speaks plain HTTP to gunicorn directly; TLS belongs to the proxy.
        "SECURE_SSL_REDIRECT": "0",
    }
    fill_seconds = fill(env, args)
    manage(env, "collectstatic", "--no-input", "-v0")
    modes = {}
    for label, cache_env in [
        ("uncached", {"PUBLIC_PAGE_CACHE": "0"}),
        ("page cache on", {"PUBLIC_PAGE_CACHE": "1", "REDIS_URL": "redis://127.0.0.1:6379/15"}),
    ]:
        modes[label] = measure({**env, **cache_env}, args, label)

    claims = f"{args.claims:,} claims"
    fill_line = f"Filling {claims} took {fill_seconds:.0f} s." if fill_seconds else ""
    command = "make bench-smoke" if args.smoke else "make bench"
    report = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `{command}` "
        f"({claims}; wrk, {args.connections} connections, {args.duration} s a page; gunicorn "
        f"{args.workers} gthread workers × 2 threads; {os.cpu_count()} cores, "
        f"Python {platform.python_version()}). {fill_line}",
    ]
    for label, rows in modes.items():
        report += ["", f"### {label.capitalize()}", "", table(rows)]
        search = next(row for row in rows if row["path"].startswith("/?q="))
        report.append(
            f"\nMedian ratio to floor: {statistics.median(r['ratio'] for r in rows[1:]):.2f}; "
            f"search p99 {search['p99']:.1f} ms."
        )
    text = "\n".join(report)
    print("\n" + text)
    if not args.smoke:
        output = Path(args.output)
        previous = output.read_text() if output.exists() else ""
        marker = "<!-- latest run -->"
        head, _, _ = previous.partition(marker)
        output.write_text((head or "# Benchmarks\n\n") + marker + "\n\n" + text + "\n")
        print(f"\nWrote {output}.")


if __name__ == "__main__":
    main()
