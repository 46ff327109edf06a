"""
Lighthouse: mobile performance of `/`, a verdict page and both in Korean, under production settings.

    .venv/bin/python scripts/lighthouse.py            # 3 runs a page, figures for the README
    .venv/bin/python scripts/lighthouse.py --runs 5

Loads the seed into a fresh SQLite database (or LIGHTHOUSE_DATABASE_URL),
collects the static files, serves them with gunicorn under production settings
(compressed static files, gzipped pages, the page cache; plain HTTP, as behind
a TLS proxy) and runs npm's Lighthouse in Debian's Chromium (CHROME_PATH,
default /usr/bin/chromium) with its default mobile profile: a mid-range phone,
a slow 4G network and a 4x slower CPU, simulated. Lighthouse is installed with
npm into .lighthouse/ (not committed) the first time.

Prints, for each page, the median performance score and metrics of the runs,
the lowest score, and the lowest accessibility, best practices and SEO scores,
as a Markdown table.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from bench import ROOT, Server, manage, production_env

LIGHTHOUSE_VERSION = "12.8.2"
PREFIX = ROOT / ".lighthouse"
LIGHTHOUSE = PREFIX / "node_modules" / ".bin" / "lighthouse"
PAGES = {
    "`/`": "/",
    "verdict page": "/claims/north-korean-casualties-4700/",
    "`/ko/`": "/ko/",
    "Korean verdict page": "/ko/claims/north-korean-casualties-4700/",
}
METRICS = {
    "first-contentful-paint": ("FCP", "ms"),
    "largest-contentful-paint": ("LCP", "ms"),
    "total-blocking-time": ("TBT", "ms"),
    "cumulative-layout-shift": ("CLS", ""),
    "speed-index": ("Speed Index", "ms"),
}
# Scored besides performance; the desk's target is 100 on each.
OTHER_CATEGORIES = {"accessibility": "a11y", "best-practices": "best practices", "seo": "SEO"}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: any free)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="threads a gunicorn worker")
    return parser.parse_args()


def ensure_lighthouse():
    if LIGHTHOUSE.exists():
        return
    print(f"Installing lighthouse@{LIGHTHOUSE_VERSION} into {PREFIX} with npm…", file=sys.stderr)
    PREFIX.mkdir(exist_ok=True)
    subprocess.run(
        ["npm", "install", "--prefix", str(PREFIX), "--no-save", "--no-audit", "--no-fund",
         f"lighthouse@{LIGHTHOUSE_VERSION}"],
        check=True,
    )  # fmt: skip


def lighthouse(url):
    """One Lighthouse run of `url`: its scores and performance metrics."""
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            f"--only-categories={','.join(['performance', *OTHER_CATEGORIES])}",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    figures = {"score": round(report["categories"]["performance"]["score"] * 100)}
    for category in OTHER_CATEGORIES:
        figures[category] = round(report["categories"][category]["score"] * 100)
    for audit in METRICS:
        figures[audit] = report["audits"][audit]["numericValue"]
    figures["bytes"] = report["audits"]["total-byte-weight"]["numericValue"]
    return figures


def table(results, runs):
    header = ["page", "score (median)", "lowest", *(label for label, _ in METRICS.values())]
    header.append("bytes")
    header.append(f"{' · '.join(OTHER_CATEGORIES.values())} (lowest)")
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    for page, figures in results.items():
        row = [page]
        row.append(str(statistics.median_low(f["score"] for f in figures)))
        row.append(str(min(f["score"] for f in figures)))
        for audit, (_, unit) in METRICS.items():
            value = statistics.median(f[audit] for f in figures)
            row.append(f"{value:,.0f} {unit}" if unit else f"{value:.3f}")
        row.append(f"{statistics.median(f['bytes'] for f in figures) / 1024:.1f} KB")
        row.append(" · ".join(str(min(f[c] for f in figures)) for c in OTHER_CATEGORIES))
        lines.append("| " + " | ".join(row) + " |")
    lines.append(f"\nMedian of {runs} runs a page, Lighthouse {LIGHTHOUSE_VERSION}, mobile.")
    return "\n".join(lines)


def main():
    args = parse_args()
    ensure_lighthouse()
    with tempfile.TemporaryDirectory() as scratch:
        database = os.environ.get("LIGHTHOUSE_DATABASE_URL", f"sqlite:///{scratch}/lh.sqlite3")
        env = {**production_env(database), "PUBLIC_PAGE_CACHE": "1"}
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed", "-v0")
        manage(env, "collectstatic", "--no-input", "-v0")
        with Server(env, args) as server:
            results = {}
            for page, path in PAGES.items():
                results[page] = []
                for run in range(args.runs):
                    figures = lighthouse(server.base + path)
                    print(f"{page} run {run + 1}: {figures['score']}", file=sys.stderr)
                    results[page].append(figures)
    print(table(results, args.runs))


if __name__ == "__main__":
    main()
