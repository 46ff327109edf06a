"""
Migration operations of the desk's own, for what Django's take too long to
replay: every `migrate` of a new database (each test run, each new
deployment) replays the whole history in memory.
"""

from django.db import migrations
from django.db.migrations.utils import field_is_referenced


class AlterFieldsOfModel(migrations.operations.base.Operation):
    """
    Several AlterFields of one model, in one step: the same changes to the
    database, but the model's state is rendered once rather than once for
    each field. Renaming ~150 fields' labels one AlterField at a time took
    more than a third of a new database's `migrate`.
    """

    reversible = True

    def __init__(self, model_name, fields):
        self.model_name = model_name
        self.fields = fields

    def deconstruct(self):
        return (self.__class__.__name__, [], {"model_name": self.model_name, "fields": self.fields})

    @property
    def model_name_lower(self):
        return self.model_name.lower()

    def state_forwards(self, app_label, state):
        # ProjectState.alter_field, less the render it does after each field.
        model_key = (app_label, self.model_name_lower)
        fields = state.models[model_key].fields
        relations_changed = any(
            field.is_relation or fields[name].is_relation for name, field in self.fields
        )
        for name, field in self.fields:
            fields[name] = field
        if relations_changed:
            # The state's index of relations, built again from the fields.
            state.resolve_fields_and_relations()
        # Related models are rendered again only where Django's AlterField
        # would: a relation changed, or a field other models point to.
        delay = not relations_changed and not any(
            field_is_referenced(state, model_key, (name, field)) for name, field in self.fields
        )
        state.reload_model(*model_key, delay=delay)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        to_model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, to_model):
            return
        from_model = from_state.apps.get_model(app_label, self.model_name)
        for name, _field in self.fields:
            schema_editor.alter_field(
                from_model, from_model._meta.get_field(name), to_model._meta.get_field(name)
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self.database_forwards(app_label, schema_editor, from_state, to_state)

    def references_model(self, name, app_label):
        return name.lower() == self.model_name_lower or any(
            migrations.AlterField(self.model_name, field_name, field).references_model(
                name, app_label
            )
            for field_name, field in self.fields
        )

    def describe(self):
        return f"Alter {len(self.fields)} fields of {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"alter_fields_of_{self.model_name_lower}"
