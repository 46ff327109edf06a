"""
Review events record a fingerprint of what readers see of the claim, and the
desk gains its "revise" step.
"""

import hashlib
import json

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# Claim.READER_FACING_FIELDS as of this migration.
READER_FACING_FIELDS = (
    "headline",
    "wording",
    "claimant",
    "made_on",
    "appeared_in",
    "appearance_url",
    "topic",
    "verdict_summary",
)


def fingerprint(claim):
    """claims.models.reader_fingerprint, frozen as of this migration."""
    values = []
    for name in READER_FACING_FIELDS:
        value = getattr(claim, name)
        if isinstance(value, models.Model):
            value = [value.slug]
        values.append(value)
    canonical = json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def stamp_latest_events(apps, schema_editor):
    """
    Each claim's latest review event records the claim's text as it is now.
    Whatever happened to it before cannot be known any more; from here on,
    a change made around the workflow shows up in check_invariants.
    """
    Claim = apps.get_model("claims", "Claim")
    ReviewEvent = apps.get_model("claims", "ReviewEvent")
    latest = ReviewEvent.objects.filter(claim=OuterRef("pk")).order_by("-version")
    claims = (
        Claim.objects.select_related("claimant", "appeared_in", "topic")
        .annotate(latest_event=Subquery(latest.values("pk")[:1]))
        .filter(latest_event__isnull=False)
    )
    stamped = [
        ReviewEvent(pk=claim.latest_event, reader_fingerprint=fingerprint(claim))
        for claim in claims.iterator(chunk_size=2000)
    ]
    ReviewEvent.objects.bulk_update(stamped, ["reader_fingerprint"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_review_event_public_note"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="reviewevent",
            name="claims_reviewevent_action_valid",
        ),
        migrations.AddField(
            model_name="reviewevent",
            name="reader_fingerprint",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Claim.reader_fingerprint as this step left it.",
                max_length=64,
            ),
        ),
        migrations.AlterField(
            model_name="reviewevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Entered"),
                    ("start_review", "Review started"),
                    ("corroborate", "Corroborated"),
                    ("dispute", "Disputed"),
                    ("refute", "Rated false"),
                    ("mark_unverifiable", "Rated unverifiable"),
                    ("reopen", "Reopened"),
                    ("publish", "Published"),
                    ("unpublish", "Unpublished"),
                    ("revise", "Revised"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "action__in",
                        [
                            "create",
                            "start_review",
                            "corroborate",
                            "dispute",
                            "refute",
                            "mark_unverifiable",
                            "reopen",
                            "publish",
                            "unpublish",
                            "revise",
                        ],
                    )
                ),
                name="claims_reviewevent_action_valid",
            ),
        ),
        migrations.RunPython(stamp_latest_events, migrations.RunPython.noop),
    ]
