"""The desk's roles. Each role has every permission of the one before it."""

EDITOR_PERMISSIONS = [
    "claims.add_claim",
    "claims.change_claim",
    "claims.view_claim",
    "claims.add_evidence",
    "claims.change_evidence",
    "claims.delete_evidence",
    "claims.view_evidence",
    "claims.add_caveat",
    "claims.change_caveat",
    "claims.delete_caveat",
    "claims.view_caveat",
    "claims.add_source",
    "claims.change_source",
    "claims.view_source",
    "claims.add_article",
    "claims.change_article",
    "claims.view_article",
    "claims.add_affiliation",
    "claims.change_affiliation",
    "claims.view_affiliation",
    "claims.add_topic",
    "claims.change_topic",
    "claims.view_topic",
    "claims.view_reviewevent",
    "claims.view_correction",
    "claims.add_figure",
    "claims.change_figure",
    "claims.view_figure",
    "claims.add_estimate",
    "claims.change_estimate",
    "claims.delete_estimate",
    "claims.view_estimate",
]
REVIEWER_PERMISSIONS = [*EDITOR_PERMISSIONS, "claims.review_claim"]
PUBLISHER_PERMISSIONS = [
    *REVIEWER_PERMISSIONS,
    "claims.publish_claim",
    "claims.add_correction",
    "claims.view_correction",
]

ROLES = {
    "Editors": EDITOR_PERMISSIONS,
    "Reviewers": REVIEWER_PERMISSIONS,
    "Publishers": PUBLISHER_PERMISSIONS,
}


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
