"""
Translations: a claim's published record in another language.

A translation is drafted as texts keyed by where they stand in the record
(text_slots), beside the current original, and published as a Revision in
its language that records the original revision it translates
(Translation.publish). Only the words change: the rating, the state, the
evidence and the figures are the original's, and a quote stays as it was
said, with the desk's translation beside it. The wording "as made" stays in
its own language too, with the translation beside it, labelled as one.

A published translation is out of date as soon as its claim has a newer
original revision: nothing is stored to say so, it is translation_of !=
the current original.
"""

import copy

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from claims.choices import Action
from claims.constraints import no_control_characters
from claims.models.claim import Claim
from claims.models.evidence import Caveat, Evidence
from claims.models.figures import Figure
from claims.models.history import Correction, ReviewEvent, translation_publication_note
from claims.models.revisions import Revision, as_document, listing_columns
from claims.models.sources import Affiliation, Source, Topic
from claims.natural_keys import NaturalKeyManager
from claims.permissions import permissions_for
from claims.workflow import WorkflowError, WorkflowForbidden


def text_slots(document):
    """
    Each text of a published `document` a translation may give in its own
    language, in page order, as (key, container, field, target, label):
    `container[field]` is the original's text, `container[target]` where a
    translation puts its own (beside it for the wording and for quotes, in
    its place for everything else). One key may stand in several places
    (a source named as claimant and on evidence): it is translated once.
    Keys name what does not move between revisions (an evidence item's id,
    a source's slug, a correction's time), so a draft survives a new
    revision of the original.
    """
    slots = [
        ("headline", document, "headline", "headline", gettext("Headline")),
        ("wording", document, "wording", "wording_translation", gettext("The claim as made")),
        ("summary", document, "summary", "summary", gettext("Summary for readers")),
        ("context", document, "context", "context", gettext("Context")),
    ]
    if document["topic"]:
        slug = document["topic"]["slug"]
        slots.append((f"topic.{slug}", document["topic"], "name", "name", gettext("Topic")))
    for number, caveat in enumerate(document["caveats"], start=1):
        slots.append(
            (
                f"caveat.{number}",
                caveat,
                "text",
                "text",
                gettext("What we don't know %(number)s") % {"number": number},
            )
        )
    sources = [document["claimant"]]
    for item in document["evidence"]:
        key = f"evidence.{item['id']}"
        slots.append((f"{key}.title", item, "title", "title", gettext("Evidence title")))
        slots.append((f"{key}.excerpt", item, "excerpt", "excerpt_translation", gettext("Quote")))
        slots.append((f"{key}.note", item, "note", "note", gettext("Note on evidence")))
        sources += [item["source"], item["origin"]]
    for estimate in document["estimates"]:
        figure = estimate["figure"]
        for field, words in [
            ("name", gettext("Figure")),
            ("short_name", gettext("Figure, short")),
            ("unit", gettext("Unit")),
        ]:
            slots.append((f"figure.{figure['slug']}.{field}", figure, field, field, words))
        sources.append(estimate["origin"])
    for source in sources:
        if source is None:
            continue
        slots.append((f"source.{source['slug']}", source, "name", "name", gettext("Source")))
        if affiliation := source["affiliation"]:
            key = f"affiliation.{affiliation['slug']}"
            slots.append((key, affiliation, "name", "name", gettext("Affiliation")))
    for correction in document["corrections"]:
        key = f"correction.{correction['published_at']}"
        slots.append((key, correction, "note", "note", gettext("Correction")))
    for event in document["events"]:
        if event["public_note"]:
            key = f"event.{event['created_at']}"
            slots.append((key, event, "public_note", "public_note", gettext("Review note")))
    return [slot for slot in slots if slot[1][slot[2]]]


def translatable_texts(document):
    """Each distinct text of `document` to translate, as (key, label, original), in page order."""
    seen = {}
    for key, container, field, _target, label in text_slots(document):
        seen.setdefault(key, (key, label, container[field]))
    return list(seen.values())


# What a translation must give before it is published: what readers read
# first. A name left untranslated is shown as it is; a correction or a note
# of the timeline not yet translated is shown in the original, marked so, and
# so is an evidence item's title (often the title of a document in its own
# language, which readers may search for as it is).
REQUIRED_TEXTS = ("headline", "wording", "summary", "context", "caveat.", "evidence.", "figure.")
OPTIONAL_TEXTS = ("excerpt", "title")


def is_required(key):
    return key.startswith(REQUIRED_TEXTS) and not key.endswith(OPTIONAL_TEXTS)


def translated_document(original, texts, language):
    """
    The record `original` (a published document) says, in `language`, from
    `texts` (key -> text): every slot with a text takes it; the rest keep
    the original's words, and each correction, timeline note and evidence
    title says which language it is in, so the page can mark those not yet
    translated.
    """
    document = copy.deepcopy(original)
    original_language = original.get("language", "")
    for key, container, _field, target, _label in text_slots(document):
        if text := texts.get(key, "").strip():
            container[target] = text
    for item in document["evidence"]:
        translated = texts.get(f"evidence.{item['id']}.title", "").strip()
        item["title_language"] = language if translated else original_language
    for item in document["corrections"]:
        translated = texts.get(f"correction.{item['published_at']}", "").strip()
        item["language"] = language if translated else original_language
    for event in document["events"]:
        translated = texts.get(f"event.{event['created_at']}", "").strip()
        event["language"] = (
            language if translated or not event["public_note"] else original_language
        )
    document["language"] = language
    return document


def missing_texts(original, texts):
    """The labels of the texts a translation must give and `texts` does not."""
    return [
        label
        for key, label, _original in translatable_texts(original)
        if is_required(key) and not texts.get(key, "").strip()
    ]


# Where each text a translation gives stands among the original's fields, as
# (key prefix, key suffix, model, field): its translation fits the same limit,
# so that a translated headline is as short as the original's must be.
SLOT_FIELDS = [
    ("headline", "", Claim, "headline"),
    ("wording", "", Claim, "wording"),
    ("summary", "", Claim, "verdict_summary"),
    ("context", "", Claim, "context"),
    ("topic.", "", Topic, "name"),
    ("caveat.", "", Caveat, "text"),
    ("evidence.", ".title", Evidence, "title"),
    ("evidence.", ".excerpt", Evidence, "excerpt"),
    ("evidence.", ".note", Evidence, "note"),
    ("figure.", ".name", Figure, "name"),
    ("figure.", ".short_name", Figure, "short_name"),
    ("figure.", ".unit", Figure, "unit"),
    ("source.", "", Source, "name"),
    ("affiliation.", "", Affiliation, "name"),
    ("correction.", "", Correction, "note"),
    ("event.", "", ReviewEvent, "public_note"),
]


def field_limit(field):
    if field.max_length:
        return field.max_length
    limits = [
        validator.limit_value
        for validator in field.validators
        if isinstance(validator, MaxLengthValidator)
    ]
    return min(limits, default=TEXT_LIMIT)


def text_limit(key):
    """The most characters the translation of the text `key` may have: its original's limit."""
    for prefix, suffix, model, name in SLOT_FIELDS:
        if key.startswith(prefix) and key.endswith(suffix):
            return field_limit(model._meta.get_field(name))
    return TEXT_LIMIT


def too_long(texts):
    """A refusal for each text of `texts` (key -> text) longer than its original may be."""
    return [
        f"{key}: "
        + gettext("%(count)s characters; at most %(limit)s fit.")
        % {"count": f"{len(text.strip()):,}", "limit": f"{limit:,}"}
        for key, text in texts.items()
        if len(text.strip()) > (limit := text_limit(key))
    ]


# Keys of names shared between claims: a source, affiliation, topic or figure
# is named the same way in every claim's translation.
NAME_KEYS = ("source.", "affiliation.", "topic.", "figure.")


class TranslationQuerySet(models.QuerySet):
    def glossary(self, language):
        """
        The names the desk's drafts in `language` give sources, affiliations,
        topics and figures (key -> text), the latest draft's where they differ:
        what a new translation starts from.
        """
        names = {}
        for texts in (
            self.filter(language=language).order_by("updated_at").values_list("texts", flat=True)
        ):
            names |= {key: text for key, text in texts.items() if key.startswith(NAME_KEYS)}
        return names

    def awaiting_publication(self):
        """Drafts changed since they were last published (or never published)."""
        return self.filter(Q(published__isnull=True) | Q(updated_at__gt=models.F("published_at")))


class TranslationManager(NaturalKeyManager.from_queryset(TranslationQuerySet)):
    key_lookups = ("claim__slug", "language")


class Translation(models.Model):
    """
    The draft of one claim's record in one language other than its own:
    the texts a translator gave, keyed as text_slots() names them. Drafting
    changes nothing public; publishing (by another person) does.
    """

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="translation_drafts", verbose_name=_("claim")
    )
    language = models.CharField(max_length=8, editable=False, verbose_name=_("language"))
    texts = models.JSONField(default=dict, blank=True, verbose_name=_("texts"))
    drafted_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="translations_drafted",
        help_text="Who changed the draft since it was last published.",
        verbose_name=_("drafted by"),
    )
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))
    published = models.ForeignKey(
        Revision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The revision that last published this draft.",
        verbose_name=_("published"),
    )
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))

    objects = TranslationManager()

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "language"], name="claims_translation_one_per_language"
            ),
            models.CheckConstraint(condition=~Q(language=""), name="claims_translation_language"),
        ]

    def __str__(self):
        return f"{self.claim} ({self.language})"

    def natural_key(self):
        return (*self.claim.natural_key(), self.language)

    natural_key.dependencies = ["claims.claim", "claims.revision"]

    def save_texts(self, texts, *, by):
        """
        Keep `texts` (key -> text) as the draft, noting `by` as one of its
        drafters, or raise ValidationError naming each text that cannot be
        kept (and keep none).
        """
        problems = []
        for key, text in texts.items():
            try:
                no_control_characters(text)
            except ValidationError as error:
                problems += [f"{key}: {message}" for message in error.messages]
        problems += too_long(texts)
        if problems:
            raise ValidationError(problems)
        self.texts = {key: text.strip() for key, text in texts.items() if text.strip()}
        self.updated_at = timezone.now()
        self.save()
        self.drafted_by.add(by)

    def publication_problems(self, original):
        """What keeps the draft from being published over `original` (a Revision)."""
        problems = []
        if original is None:
            problems.append(gettext("The claim is not published: there is no record to translate."))
            return problems
        if self.language == original.language:
            problems.append(gettext("A translation is into another language than the original's."))
        if missing := missing_texts(original.document, self.texts):
            problems.append(
                ngettext(
                    "Translate this first: %(texts)s.",
                    "Translate these first: %(texts)s.",
                    len(missing),
                )
                % {"texts": ", ".join(missing)}
            )
        # A draft kept before its texts had their originals' limits.
        problems += too_long(self.texts)
        return problems

    def publish(self, *, by, note=""):
        """
        Publish the draft as the claim's record in its language, translating
        the current original revision: a new Revision (current in its
        language from now) and its ReviewEvent, in one transaction under the
        claim's row lock. Raises WorkflowForbidden when `by` may not (a
        drafter may not publish their own translation) and WorkflowError
        when the draft is incomplete; changes nothing then.
        """
        if self.pk is None:
            raise WorkflowError(
                gettext("Nothing is drafted yet: translate the texts and save them first.")
            )
        with transaction.atomic():
            claim = Claim.objects.select_for_update().get(pk=self.claim_id)
            draft = Translation.objects.select_for_update().get(pk=self.pk)
            if problem := permissions_for(by, claim).translation_problem(draft):
                raise WorkflowForbidden(problem)
            original = claim.revisions.current().first()
            if problems := draft.publication_problems(original):
                raise WorkflowError(problems)
            now = timezone.now()
            previous = (
                Revision.objects.filter(claim=claim, language=draft.language)
                .order_by("-number")
                .first()
            )
            document = as_document(
                translated_document(
                    original.document | {"language": original.language},
                    draft.texts,
                    draft.language,
                )
            )
            revision = Revision(
                claim=claim,
                number=previous.number + 1 if previous else 1,
                language=draft.language,
                translation_of=original,
                document=document,
                public_note=note.strip(),
                published_at=now,
                published_by=by,
                previous_digest=previous.digest if previous else "",
                first_published_at=original.first_published_at,
                **listing_columns(document),
            )
            revision.digest = revision.computed_digest()
            Revision.objects.current_translations(draft.language).filter(claim=claim).update(
                is_current=False
            )
            revision.save(force_insert=True)
            claim.version += 1
            claim.updated_at = now
            claim.save(update_fields=["version", "updated_at"])
            ReviewEvent.objects.bulk_create(
                [
                    ReviewEvent(
                        claim=claim,
                        version=claim.version,
                        action=Action.PUBLISH_TRANSLATION,
                        from_status=claim.status,
                        to_status=claim.status,
                        actor=by,
                        created_at=now,
                        note=translation_publication_note(draft.language),
                        revision_digest=revision.digest,
                    )
                ]
            )
            draft.published = revision
            draft.published_at = now
            draft.save(update_fields=["published", "published_at"])
            draft.drafted_by.clear()
        self.published, self.published_at = revision, now
        return revision


# The longest text a draft keeps: the longest text a record holds.
TEXT_LIMIT = 5_000


def untranslated_parts(document):
    """
    `document` (an original's or a translation's) with its words taken out:
    what a translation must keep of its original exactly (the rating, state,
    evidence, figures' numbers, dates, addresses).
    """
    document = copy.deepcopy(document)
    for _key, container, field, target, _label in text_slots(document):
        container[field] = ""
        if target != field:
            container.pop(target, None)
    for item in [*document["corrections"], *document["events"]]:
        item.pop("language", None)
    for item in document["evidence"]:
        item.pop("title_language", None)
    document.pop("language", None)
    return document
