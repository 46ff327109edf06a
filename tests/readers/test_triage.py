"""
The desk triages what readers send in the admin: tips by readers asking and
open correction requests, counted on the admin's home page; a tip becomes a
claim, goes on a claim, is marked spam or has its submitter banned; a
request is answered, accepted through a revision or declined with a note.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from claims.choices import RequestState, TipState
from claims.models import BannedSubmitter, Claim, CorrectionRequest, Revision, Tip
from tests.factories import make_source, page_text, request_data, send_tip
from tests.seed import CLAIM

TIPS = reverse("admin:claims_tip_changelist")
REQUESTS = reverse("admin:claims_correctionrequest_changelist")
ACTION = admin.helpers.ACTION_CHECKBOX_NAME


def test_the_admin_home_page_counts_new_tips_and_open_requests(seed, client, editor):
    send_tip(client, claim="One")
    send_tip(client, claim="Two")
    client.post(f"/claims/{CLAIM.kursk}/report/", request_data(), REMOTE_ADDR="203.0.113.9")
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    text = page_text(response)
    assert "New tips from readers, most asked first 2" in text
    assert "Open correction requests 1" in text
    assert f'href="{TIPS}?state__exact=new"' in response.text
    assert Tip.objects.filter(state=TipState.NEW).count() == 2


@pytest.mark.usefixtures("template_context")
def test_the_tip_queue_lists_the_most_asked_first(db, client, editor):
    send_tip(client, claim="Asked once")
    for address in ["198.51.100.1", "198.51.100.2", "198.51.100.3"]:
        send_tip(client, claim="Asked three times", address=address)
    client.force_login(editor)
    response = client.get(TIPS, {"state__exact": "new"})
    listed = [tip.text for tip in response.context["cl"].result_list]
    assert listed == ["Asked three times", "Asked once"]


@pytest.mark.usefixtures("template_context")
def test_a_tip_becomes_a_claim_prefilled_with_its_address_as_where_it_appeared(db, client, editor):
    send_tip(
        client,
        claim="The army said 12,000 soldiers were sent to Kursk in a single week of fighting.",
        where_seen="https://example.com/post/9",
    )
    tip = Tip.objects.get()
    client.force_login(editor)
    queue = client.get(TIPS, {"state__exact": "new"})
    add_url = f"{reverse('admin:claims_claim_add')}?from_tip={tip.pk}"
    assert f'href="{add_url}"' in queue.text.replace("&amp;", "&")

    form = client.get(add_url)
    initial = form.context["adminform"].form.initial
    assert initial["wording"] == tip.text
    assert initial["appearance_url"] == "https://example.com/post/9"
    assert (
        initial["headline"]
        == "The army said 12,000 soldiers were sent to Kursk in a single week of…"
    )
    assert f'name="from_tip" value="{tip.pk}"' in form.text

    claimant = make_source("The army")
    response = client.post(
        reverse("admin:claims_claim_add"),
        {
            "headline": "12,000 soldiers sent to Kursk in a week",
            "slug": "",
            "wording": tip.text,
            "claimant": claimant.pk,
            "appearance_url": tip.where_seen,
            "from_tip": tip.pk,
            "caveats-TOTAL_FORMS": 0,
            "caveats-INITIAL_FORMS": 0,
            "evidence-TOTAL_FORMS": 0,
            "evidence-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get(headline="12,000 soldiers sent to Kursk in a week")
    assert claim.appearance_url == "https://example.com/post/9"
    tip.refresh_from_db()
    assert (tip.claim, tip.state) == (claim, TipState.ON_CLAIM)


@pytest.mark.parametrize("from_tip", ["abc", "1.5", "-1", "99999999999999999999", "0"])
def test_an_address_naming_no_tip_opens_an_empty_claim_and_says_so(db, client, editor, from_tip):
    send_tip(client, claim="The army said 12,000 soldiers were sent to Kursk.")
    client.force_login(editor)
    response = client.get(reverse("admin:claims_claim_add"), {"from_tip": from_tip})
    assert response.status_code == 200
    assert "The reader's tip this claim was opened from is not on file." in page_text(response)
    assert "12,000 soldiers" not in response.text
    assert 'name="from_tip" value=' not in response.text
    assert Tip.objects.get().state == TipState.NEW


@pytest.mark.parametrize("from_tip", ["abc", "99999999999999999999", "99999"])
def test_a_claim_posted_from_a_tip_not_on_file_is_refused_and_keeps_the_typing(
    db, client, editor, from_tip
):
    claimant = make_source("The army")
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_claim_add"),
        {
            "headline": "12,000 soldiers sent to Kursk in a week",
            "slug": "",
            "wording": "The army said 12,000 soldiers were sent.",
            "claimant": claimant.pk,
            "from_tip": from_tip,
            "caveats-TOTAL_FORMS": 0,
            "caveats-INITIAL_FORMS": 0,
            "evidence-TOTAL_FORMS": 0,
            "evidence-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "The reader's tip this claim was opened from is not on file." in page_text(response)
    assert 'value="12,000 soldiers sent to Kursk in a week"' in response.text
    assert not Claim.objects.exists()


def test_a_tip_goes_on_a_claim_already_entered(seed, client, editor):
    send_tip(client, claim="Are North Korean troops in Kursk?")
    tip = Tip.objects.get()
    kursk = Claim.objects.get(slug=CLAIM.kursk)
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_tip_change", args=[tip.pk]),
        {"state": TipState.NEW, "claim": kursk.pk},
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert (tip.claim, tip.state) == (kursk, TipState.ON_CLAIM)


@pytest.mark.usefixtures("template_context")
def test_tips_are_marked_spam_and_leave_the_queue(db, client, editor):
    send_tip(client, claim="Buy cheap watches")
    tip = Tip.objects.get()
    client.force_login(editor)
    client.post(TIPS, {"action": "mark_spam", ACTION: [tip.pk]})
    tip.refresh_from_db()
    assert tip.state == TipState.SPAM
    response = client.get(TIPS, {"state__exact": "new"})
    assert list(response.context["cl"].result_list) == []


def test_banning_a_submitter_quarantines_all_they_sent_silently(seed, client, reviewer):
    send_tip(client, claim="Spam one", address="192.0.2.66")
    send_tip(client, claim="Spam two", address="192.0.2.66")
    send_tip(client, claim="A real question", address="192.0.2.1")
    client.post(f"/claims/{CLAIM.kursk}/report/", request_data(), REMOTE_ADDR="192.0.2.66")
    spam = Tip.objects.get(text="Spam one")
    client.force_login(reviewer)
    response = client.post(TIPS, {"action": "ban_submitters", ACTION: [spam.pk]}, follow=True)
    assert "Banned 1 submitter: 3 tips and requests quarantined." in page_text(response)
    states = dict(Tip.objects.values_list("text", "state"))
    assert states == {
        "Spam one": TipState.QUARANTINED,
        "Spam two": TipState.QUARANTINED,
        "A real question": TipState.NEW,
    }
    assert CorrectionRequest.objects.get().state == RequestState.QUARANTINED
    assert BannedSubmitter.objects.get().submitter == spam.submitter

    # They are not told: the same thanks, and what they send next is quarantined too.
    client.logout()
    response = send_tip(client, claim="Spam three", address="192.0.2.66")
    assert response["Location"] == "/ask/sent/"
    assert Tip.objects.get(text="Spam three").state == TipState.QUARANTINED
    send_tip(client, claim="A real question", address="192.0.2.66")
    assert Tip.objects.get(text="A real question").readers_asking == 1


def test_editors_may_not_ban(db, client, editor):
    send_tip(client, claim="Spam one", address="192.0.2.66")
    client.force_login(editor)
    response = client.get(TIPS)
    assert "ban_submitters" not in response.text
    assert BannedSubmitter.objects.count() == 0


def answer(client, request, **data):
    url = reverse("admin:claims_correctionrequest_change", args=[request.pk])
    return client.post(url, {"state": "", "response_note": "", "revision_number": "", **data})


def test_a_request_is_accepted_only_with_the_revision_that_corrected_it(seed, client, editor):
    client.post(f"/claims/{CLAIM.kursk}/report/", request_data(), REMOTE_ADDR="203.0.113.9")
    request = CorrectionRequest.objects.get()
    client.force_login(editor)
    response = answer(client, request, state=RequestState.ACCEPTED)
    assert response.status_code == 200
    assert "Name the published revision that corrected the verdict" in page_text(response)
    response = answer(client, request, state=RequestState.ACCEPTED, revision_number=9)
    assert "This claim has no published revision 9." in page_text(response)
    revision = Revision.objects.current().get(claim__slug=CLAIM.kursk)
    response = answer(client, request, state=RequestState.ACCEPTED, revision_number=revision.number)
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.revision, request.answered_by) == (
        RequestState.ACCEPTED,
        revision,
        editor,
    )


def test_a_request_is_declined_only_with_a_note(seed, client, editor):
    client.post(f"/claims/{CLAIM.kursk}/report/", request_data(), REMOTE_ADDR="203.0.113.9")
    request = CorrectionRequest.objects.get()
    client.force_login(editor)
    response = answer(client, request, state=RequestState.DECLINED)
    assert "Say why the request is declined." in page_text(response)
    response = answer(
        client, request, state=RequestState.DECLINED, response_note="The date is right."
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.response_note) == (RequestState.DECLINED, "The date is right.")
    assert request.answered_at is not None
