"""
The pages readers write in with: ask us to check (/ask/), report an error
on a verdict (/claims/<slug>/report/), the page thanking them, and the
signed one-click unsubscribe from the emails they asked for.

None of these is cached or shows anything a reader sent to anyone else: a
tip's text is echoed back only to the reader who is writing it. Each
submission passes the time trap, the honeypot and the limits
(claims.abuse) before anything is stored; a refusal is a page in the
reader's language with status 429, never an error.
"""

from collections import Counter
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Case, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from claims.abuse import form_token, refusal, submitter_of, too_fast_or_stale
from claims.choices import RequestState, TipState
from claims.fragments import rendered_cards
from claims.models import BannedSubmitter, CorrectionRequest, ReaderAddress, Revision, Tip
from claims.models.tips import TIP_TEXT_LIMIT
from claims.notifications import UNSUBSCRIBE_SALT
from claims.search import matching, parse, search_claims
from claims.tasks import tell_readers_of_tip
from claims.tips import CorrectionRequestForm, TipForm, text_key

# How many published verdicts the form offers as already checked.
MATCHES_SHOWN = 5
# A reader's sentence seldom shares every word with our claim: failing a
# match on all of them, the verdicts sharing the most of its words (at
# least two) are offered, each word's newest matches counted.
WORDS_TRIED = 8
MATCHES_A_WORD = 200


def checked_already(text):
    """
    The current revisions of published verdicts matching `text`, best first
    (claims.search), each claim once, as its original: a reader writing in
    Korean finds a claim through its Korean version.
    """
    current = Revision.objects.current()
    every_language = Revision.objects.current_in_every_language()
    found = search_claims(every_language, text)[:MATCHES_SHOWN]
    terms = [term for term in parse(text) if not term.negated][:WORDS_TRIED]
    if found or len(terms) < 2:
        return found
    shared = Counter()
    for term in terms:
        matches = matching(every_language, [term]).order_by("-first_published_at", "-pk")
        # A claim found in two languages shares the word once.
        shared.update(set(matches.values_list("claim_id", flat=True)[:MATCHES_A_WORD]))
    # A withdrawn claim's translation may match: more are read than shown.
    best = [claim for claim, count in shared.most_common(MATCHES_SHOWN * 4) if count >= 2]
    if not best:
        return current.none()
    order = Case(*(When(claim_id=claim, then=place) for place, claim in enumerate(best)))
    return current.filter(claim_id__in=best).order_by(order)[:MATCHES_SHOWN]


def privacy(context):
    """What the privacy notice states, with the rest of a form page's context."""
    return {
        "retention_days": settings.READER_EMAIL_RETENTION_DAYS,
        "salt_days": settings.TIP_SALT_ROTATION_DAYS,
        **context,
    }


def headline_in(revision, language):
    """
    The verdict's headline as its page in `language` shows it: the published
    translation's where there is one, else the original's, with its `lang`.
    """
    shown = revision
    if language != revision.language:
        translation = Revision.objects.current_translations(language).filter(
            claim=revision.claim_id
        )
        shown = translation.only("document", "language").first() or revision
    headline = shown.document["headline"]
    if shown.language == language:
        return {"headline": headline, "headline_html": headline}
    return {
        "headline": headline,
        "headline_html": format_html('<span lang="{}">{}</span>', shown.language, headline),
    }


def matches_context(text):
    text = text.strip()[:TIP_TEXT_LIMIT]
    return {"text": text, "matches": rendered_cards(checked_already(text)) if text else None}


def refused(request, why, written):
    """
    The page a reader over a limit gets: in their language, 429, with when to
    try again and what they wrote, to copy (nothing of it is kept).
    """
    response = render(
        request, "claims/refused.html", {"refusal": why, "written": written}, status=429
    )
    response["Retry-After"] = str(why.retry_after)
    return response


def retry_form(form):
    """The form again, with a fresh serving time: the time trap caught it, perhaps a person."""
    fresh = type(form)(data={**form.data.dict(), "served": form_token()})
    fresh.is_valid()
    fresh.add_error(
        None,
        _(
            "Please send it again: nothing is wrong with what you wrote, but it came "
            "within seconds of the form opening (or the form was opened a day ago), and "
            "we check that a person is writing. Everything you typed is still here."
        ),
    )
    return fresh


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def ask(request):
    """
    Ask us to check: a claim, where it was seen, an email address if the
    reader wants to hear back, and before any of it, what we keep and why.

    GET ?claim=… shows the published verdicts matching it; htmx asks for
    the `matches` partial alone as the reader types. A POST whose claim
    matches verdicts shows them first (the step readers without JavaScript
    get) and is stored only when sent again with `confirmed`.

    Template: claims/ask.html. Context: form (TipForm), text, matches
    (cards, or None before the reader has written anything), confirming.
    """
    if request.method != "POST":
        context = matches_context(request.GET.get("claim", ""))
        if request.htmx:
            return render(request, "claims/ask.html#matches", context)
        form = TipForm(initial={"claim": context["text"]})
        return render(request, "claims/ask.html", privacy({"form": form, **context}))

    form = TipForm(request.POST)
    if not form.is_valid():
        context = privacy({"form": form, "matches": None})
        return render(request, "claims/ask.html", context, status=400)
    if form.is_bot():
        return redirect("ask_sent")
    if too_fast_or_stale(form.cleaned_data["served"]):
        return render(
            request, "claims/ask.html", privacy({"form": retry_form(form), "matches": None})
        )
    data = form.cleaned_data
    if not request.POST.get("confirmed"):
        context = matches_context(data["claim"])
        if context["matches"]:
            context = privacy({"form": form, "confirming": True, **context})
            return render(request, "claims/ask.html", context)
    submitter = submitter_of(request)
    if why := refusal(submitter):
        return refused(request, why, data["claim"])
    language = get_language()
    banned = BannedSubmitter.is_banned(submitter)
    with transaction.atomic():
        tip = Tip.receive(
            text=data["claim"],
            text_key=text_key(data["claim"]),
            where_seen=data["where_seen"],
            language=language,
            submitter=submitter,
            quarantined=banned,
        )
        if data["email"]:
            ReaderAddress.objects.create(email=data["email"], language=language, tip=tip)
            if tip.state == TipState.ON_CLAIM and not banned:
                # Asked again about a claim already checked: the verdict, if
                # published, is sent now rather than at its next correction.
                transaction.on_commit(partial(tell_readers_of_tip.enqueue, tip.pk))
    return redirect("ask_sent")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_error(request, slug):
    """
    Report an error on a published verdict: what is wrong, a link to the
    evidence, an email address to hear the desk's answer and of a correction.

    Template: claims/report_error.html. Context: form (CorrectionRequestForm), claim (its
    current Revision).
    """
    revision = Revision.objects.current().filter(slug=slug).select_related("claim").first()
    if revision is None:
        raise Http404
    context = privacy(
        {
            "revision": revision,
            **headline_in(revision, get_language()),
            "verdict_url": reverse("claim_detail", args=[revision.slug]),
        }
    )
    if request.method != "POST":
        return render(
            request, "claims/report_error.html", {"form": CorrectionRequestForm(), **context}
        )
    form = CorrectionRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "claims/report_error.html", {"form": form, **context}, status=400)
    if form.is_bot():
        return redirect("ask_sent")
    if too_fast_or_stale(form.cleaned_data["served"]):
        return render(request, "claims/report_error.html", {"form": retry_form(form), **context})
    submitter = submitter_of(request)
    if why := refusal(submitter):
        return refused(request, why, form.cleaned_data["text"])
    data = form.cleaned_data
    language = get_language()
    with transaction.atomic():
        correction_request = CorrectionRequest.objects.create(
            claim=revision.claim,
            text=data["text"],
            evidence_url=data["evidence_url"],
            language=language,
            submitter=submitter,
            state=(
                RequestState.QUARANTINED
                if BannedSubmitter.is_banned(submitter)
                else RequestState.OPEN
            ),
        )
        if data["email"]:
            # The reader hears of the desk's answer, and of any correction to the verdict.
            ReaderAddress.objects.create(
                email=data["email"],
                language=language,
                claim=revision.claim,
                request=correction_request,
            )
    return redirect("ask_sent")


@require_safe
def ask_sent(request):
    """Thanks, and what happens next. Template: claims/ask_sent.html."""
    return render(request, "claims/ask_sent.html")


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """
    Stop the emails an address asked for, from the signed link in each one:
    GET asks to confirm with one button (a link checker must not
    unsubscribe anyone); POST, from that button or a mail program's
    one-click List-Unsubscribe-Post (RFC 8058), deletes the address.
    CSRF does not apply: the signed token is the proof.

    Template: claims/unsubscribe.html. Context: done.
    """
    try:
        address_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise Http404 from None
    if request.method == "POST":
        ReaderAddress.objects.filter(pk=address_id).delete()
        return render(request, "claims/unsubscribe.html", {"done": True, "at": timezone.now()})
    return render(request, "claims/unsubscribe.html", {"done": False})
