"""
Debian's Chromium, as both the screenshots and the browser tests launch it
through Playwright (which would otherwise download a browser of its own).

Debian's `chromium-headless-shell` is preferred when it is installed: it is
the headless-only build Playwright itself runs headless, and it draws the same
pages for about a quarter less CPU than the full browser, which is most of
what the browser journeys cost. Without it, the full `chromium` runs them.
"""

import os
import shutil

CHROMIUM = (
    os.environ.get("CHROMIUM_PATH")
    or shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machines this runs on reach nothing beyond localhost; without these
    # Chromium keeps trying to reach its update and sync services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright):
    """A headless Chromium browser; close it when done."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
