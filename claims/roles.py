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
    Every flush of a test database runs this again, so the permissions are
    read in one query, not one a name.
    """
    content_types = permission_model._meta.get_field("content_type").related_model.objects
    models_present = set(content_types.values_list("app_label", "model"))
    named = {name for names in ROLES.values() for name in names}
    permissions = {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in permission_model.objects.select_related("content_type").filter(
            codename__in={name.split(".")[1] for name in named}
        )
    }
    for group_name, permission_names in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        chosen = []
        for permission_name in permission_names:
            app_label, codename = permission_name.split(".")
            if (app_label, codename.split("_", 1)[1]) not in models_present:
                continue
            if permission_name not in permissions:
                raise permission_model.DoesNotExist(
                    f"The role {group_name!r} names the permission {permission_name!r}, "
                    "which does not exist."
                )
            chosen.append(permissions[permission_name])
        group.permissions.set(chosen)


def sync_roles_after_migrate(app_config, apps=global_apps, **kwargs):
    """
    post_migrate: runs after Django's own receiver has created the permissions
    of any model the migration added, on the models as migrated (`flush`
    sends no `apps`: the models as they are).
    """
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
