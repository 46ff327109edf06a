"""
Links built without a reverse() each (claims.addresses) are the addresses
reverse() gives, under whatever script prefix the site is served at.
"""

from django.urls import reverse, set_script_prefix

from claims.addresses import address, fixed_address
from claims.models import Claim
from tests.seed import CLAIM, SOURCE


def test_fixed_addresses_follow_the_script_prefix(db):
    try:
        for prefix in ["/", "/desk/", "/"]:
            set_script_prefix(prefix)
            for name in ["claim_list", "methodology", "feed", "claim_reviews", "sitemap"]:
                assert fixed_address(name) == reverse(name)
            assert address("source_detail", SOURCE.nis) == reverse(
                "source_detail", args=[SOURCE.nis]
            )
        assert fixed_address("feed") == "/feed/"
    finally:
        set_script_prefix("/")
    assert not Claim.objects.exists()


def test_every_page_links_the_masthead_and_footer_to_their_pages(seed, client):
    content = client.get(f"/claims/{CLAIM.kursk}/").content.decode()
    for name in ["claim_list", "methodology", "feed", "claim_reviews", "sitemap"]:
        assert f'href="{reverse(name)}"' in content
    assert Claim.objects.published().filter(slug=CLAIM.kursk).exists()
