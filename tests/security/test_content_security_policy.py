"""Every page carries the strict CSP, and its markup needs nothing the policy forbids."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from claims.models import Claim, Source
from tests.seed import CLAIM, SOURCE

# The public pages and the admin's door, on the seed.
ANONYMOUS_PAGES = [
    "/",
    "/?q=soldiers&verdict=unverified",
    f"/claims/{CLAIM.casualties}/",
    f"/claims/{CLAIM.kursk}/",
    f"/sources/{SOURCE.nis}/",
    "/methodology/",
    "/follow/",
    "/admin/login/",
]

# Admin pages as a logged-in desk member sees them, built from the seed.
ADMIN_PAGES = {
    "claim change": lambda: reverse(
        "admin:claims_claim_change",
        args=[Claim.objects.get(slug=CLAIM.casualties).pk],
    ),
    "verdict change": lambda: reverse(
        "admin:claims_claim_change",
        args=[Claim.objects.get(slug=CLAIM.kursk).pk],
    ),
    "claim list": lambda: reverse("admin:claims_claim_changelist"),
    "claim add": lambda: reverse("admin:claims_claim_add"),
    "source change": lambda: reverse(
        "admin:claims_source_change", args=[Source.objects.get(slug=SOURCE.nis).pk]
    ),
    "index": lambda: reverse("admin:index"),
}


def policy(response):
    """The enforced Content-Security-Policy as {directive: [sources]}."""
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block or must allow by nonce."""

    def __init__(self):
        super().__init__()
        self.inline_script_nonces = []
        self.blocked = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/ld+json":
            self.inline_script_nonces.append(attrs.get("nonce"))
        if tag == "style":
            self.blocked.append("<style> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.blocked.append(f"{tag} {name}= handler")
            if name == "style":
                self.blocked.append(f"{tag} style= attribute")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.blocked.append(f"{tag} {name}=javascript:")


def assert_strict(response):
    csp = policy(response)
    nonces = [source for source in csp["script-src"] if source.startswith("'nonce-")]
    assert csp["default-src"] == ["'self'"]
    assert [source for source in csp["script-src"] if source not in nonces] == ["'self'"]
    assert len(nonces) <= 1
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "unsafe" not in response.headers["Content-Security-Policy"]

    markup = InlineCode()
    markup.feed(response.content.decode())
    assert markup.blocked == []
    # An inline script runs only with this response's nonce.
    for nonce in markup.inline_script_nonces:
        assert nonce is not None
        assert f"'nonce-{nonce}'" in nonces
    return csp


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_public_pages_and_admin_login_carry_the_strict_policy(client, seed, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_strict(response)
    assert Claim.objects.published().filter(slug=CLAIM.casualties).exists()


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_pages_need_no_inline_code_the_policy_forbids(client, seed, publisher, page):
    client.force_login(publisher)
    response = client.get(ADMIN_PAGES[page]())
    assert response.status_code == 200
    assert_strict(response)
    assert response.wsgi_request.user == publisher


@pytest.mark.urls("tests.urls")
@pytest.mark.django_db
def test_an_inline_script_is_allowed_by_a_fresh_nonce_on_each_response(client):
    first, second = client.get("/test-only/nonced/"), client.get("/test-only/nonced/")
    first_nonces = [s for s in assert_strict(first)["script-src"] if s.startswith("'nonce-")]
    second_nonces = [s for s in assert_strict(second)["script-src"] if s.startswith("'nonce-")]
    assert len(first_nonces) == len(second_nonces) == 1
    assert first_nonces != second_nonces
    assert not Claim.objects.exists()
