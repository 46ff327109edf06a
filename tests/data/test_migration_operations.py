"""
The migrations describe the models exactly, and the desk's own operation
(claims.migration_operations) changes the state as the AlterFields it
stands for would.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection, migrations
from django.db.migrations.loader import MigrationLoader

from claims.migration_operations import AlterFieldsOfModel

BEFORE_LABELS = ("claims", "0023_reader_hears_answer_to_request")
LABELS = "0024_field_names_in_every_language"


@pytest.fixture(autouse=True)
def migrations_of_the_apps(settings):
    # The SQLite test database is built from the models (tests/conftest.py).
    settings.MIGRATION_MODULES = {}


def test_the_migrations_describe_the_models_as_they_are(db):
    out = io.StringIO()
    call_command("makemigrations", check=True, dry_run=True, stdout=out)
    assert out.getvalue().strip() == "No changes detected"


def fields_of(state, model):
    return {
        name: field.deconstruct()[1:]
        for name, field in state.models["claims", model].fields.items()
    }


def test_altering_fields_together_gives_the_state_each_alterfield_would(db):
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    grouped = loader.get_migration("claims", LABELS).operations
    alter_many = [op for op in grouped if isinstance(op, AlterFieldsOfModel)]
    # Relations (a ForeignKey's label) and plain fields both.
    assert any(field.is_relation for op in alter_many for _, field in op.fields)
    together = loader.project_state(BEFORE_LABELS)
    one_by_one = together.clone()
    for operation in alter_many:
        operation.state_forwards("claims", together)
        for name, field in operation.fields:
            migrations.AlterField(operation.model_name, name, field).state_forwards(
                "claims", one_by_one
            )
    for operation in alter_many:
        model = operation.model_name_lower
        assert fields_of(together, model) == fields_of(one_by_one, model)
    # The rendered models agree too, labels included.
    for operation in alter_many:
        rendered = together.apps.get_model("claims", operation.model_name)
        for name, field in operation.fields:
            assert rendered._meta.get_field(name).verbose_name == field.verbose_name
