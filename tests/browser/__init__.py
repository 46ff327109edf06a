"""
Journeys in a real Chromium driven by Playwright: the desk's workflow from
entry to publication, the admin under the strict CSP, the public pages with and
without JavaScript. Every test here carries the `browser` mark.
"""
