from django.contrib.auth.management import create_permissions
from django.db import migrations

from claims.roles import sync_roles


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations have run; the
    # groups need them now. The migration state's app config lacks
    # models_module, which create_permissions uses only as an "app has models"
    # flag.
    app_config = apps.get_app_config("claims")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Editors", "Reviewers", "Publishers"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
