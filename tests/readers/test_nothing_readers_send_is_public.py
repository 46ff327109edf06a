"""What readers send (a tip's text, a request's text, an email address) is on no public page."""

from claims.models import Claim, ReaderAddress, Tip
from tests.factories import request_data, send_tip, sitemap_pages
from tests.seed import CLAIM

SECRET_TIP = "Zorblax whispered that Kursk troops number exactly 31337"
SECRET_REQUEST = "Quibbleflap says the Kursk verdict misdates the briefing"
SECRET_EMAIL = "hidden.reader@example.org"


def test_tip_text_and_email_addresses_appear_on_no_public_page_feed_or_json(seed, client):
    send_tip(client, claim=SECRET_TIP, email=SECRET_EMAIL, where_seen="https://example.com/z")
    client.post(
        f"/claims/{CLAIM.kursk}/report/",
        request_data(text=SECRET_REQUEST, email=SECRET_EMAIL),
        REMOTE_ADDR="203.0.113.9",
    )
    # Even on the claim it was put on.
    Tip.objects.get().attach(Claim.objects.get(slug=CLAIM.kursk))
    assert ReaderAddress.objects.count() == 2

    pages = sitemap_pages(client) + [
        "/",
        # Searching for words the tip shares with a verdict finds the verdict alone.
        "/?q=Kursk+troops",
        "/feed/",
        "/claims.json",
        "/sitemap.xml",
        "/methodology/",
        "/follow/",
        f"/claims/{CLAIM.kursk}/versions/",
        "/ask/?claim=Kursk",
        "/ask/sent/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        leaked = [
            secret for secret in ["Zorblax", "Quibbleflap", SECRET_EMAIL, "31337"] if secret in body
        ]
        assert leaked == [], path
