from django.contrib.auth.management import create_permissions
from django.db import migrations

from claims.roles import sync_roles


def give_roles_their_permissions(apps, schema_editor):
    """
    Every role may read published revisions; corrections are written only by
    the workflow's steps now, so publishers no longer add them by hand.
    """
    # As in 0006: the permissions of models this run created exist only
    # once create_permissions has run for them, which it does for an app
    # config that says it has models.
    app_config = apps.get_app_config("claims")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("claims", "0016_public_reads_revisions")]

    operations = [migrations.RunPython(give_roles_their_permissions, migrations.RunPython.noop)]
