"""
Two kinds of note on a review event: `note`, internal, and `public_note`, for readers.

Until now the public timeline showed every note. From here on `note` is for
the audit trail only, and only `public_note` reaches a public page.
"""

from django.db import migrations, models


def keep_existing_notes_internal(apps, schema_editor):
    """
    Existing notes stay internal: none is copied to `public_note`. Some were
    written for colleagues (where a tip came from, a lawyer's advice), and what
    readers were told of a verdict change is already in its Correction, which
    stays as it is. The column starts empty; this says so for any row that
    somehow has one.
    """
    ReviewEvent = apps.get_model("claims", "ReviewEvent")
    ReviewEvent.objects.exclude(public_note="").update(public_note="")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_figures_and_estimates"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewevent",
            name="public_note",
            field=models.TextField(
                blank=True, help_text="Shown to readers in the claim's public review timeline."
            ),
        ),
        migrations.AlterField(
            model_name="reviewevent",
            name="note",
            field=models.TextField(
                blank=True,
                help_text="The audit trail only: never shown to readers.",
                verbose_name="internal note",
            ),
        ),
        migrations.RunPython(keep_existing_notes_internal, migrations.RunPython.noop),
    ]
