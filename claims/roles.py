"""
The desk's role groups: each holds exactly the permissions claims.permissions
lists for it, given again after every `migrate` (and `flush`), so a change to
a role is a change to that list and nothing else.
"""

from django.apps import apps as global_apps

from claims.permissions import ROLES


def sync_roles(group_model, permission_model):
    """
    Create the role groups and give each exactly its permissions.

    A permission of a model the database does not have yet is left out; a
    permission of a model that exists must exist, so a misspelt name fails.
    """
    content_types = permission_model._meta.get_field("content_type").related_model.objects
    for group_name, permission_names in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        permissions = []
        for permission_name in permission_names:
            app_label, codename = permission_name.split(".")
            model = codename.split("_", 1)[1]
            if not content_types.filter(app_label=app_label, model=model).exists():
                continue
            permissions.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def sync_roles_after_migrate(app_config, apps=global_apps, **kwargs):
    """
    post_migrate: runs after Django's own receiver has created the permissions
    of any model the migration added, on the models as migrated (`flush`
    sends no `apps`: the models as they are).
    """
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
