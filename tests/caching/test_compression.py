"""Public pages are sent gzipped to readers who accept it; the admin never is."""

import gzip
import re

import pytest
from django.conf import settings

from claims.models import Claim
from tests.seed import CLAIM

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
VERDICT = f"/claims/{CLAIM.casualties}/"


def without_nonce(content):
    return re.sub(rb'nonce="[^"]+"', b"", content)


@pytest.mark.parametrize("url", ["/", VERDICT, "/methodology/", "/feed/", "/claims.json"])
def test_public_responses_are_gzipped_for_readers_who_accept_it(seed, client, url):
    plain = client.get(url)
    compressed = client.get(url, headers=GZIP)
    assert compressed.status_code == plain.status_code == 200
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert "Content-Encoding" not in plain
    assert int(compressed["Content-Length"]) < len(plain.content) / 2
    assert without_nonce(gzip.decompress(compressed.content)) == without_nonce(plain.content)
    assert not compressed.cookies


def test_a_gzipped_page_still_answers_304_to_its_etag(seed, client, page_cache):
    first = client.get(VERDICT, headers=GZIP)
    again = client.get(VERDICT, headers=GZIP | {"If-None-Match": first["ETag"]})
    assert first["ETag"].startswith('W/"')
    assert again.status_code == 304
    assert again.content == b""
    # The page cache keeps the page as rendered, and compresses each copy it sends.
    cached = client.get(VERDICT, headers=GZIP)
    assert cached["ETag"] == first["ETag"]
    assert gzip.decompress(cached.content).startswith(b"<!doctype html>")
    assert Claim.objects.get(slug=CLAIM.casualties).is_published


def test_the_admin_is_never_compressed(seed, client, admin_client):
    for response in [client.get("/admin/login/", headers=GZIP), admin_client.get("/admin/")]:
        assert response.status_code == 200
        assert "Content-Encoding" not in response
        assert response.content.lstrip().startswith(b"<!DOCTYPE html>")


def test_static_files_are_left_to_whitenoise(db, client):
    """In production WhiteNoise sends its precompressed copies; nothing gzips them again."""
    response = client.get("/static/css/site.css", headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert (
        b"".join(response.streaming_content)
        == (settings.BASE_DIR / "static/css/site.css").read_bytes()
    )
