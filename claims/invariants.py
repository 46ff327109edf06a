"""
Every invariant of the desk, checked across the database.

find_violations() is what `manage.py check_invariants` reports and what
`manage.py loaddata` refuses to commit. The rules are not restated here: row
rules are the models' own check constraints, re-run as queries, and workflow
rules are Claim.state_problems(), the transitions' own guards; the text rule
(claims.constraints.no_control_characters) is asked of every stored text
field, whether or not its form refuses such text, and the date bounds
(claims.constraints.within_date_bounds) of every date field that has them.
Only the audit
trail's consistency is spelled out here, because it spans rows no model owns:
among it, that the text readers see of a claim on the record is the text its
last audited step left (Claim.reader_fingerprint), which catches a queryset
update() or a hand edit that went around Claim.revise().
"""

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
    OuterRef,
    Prefetch,
    Q,
    Subquery,
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
from claims.models import Claim, Evidence, ReviewEvent

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
        *workflow_violations(using),
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


def workflow_violations(using):
    """
    Verdicts the evidence no longer supports, public claims readers may not
    see, and claims on the record whose reader-facing text changed outside
    the workflow.
    """
    last_event = ReviewEvent.objects.filter(claim=OuterRef("pk")).order_by("-version")
    claims = (
        Claim.objects.using(using)
        .filter(Q(status__in=ClaimStatus.verdicts()) | Q(is_published=True))
        # Statuses outside the workflow are reported by their constraints.
        .filter(status__in=ClaimStatus.values, previous_status__in=[*ClaimStatus.values, ""])
        .select_related("claimant", "appeared_in", "topic")
        .annotate(
            recorded_fingerprint=Subquery(last_event.values("reader_fingerprint")[:1]),
            recorded_version=Subquery(last_event.values("version")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.with_origins(),
            ),
            "caveats",
        )
        .order_by("pk")
    )
    for claim in claims.iterator(chunk_size=CHUNK):
        for problem in claim.state_problems():
            yield Violation("claims.Claim", claim.slug, problem)
        if claim.recorded_version is None:
            yield Violation(
                "claims.Claim",
                claim.slug,
                "It is on the record, but no review event records what readers see of it.",
            )
        elif claim.recorded_fingerprint != claim.reader_fingerprint:
            yield Violation(
                "claims.Claim",
                claim.slug,
                "What readers see of it (headline, wording, claimant, date, appearance, "
                "topic or summary) is not what its last review event "
                f"(v{claim.recorded_version}) recorded: it changed outside the workflow. "
                "Restore it, or change it with a revision.",
            )


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
