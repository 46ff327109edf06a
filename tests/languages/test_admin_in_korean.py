"""
A Korean staff member reads the admin in Korean: the models and their
fields, the desk's queues and states, and the words Django's own Korean
catalogue lacks, which the desk's catalogue gives.
"""

from claims.models import Claim, Revision, Source, Tip
from tests.factories import claim_form_data, page_text, tip_data
from tests.seed import CLAIM, SOURCE


def korean(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200, path
    assert response.headers["Content-Language"] == "ko"
    return page_text(response)


def test_the_admins_models_and_queues_are_named_in_korean(client, seed, publisher):
    client.force_login(publisher)
    text = korean(client, "/admin/")
    queues = ["번역이 필요함", "발행을 기다리는 번역", "최신이 아닌 번역"]
    for words in ["주장", "출처", "수치", *queues]:
        assert words in text, words
    for words in ["Claims", "Sources", "Needs translation", "Translation out of date"]:
        assert words not in text, words
    assert Claim.objects.published().count() == 4


def test_a_claims_and_a_sources_fields_are_labelled_in_korean(client, seed, publisher):
    client.force_login(publisher)
    claim = Claim.objects.get(slug=CLAIM.kursk)
    text = korean(client, f"/admin/claims/claim/{claim.pk}/change/")
    for label in ["맥락:", "처음 나온 곳:", "슬러그:", "최대 5,000자."]:
        assert label in text, label
    for label in ["Context:", "Appeared in:", "Slug:", "At most 5,000 characters."]:
        assert label not in text, label
    # A published claim's translations are described in Korean.
    assert "최신" in text
    source = Source.objects.get(slug=SOURCE.nis)
    text = korean(client, f"/admin/claims/source/{source.pk}/change/")
    assert "국가:" in text and "Country:" not in text
    assert "신뢰도:" in text
    # The English admin is as it was.
    english = page_text(client.get(f"/admin/claims/source/{source.pk}/change/"))
    assert "Country:" in english
    assert Source.objects.get(pk=source.pk).country == source.country
    assert Revision.objects.current().filter(claim=claim).count() == 1


def test_words_djangos_korean_catalogue_lacks_are_in_korean(client, seed, publisher):
    client.force_login(publisher)
    text = korean(client, "/admin/claims/claim/")
    assert "- 선택하세요 -" in text
    assert "- Select an option -" not in text
    assert Claim.objects.count() >= 4


def test_the_translate_page_names_the_originals_language_in_words(client, seed, publisher):
    client.force_login(publisher)
    claim = Claim.objects.get(slug=CLAIM.kursk)
    text = korean(client, f"/admin/claims/claim/{claim.pk}/translate/ko/")
    assert "원문(영어)의 수정본" in text
    assert "원문(en)" not in text
    english = page_text(client.get(f"/admin/claims/claim/{claim.pk}/translate/ko/"))
    assert "of the original (English), beside the" in english
    assert Revision.objects.current().filter(claim=claim).count() == 1


def test_an_invisible_character_is_named_once_and_in_korean_on_korean_pages(client, seed):
    for query, code in [("a%01b", "U+0001"), ("%00", "U+0000"), ("a%EF%BF%BFb", "U+FFFF")]:
        response = client.get(f"/ko/?q={query}")
        assert response.status_code == 200
        text = page_text(response)
        assert f"보이지 않는 {'제어 ' if code < 'U+0080' else ''}문자({code})" in text, query
        assert "Remove the invisible" not in text
        # Django's own rule for a NUL is not named beside the desk's.
        assert "null 문자" not in text
        # The search box shows what was typed, but for the character: HTML
        # cannot carry it.
        content = response.content.decode()
        assert "\x00" not in content and "\x01" not in content and "\uffff" not in content
        assert 'value="ab"' in content or query == "%00"
    response = client.post("/ko/ask/", tip_data(claim="종이\x07 울렸다"), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 400
    assert "3번째 글자에 보이지 않는 제어 문자(U+0007)가 있으니" in page_text(response)
    assert "종이 울렸다" in response.content.decode()
    assert not Tip.objects.exists()


def test_a_date_the_desk_refuses_is_explained_in_korean(client, seed, publisher):
    client.force_login(publisher)
    claim = Claim.objects.get(slug=CLAIM.kursk)
    url = f"/admin/claims/claim/{claim.pk}/change/"
    before = claim.made_on
    for made_on, reason in [
        ("1700-01-01", "1800년 1월 1일부터 2100년 12월 31일 사이의 날짜를 입력하세요."),
        ("2099-01-01", "주장이 미래에 나왔을 수는 없습니다. 연도를 확인하세요."),
    ]:
        data = claim_form_data(claim, made_on=made_on)
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="ko")
        assert response.status_code == 200
        text = page_text(response)
        assert reason in text, made_on
        assert "Enter a date" not in text and "in the future" not in text
    assert Claim.objects.get(pk=claim.pk).made_on == before
