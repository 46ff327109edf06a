"""Readers ask the desk to check a claim: they see first whether it was checked, and are heard."""

from claims.choices import TipState
from claims.models import ReaderAddress, Tip
from tests.factories import page_text, send_tip, tip_data
from tests.seed import CLAIM


def test_every_public_page_links_to_the_form(seed, client):
    for path in ["/", f"/claims/{CLAIM.kursk}/", "/methodology/", "/follow/"]:
        assert 'href="/ask/"' in client.get(path).text, path


def test_the_form_says_what_is_kept_why_and_how_long_before_anything_is_sent(db, client):
    response = client.get("/ask/")
    text = page_text(response)
    assert response.status_code == 200
    assert "What we keep, and why" in text
    assert "deleted 180 days after we last used it" in text
    assert "Giving your email address is optional" in text
    assert text.index("What we keep") < text.index("Send my claim")
    assert Tip.objects.count() == 0


def test_matching_verdicts_are_shown_as_the_reader_types(seed, client):
    response = client.get("/ask/", {"claim": "troops in Kursk"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'href="/claims/{CLAIM.kursk}/"' in response.text
    assert "<html" not in response.text
    assert Tip.objects.count() == 0


def test_a_long_sentence_finds_verdicts_by_its_telling_words(seed, client):
    response = client.get(
        "/ask/",
        {"claim": "I read on a forum that soldiers were sent into Kursk last autumn, true?"},
        headers={"HX-Request": "true"},
    )
    assert f'href="/claims/{CLAIM.kursk}/"' in response.text


def test_a_korean_sentence_finds_the_korean_version_of_a_verdict(seed, client):
    response = client.get(
        "/ko/ask/",
        {"claim": "11월에 북한군 1만2천 명이 쿠르스크에 추가로 파병됐다는 글을 봤어요"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f'href="/ko/claims/{CLAIM.kursk}/"' in response.text
    assert "쿠르스크" in page_text(response)
    assert Tip.objects.count() == 0


def test_without_javascript_a_matching_tip_is_shown_its_verdicts_before_it_is_stored(seed, client):
    data = tip_data(claim="North Korean troops are in Kursk")
    response = client.post("/ask/", data, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert f'href="/claims/{CLAIM.kursk}/"' in response.text
    assert 'name="confirmed"' in response.text
    assert Tip.objects.count() == 0

    response = client.post("/ask/", {**data, "confirmed": "1"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert Tip.objects.get().text == "North Korean troops are in Kursk"


def test_a_tip_nothing_matches_is_stored_at_once_with_its_address_and_language(db, client):
    response = client.post(
        "/ask/",
        tip_data(where_seen="https://example.com/post/1", email="reader@example.com"),
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    assert response["Location"] == "/ask/sent/"
    tip = Tip.objects.get()
    assert tip.state == TipState.NEW
    assert tip.where_seen == "https://example.com/post/1"
    assert tip.language == "en"
    assert tip.readers_asking == 1
    assert "203.0.113.7" not in tip.submitter and len(tip.submitter) == 64
    address = ReaderAddress.objects.get()
    assert (address.email, address.tip, address.language) == ("reader@example.com", tip, "en")


def test_the_same_claim_asked_again_adds_a_reader_not_a_tip(db, client):
    send_tip(client, claim="The moon is made of cheese!", address="203.0.113.7")
    send_tip(client, claim="  the MOON is made of   cheese ", address="203.0.113.8")
    send_tip(
        client, claim="The moon is made of cheese?", address="203.0.113.9", email="a@b.example"
    )
    tip = Tip.objects.get()
    assert tip.readers_asking == 3
    assert tip.text == "The moon is made of cheese!"
    assert ReaderAddress.objects.get().tip == tip


def test_the_queue_orders_tips_by_readers_asking(db, client):
    send_tip(client, claim="Rarely asked")
    for address in ["198.51.100.1", "198.51.100.2"]:
        send_tip(client, claim="Often asked", address=address)
    assert [tip.text for tip in Tip.objects.all()] == ["Often asked", "Rarely asked"]


def test_bad_input_gets_a_clear_error_and_keeps_what_was_typed(db, client):
    cases = {
        "claim": ("x" * 2_001, "at most 2000 fit"),
        "where_seen": ("javascript:alert(1)", "Enter a valid URL"),
        "email": ("not-an-address", "Enter a valid email address"),
    }
    for field, (value, message) in cases.items():
        response = client.post("/ask/", tip_data(**{field: value}), REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 400, field
        # Named once, though Django's rule and the desk's both refuse it.
        assert page_text(response).count(message) == 1, field
    response = client.post("/ask/", tip_data(claim="Bell\x07 rang"), REMOTE_ADDR="203.0.113.7")
    assert "invisible control character U+0007" in page_text(response)
    response = client.post("/ask/", tip_data(claim="Null\x00 here"), REMOTE_ADDR="203.0.113.7")
    assert "invisible control character U+0000" in page_text(response)
    assert "Null characters are not allowed" not in page_text(response)
    response = client.post(
        "/ask/", tip_data(claim='Look <a href="x">here</a>'), REMOTE_ADDR="203.0.113.7"
    )
    assert "no HTML" in page_text(response)
    assert "Look &lt;a href=&quot;x&quot;&gt;here&lt;/a&gt;" in response.text
    assert Tip.objects.count() == 0
