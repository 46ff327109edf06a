"""
A verdict page says how many readers asked us to check its claim: the
readers of the tips on it, quarantined and spam tips aside, never their words.
A tip joining the claim, asked again or set aside retires the cached page.
"""

from django.urls import reverse

from claims.choices import TipState
from claims.models import BannedSubmitter, Claim, PendingPurge, Tip
from tests.factories import page_text, send_tip
from tests.seed import CLAIM

VERDICT = f"/claims/{CLAIM.kursk}/"
TIP = "Kim Jong Un sent soldiers to Kursk in secret."


def kursk():
    return Claim.objects.get(slug=CLAIM.kursk)


def test_a_verdict_page_counts_the_readers_who_asked_in_both_languages(seed, client):
    for address in ["203.0.113.1", "203.0.113.2", "203.0.113.3"]:
        send_tip(client, address=address, claim=TIP)
    Tip.objects.get().attach(kursk())

    response = client.get(VERDICT)
    text = page_text(response)
    assert response.status_code == 200
    assert "3 readers asked us to check this." in text
    assert TIP not in text
    korean = page_text(client.get(f"/ko{VERDICT}"))
    assert "독자 3명이 확인을 요청했습니다." in korean
    assert TIP not in korean
    assert Tip.objects.get().readers_asking == 3


def test_one_reader_is_counted_in_the_singular(seed, client):
    send_tip(client, claim=TIP)
    Tip.objects.get().attach(kursk())
    assert "1 reader asked us to check this." in page_text(client.get(VERDICT))
    assert Tip.objects.get().state == TipState.ON_CLAIM


def test_a_claim_no_reader_asked_about_says_nothing_of_readers(seed, client):
    send_tip(client, claim=TIP)
    response = client.get(VERDICT)
    assert "asked us to check this" not in page_text(response)
    assert Tip.objects.get().claim is None


def test_quarantined_and_spam_tips_are_not_counted(seed, client, editor):
    send_tip(client, address="203.0.113.1", claim=TIP)
    send_tip(client, address="203.0.113.2", claim="Another claim about Kursk troops.")
    banned, spam = Tip.objects.order_by("pk")
    banned.attach(kursk())
    spam.attach(kursk())
    assert "2 readers asked us to check this." in page_text(client.get(VERDICT))

    BannedSubmitter.ban(banned.submitter, by=editor)
    Tip.objects.filter(pk=spam.pk).update(state=TipState.SPAM)
    response = client.get(VERDICT)
    assert "asked us to check this" not in page_text(response)
    assert set(Tip.objects.values_list("state", flat=True)) == {
        TipState.QUARANTINED,
        TipState.SPAM,
    }


def test_the_cached_page_is_retired_when_a_reader_asks_again(seed, client, page_cache):
    send_tip(client, address="203.0.113.1", claim=TIP)
    Tip.objects.get().attach(kursk())
    first = client.get(VERDICT)
    assert "1 reader asked us to check this." in page_text(first)
    assert client.get(VERDICT)["ETag"] == first["ETag"]

    send_tip(client, address="203.0.113.2", claim=TIP)
    again = client.get(VERDICT)
    assert "2 readers asked us to check this." in page_text(again)
    assert again["ETag"] != first["ETag"]
    assert Tip.objects.get().readers_asking == 2


def test_the_cached_page_is_retired_when_the_desk_moves_or_marks_a_tip(
    seed, client, page_cache, editor
):
    send_tip(client, claim=TIP)
    tip = Tip.objects.get()
    assert "asked us to check this" not in page_text(client.get(VERDICT))

    staff = client.__class__()
    staff.force_login(editor)
    change = reverse("admin:claims_tip_change", args=[tip.pk])
    response = staff.post(change, {"state": "new", "claim": kursk().pk})
    assert response.status_code == 302
    assert "1 reader asked us to check this." in page_text(client.get(VERDICT))

    response = staff.post(
        reverse("admin:claims_tip_changelist"),
        {"action": "mark_spam", "_selected_action": [tip.pk]},
    )
    assert response.status_code == 302
    assert "asked us to check this" not in page_text(client.get(VERDICT))
    assert Tip.objects.get().state == TipState.SPAM


def test_the_edge_is_asked_to_purge_the_verdict_page_when_a_tip_joins_it(seed, client, settings):
    settings.EDGE_PURGE_BACKEND = "varnish"
    send_tip(client, claim=TIP)
    PendingPurge.objects.all().delete()
    Tip.objects.get().attach(kursk())
    assert set(PendingPurge.objects.values_list("key", flat=True)) == {f"claim:{CLAIM.kursk}"}
