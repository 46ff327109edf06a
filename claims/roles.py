"""
The desk's role groups, created by migrations (0002_roles, 0006_figures_and_estimates):
each holds the permissions claims.permissions lists for it.
"""

from claims.permissions import ROLES


def sync_roles(group_model, permission_model):
    """
    Create the role groups and give each exactly its permissions.

    Run by migrations as the models arrive: a permission of a model that a
    later migration creates is left out until that migration runs this again.
    A permission of a model that exists must exist, so a misspelt name fails.
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
