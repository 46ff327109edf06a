"""
Created the role groups. Since 0022 the roles are given their permissions
after every migrate (claims.roles.sync_roles_after_migrate), so this
migration no longer does anything of its own.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = []
