"""
Every invariant of the desk, checked across the database.

find_violations() is what `manage.py check_invariants` reports and what
`manage.py loaddata` refuses to commit. The rules are not restated here: row
rules are the models' own check constraints, re-run as queries, and workflow
rules are the transitions' own guards, asked of the record readers see (the
current published revision); the text rule
(claims.constraints.no_control_characters) is asked of every stored text
field, whether or not its form refuses such text, and the date bounds
(claims.constraints.within_date_bounds) of every date field that has them.
Only what spans rows no model owns is spelled out here: the audit trail's
consistency, and each claim's chain of published revisions, whose digests
name a revision or a correction changed outside the workflow (in SQL, in
the shell or by loaddata).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import cache, reduce
from operator import or_

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    CharField,
    CheckConstraint,
    Count,
    DateTimeField,
    F,
    Q,
    TextField,
    Value,
)

from claims.choices import ClaimStatus
from claims.constraints import (
    EARLIEST_DATE,
    FORBIDDEN_CHARACTERS,
    FORBIDDEN_CHARACTERS_SQL,
    LATEST_DATE,
    day_text,
    within_date_bounds,
)
from claims.models import Claim, Correction, ReviewEvent, Revision, RevisionName
from claims.models.revisions import as_document, listing_columns, names_in
from claims.models.translations import untranslated_parts
from claims.records import ClaimRecord
from claims.workflow import VERDICT_RULES, public_problems

CHUNK = 2000


@dataclass(frozen=True)
class Violation:
    model: str
    row: str
    rule: str

    def __str__(self):
        return f"{self.model} {self.row}: {self.rule}"


def find_violations(using=DEFAULT_DB_ALIAS):
    """Every broken invariant, one Violation per offending row and rule; [] when all hold."""
    suspects = suspect_models(using)
    return [
        *constraint_violations(using, suspects),
        *control_character_violations(using, suspects),
        *date_bound_violations(using, suspects),
        *record_violations(using),
        *audit_trail_violations(using),
    ]


def checks_of(model):
    return [c for c in model._meta.constraints if isinstance(c, CheckConstraint)]


def text_fields(model):
    """The names of `model`'s stored text fields: none may hold FORBIDDEN_CHARACTERS."""
    return [field.name for field in model._meta.fields if isinstance(field, CharField | TextField)]


def bounded_date_fields(model):
    """`model`'s date fields that hold the date bounds (within_date_bounds)."""
    return [field for field in model._meta.fields if within_date_bounds in field.validators]


def out_of_bounds(field):
    """The rows whose `field` is before EARLIEST_DATE or after LATEST_DATE."""
    earliest, latest = EARLIEST_DATE, LATEST_DATE
    if isinstance(field, DateTimeField):
        earliest = datetime.combine(EARLIEST_DATE, time.min, tzinfo=UTC)
        latest = datetime.combine(LATEST_DATE, time.max, tzinfo=UTC)
    return Q(**{f"{field.name}__lt": earliest}) | Q(**{f"{field.name}__gt": latest})


def suspect_models(using):
    """
    The labels of the models with a row that breaks one of their check
    constraints or holds a control character: one query for every table
    (almost always answering none), so that only those models' rows are
    then asked which rule each breaks.
    """
    sql, params = suspects_query(using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return {label for (label,) in cursor.fetchall()}


@cache
def suspects_query(using):
    """suspect_models()'s SQL, built once a process: the rules are the models' own."""
    parts = []
    for model in apps.get_app_config("claims").get_models():
        conditions = [~Q(check.condition) for check in checks_of(model)]
        conditions += [
            Q(**{f"{name}__regex": FORBIDDEN_CHARACTERS_SQL}) for name in text_fields(model)
        ]
        conditions += [out_of_bounds(field) for field in bounded_date_fields(model)]
        if conditions:
            label = Value(model._meta.label, output_field=CharField())
            rows = model._base_manager.using(using).filter(reduce(or_, conditions))
            parts.append(rows.annotate(label=label).values_list("label"))
    query = parts[0].union(*parts[1:], all=True).query
    # In no order, not even the first model's default one, which names a
    # column the labels do not have.
    query.clear_ordering(force=True)
    return query.get_compiler(using).as_sql()


def constraint_violations(using, suspects):
    """
    Rows that break a check constraint. The database refuses them as they are
    written; they exist only where it did not enforce one (a restore made
    without constraints, a table edited by hand, a constraint added later).
    """
    for model in apps.get_app_config("claims").get_models():
        checks = checks_of(model)
        if not checks or model._meta.label not in suspects:
            continue
        rows = model._base_manager.using(using)
        for check in checks:
            for row in rows.exclude(check.condition).order_by("pk"):
                yield Violation(model._meta.label, row_name(row), check.name)


def control_character_violations(using, suspects):
    """
    Stored text holding a character no text may (FORBIDDEN_CHARACTERS: a
    control character, a noncharacter), in any text field, whether or not
    its form refuses it: one query a suspect model, whatever the number of rows.
    """
    for model in apps.get_app_config("claims").get_models():
        names = text_fields(model)
        if not names or model._meta.label not in suspects:
            continue
        offenders = model._base_manager.using(using).filter(
            reduce(or_, [Q(**{f"{name}__regex": FORBIDDEN_CHARACTERS_SQL}) for name in names])
        )
        for row in offenders.order_by("pk"):
            for name in names:
                if match := FORBIDDEN_CHARACTERS.search(getattr(row, name) or ""):
                    code = ord(match[0])
                    kind = "control character" if code < 0x80 else "character"
                    yield Violation(
                        model._meta.label,
                        row_name(row),
                        f"Its {model._meta.get_field(name).verbose_name} holds the invisible "
                        f"{kind} U+{code:04X} at character {match.start() + 1}, which no "
                        "stored text may hold.",
                    )


def date_bound_violations(using, suspects):
    """
    Dates outside the bounds their field holds (within_date_bounds), written
    around the forms: one query a suspect model.
    """
    for model in apps.get_app_config("claims").get_models():
        fields = bounded_date_fields(model)
        if not fields or model._meta.label not in suspects:
            continue
        offenders = model._base_manager.using(using).filter(
            reduce(or_, [out_of_bounds(field) for field in fields])
        )
        for row in offenders.order_by("pk"):
            for field in fields:
                value = getattr(row, field.name)
                day = value.date() if isinstance(value, datetime) else value
                if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
                    yield Violation(
                        model._meta.label,
                        row_name(row),
                        f"Its {field.verbose_name}, {day.isoformat()}, is outside the dates "
                        f"the desk records ({day_text(EARLIEST_DATE)} to "
                        f"{day_text(LATEST_DATE)}).",
                    )


def record_violations(using):
    """
    The published record against the workflow: each claim's revisions are
    numbered from 1 and chained, each digest matching its content; a
    published claim has the one current revision, an unpublished one none;
    the revision readers see states the claim's status and holds the rules
    of what readers may see and of its verdict; and the claim's corrections
    are those its latest revision published.
    """
    revisions = defaultdict(list)
    translations = defaultdict(lambda: defaultdict(list))
    rows = Revision.objects.using(using).select_related("translation_of")
    for revision in rows.order_by("claim_id", "language", "number"):
        if revision.translation_of_id is None:
            revisions[revision.claim_id].append(revision)
        else:
            translations[revision.claim_id][revision.language].append(revision)
    corrections = defaultdict(list)
    for correction in Correction.objects.using(using).order_by("published_at", "pk"):
        corrections[correction.claim_id].append(
            {
                "kind": correction.kind,
                "note": correction.note,
                "published_at": correction.published_at,
            }
        )
    steps = set(
        ReviewEvent.objects.using(using).values_list(
            "claim_id", "created_at", "actor_id", "revision_digest"
        )
    )
    names = defaultdict(set)
    for revision_id, kind, key in RevisionName.objects.using(using).values_list(
        "revision_id", "kind", "key"
    ):
        names[revision_id].add((kind, key))
    claims = (
        Claim.objects.using(using)
        # Statuses outside the workflow are reported by their constraints.
        .filter(status__in=ClaimStatus.values, previous_status__in=[*ClaimStatus.values, ""])
        .order_by("pk")
        .values_list("pk", "slug", "status", "is_published")
    )
    for claim_id, slug, status, is_published in claims.iterator(chunk_size=CHUNK):
        chain = revisions.pop(claim_id, [])
        for problem in chain_problems(claim_id, chain, steps, names):
            yield Violation("claims.Claim", slug, problem)
        for language, translated in sorted(translations.pop(claim_id, {}).items()):
            for problem in chain_problems(claim_id, translated, steps, names, language):
                yield Violation("claims.Claim", slug, problem)
            for revision in translated:
                for problem in translation_problems(claim_id, revision):
                    yield Violation("claims.Claim", slug, problem)
        current = [revision for revision in chain if revision.is_current]
        if is_published and not current:
            yield Violation(
                "claims.Claim", slug, "It is published, but no published revision is current."
            )
        if not is_published and current:
            yield Violation(
                "claims.Claim", slug, "It is not published, but a revision of it is current."
            )
        for revision in current:
            for problem in published_record_problems(revision, status):
                yield Violation("claims.Claim", slug, problem)
        published = as_document(chain[-1].document["corrections"]) if chain else []
        if as_document(corrections.pop(claim_id, [])) != published:
            yield Violation(
                "claims.Claim",
                slug,
                "Its corrections are not those its latest revision published: one was "
                "written, rewritten or deleted outside the workflow.",
            )


def chain_problems(claim_id, chain, steps, names, language=None):
    """
    What is wrong with one claim's revisions in one language, in order of
    number: its originals, or its translations into `language`.
    """
    previous_digest = ""
    for expected, revision in enumerate(chain, start=1):
        name = f"Its revision {revision.number}"
        if language is not None:
            name = f"Its {language} translation {revision.number}"
        if revision.number != expected:
            yield f"{name} is out of sequence: revision {expected} is missing."
        if revision.previous_digest != previous_digest:
            yield f"{name} does not follow the revision before it: the chain is broken."
        if revision.digest != revision.computed_digest():
            yield (
                f"{name} is not what was published: its content does not match its digest, "
                "so it was changed outside the workflow."
            )
        elif not revision_columns_match(revision, names[revision.pk]):
            yield f"{name}'s listing columns or names do not match its document."
        step = (claim_id, revision.published_at, revision.published_by_id, revision.digest)
        if step not in steps:
            yield (
                f"{name} was published by no review event of the claim: it was written or "
                "rewritten outside the workflow."
            )
        previous_digest = revision.digest


def revision_columns_match(revision, names):
    """
    Whether the columns and names copied from a revision's document are its
    own. A translation names nothing: pages find its claim by the original.
    """
    columns = listing_columns(revision.document)
    stored = {name: getattr(revision, name) for name in columns}
    expected = set() if revision.translation_of_id else names_in(revision.document)
    return stored == columns and names == expected


def translation_problems(claim_id, revision):
    """
    What is wrong with a published translation: it translates an original
    revision of its own claim, into another language, and changes only the
    words of the record (untranslated_parts), never its rating, evidence or
    figures.
    """
    name = f"Its {revision.language} translation {revision.number}"
    original = revision.translation_of
    if original.claim_id != claim_id or original.translation_of_id is not None:
        yield f"{name} does not translate an original revision of this claim."
        return
    if original.language == revision.language:
        yield f"{name} is in the language of the original it translates."
    if untranslated_parts(revision.document) != untranslated_parts(original.document):
        yield (
            f"{name} says more than words of its original: its rating, state, evidence or "
            "figures differ from those of the revision it translates."
        )


def published_record_problems(revision, status):
    """The workflow's rules, asked of the record readers see (a current revision)."""
    record = ClaimRecord(revision.document, revision)
    if record.status != status:
        yield (
            f"Readers see it as {record.status}, but it is {status}: its status changed "
            "outside the workflow."
        )
    caveats = record.caveats
    if record.has_verdict:
        yield from VERDICT_RULES[record.status](record, record.evidence, caveats)
    yield from public_problems(record, caveats)


def audit_trail_violations(using):
    """Review events that do not tell, version by version, how each claim got its status."""
    events = ReviewEvent.objects.using(using)
    for event in events.filter(version__gt=F("claim__version")).select_related("claim"):
        yield Violation(
            "claims.ReviewEvent",
            f"{event.claim.slug} v{event.version}",
            f"Its version is later than the claim's (v{event.claim.version}).",
        )
    duplicates = (
        events.values("claim__slug", "version")
        .annotate(rows=Count("pk"))
        .filter(rows__gt=1)
        .order_by("claim__slug", "version")
    )
    for duplicate in duplicates:
        yield Violation(
            "claims.ReviewEvent",
            f"{duplicate['claim__slug']} v{duplicate['version']}",
            f"{duplicate['rows']} events share this version.",
        )

    # Every claim starts unverified; each event starts where the one before ended.
    status_after = {}
    last_change = {}
    trail = events.order_by("claim_id", "version", "pk").values_list(
        "claim_id", "claim__slug", "version", "from_status", "to_status"
    )
    for claim_id, slug, version, from_status, to_status in trail.iterator(chunk_size=CHUNK):
        before = status_after.get(claim_id, ClaimStatus.UNVERIFIED)
        if from_status != before:
            yield Violation(
                "claims.ReviewEvent",
                f"{slug} v{version}",
                f"It starts from {from_status}, but the claim was {before} before it.",
            )
        status_after[claim_id] = to_status
        if from_status != to_status:
            last_change[claim_id] = to_status
    statuses = Claim.objects.using(using).order_by("pk").values_list("pk", "slug", "status")
    for claim_id, slug, status in statuses.iterator(chunk_size=CHUNK):
        recorded = last_change.get(claim_id, ClaimStatus.UNVERIFIED)
        if status != recorded:
            yield Violation(
                "claims.Claim",
                slug,
                f"Its status is {status}, but its review events leave it {recorded}.",
            )


def row_name(row):
    """A row as a report names it: its slug, else its pk and the claim it belongs to."""
    if slug := getattr(row, "slug", ""):
        return slug
    if claim := getattr(row, "claim", None):
        return f"#{row.pk} on {claim.slug}"
    return f"#{row.pk}"
