"""
The roles exist after every migrate and flush, each with exactly the
permissions claims.permissions.ROLES lists for it.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from claims import roles
from claims.permissions import ROLES

pytestmark = pytest.mark.django_db


def test_the_three_roles_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Editors",
        "Reviewers",
        "Publishers",
    }


def test_editors_enter_claims_but_cannot_review_or_publish(editor):
    assert editor.has_perms(
        [
            "claims.add_claim",
            "claims.change_claim",
            "claims.add_evidence",
            "claims.add_caveat",
            "claims.add_source",
        ]
    )
    assert not editor.has_perm("claims.review_claim")
    assert not editor.has_perm("claims.publish_claim")
    assert not editor.has_perm("claims.add_correction")


def test_reviewers_can_also_review_but_not_publish(reviewer):
    assert reviewer.has_perms(["claims.add_claim", "claims.add_evidence", "claims.review_claim"])
    assert not reviewer.has_perm("claims.publish_claim")
    assert not reviewer.has_perm("claims.add_correction")


def test_publishers_can_also_publish_and_correct_only_through_the_workflow(publisher):
    assert publisher.has_perms(["claims.review_claim", "claims.publish_claim"])
    # A correction is the public note of a published revision, never typed in alone.
    assert not publisher.has_perm("claims.add_correction")
    assert not publisher.has_perm("claims.change_correction")
    assert publisher.has_perms(["claims.view_correction", "claims.view_revision"])


def test_review_events_are_read_only_for_every_role(editor, reviewer, publisher):
    for user in [editor, reviewer, publisher]:
        assert user.has_perm("claims.view_reviewevent")
        assert not user.has_perm("claims.change_reviewevent")
        assert not user.has_perm("claims.delete_reviewevent")
        assert not user.has_perm("claims.add_reviewevent")


def role_permissions():
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.filter(name__in=ROLES).prefetch_related(
            "permissions__content_type"
        )
    }


def test_every_role_holds_exactly_the_permissions_its_list_names():
    assert role_permissions() == {name: set(names) for name, names in ROLES.items()}


def test_a_role_changed_by_hand_is_put_back_by_the_next_migrate():
    editors = Group.objects.get(name="Editors")
    editors.permissions.remove(*editors.permissions.filter(codename="add_claim"))
    editors.permissions.add(*Group.objects.get(name="Publishers").permissions.all())
    Group.objects.filter(name="Translators").delete()

    call_command("migrate", verbosity=0)

    assert role_permissions() == {name: set(names) for name, names in ROLES.items()}


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_has_its_roles_again():
    call_command("flush", interactive=False, verbosity=0)

    assert role_permissions() == {name: set(names) for name, names in ROLES.items()}


def test_a_role_naming_a_permission_that_does_not_exist_fails_by_name(monkeypatch):
    misspelt = {**ROLES, "Editors": [*ROLES["Editors"], "claims.publsh_claim"]}
    monkeypatch.setattr(roles, "ROLES", misspelt)

    with pytest.raises(Permission.DoesNotExist, match="'Editors'.*'claims.publsh_claim'"):
        roles.sync_roles(Group, Permission)

    assert role_permissions() == {name: set(names) for name, names in ROLES.items()}
