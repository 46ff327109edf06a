"""
Screenshots for the README: the verdict list, a verdict page (desktop and
phone width), a figure's page (desktop and phone width), the admin's claim
list at 1280 px and the workflow steps at the foot of a claim's change page;
and in Korean, the list, a verdict page (desktop and phone width) and the
admin's claim list for a browser that asks for Korean.

    .venv/bin/python scripts/screenshots.py      # make screenshots

Builds a throwaway SQLite database from the seed, serves it with gunicorn and
drives Chromium as scripts/chromium.py finds it (CHROMIUM_PATH to override) through Playwright.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from chromium import CHROMIUM, launch
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots"
PYTHON = sys.executable
PASSWORD = secrets.token_urlsafe(16)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(env):
    def manage(*arguments):
        subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True)

    manage("migrate", "--no-input", "-v0")
    manage("loaddata", "fixtures/seed.json", "-v0")
    manage(
        "shell",
        "-v0",
        "-c",
        "from django.contrib.auth import get_user_model;"
        "user = get_user_model().objects.get(username='reviewer');"
        f"user.set_password({PASSWORD!r}); user.save()",
    )


def serve(env, port):
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "factcheck.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("The server did not start.")


def shoot(base):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        desktop = browser.new_page(base_url=base, viewport={"width": 1280, "height": 900})
        desktop.goto("/", wait_until="networkidle")
        desktop.screenshot(path=OUTPUT / "list.png", full_page=True)
        desktop.goto("/claims/north-korean-casualties-4700/")
        desktop.screenshot(path=OUTPUT / "verdict-desktop.png", full_page=True)

        phone = browser.new_page(
            base_url=base, viewport={"width": 390, "height": 844}, device_scale_factor=2
        )
        phone.goto("/claims/north-korean-casualties-4700/")
        phone.screenshot(path=OUTPUT / "verdict-phone.png", full_page=False)

        desktop.goto("/figures/north-korean-casualties/")
        desktop.screenshot(path=OUTPUT / "figure-desktop.png", full_page=True)
        phone.goto("/figures/north-korean-casualties/")
        # From the top to the chart's legend: what a reader scrolls through first.
        chart = phone.locator(".chart-figure").bounding_box()
        phone.screenshot(
            path=OUTPUT / "figure-phone.png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": 390, "height": chart["y"] + chart["height"]},
        )

        admin = browser.new_page(base_url=base, viewport={"width": 1280, "height": 1000})
        admin.goto("/admin/login/")
        admin.get_by_label("Username").fill("reviewer")
        admin.get_by_label("Password").fill(PASSWORD)
        admin.get_by_role("button", name="Log in").click()
        admin.goto("/admin/claims/claim/")
        admin.screenshot(path=OUTPUT / "admin-list.png", full_page=False)
        admin.get_by_role("link", name="Injured North Korean soldiers").click()
        admin.wait_for_selector(".workflow-panel")
        admin.wait_for_load_state("networkidle")
        # The foot of the change form: the summary a verdict carries, the
        # notes and the steps, each unavailable one with the reason.
        admin.locator("#workflow-step").screenshot(path=OUTPUT / "admin-workflow.png")

        desktop.goto("/ko/", wait_until="networkidle")
        desktop.screenshot(path=OUTPUT / "list-ko.png", full_page=True)
        desktop.goto("/ko/claims/north-korean-casualties-4700/")
        desktop.screenshot(path=OUTPUT / "verdict-ko-desktop.png", full_page=True)
        phone.goto("/ko/claims/north-korean-casualties-4700/")
        phone.screenshot(path=OUTPUT / "verdict-ko-phone.png", full_page=False)
        # The admin in the language the browser asks for.
        korean_admin = browser.new_context(
            base_url=base, viewport={"width": 1280, "height": 1000}, locale="ko-KR"
        ).new_page()
        korean_admin.goto("/admin/login/")
        korean_admin.locator("#id_username").fill("reviewer")
        korean_admin.locator("#id_password").fill(PASSWORD)
        korean_admin.locator("input[type=submit]").click()
        korean_admin.goto("/admin/claims/claim/")
        korean_admin.screenshot(path=OUTPUT / "admin-list-ko.png", full_page=False)
        browser.close()


def main():
    if not CHROMIUM:
        raise SystemExit("Chromium not found: install Debian's chromium or set CHROMIUM_PATH.")
    with tempfile.TemporaryDirectory() as workdir:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir}/screenshots.sqlite3",
            "FACTCHECK_ENV": "development",
            "DEBUG": "0",
        }
        prepare(env)
        port = free_port()
        server = serve(env, port)
        try:
            shoot(f"http://127.0.0.1:{port}")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    for path in sorted(OUTPUT.glob("*.png")):
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
