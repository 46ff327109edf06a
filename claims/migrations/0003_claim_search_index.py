"""
A GIN index for reader search, on PostgreSQL only (SQLite searches with LIKE).

The indexed expression must stay identical to claims.search.SEARCH_VECTOR, or
PostgreSQL will not use the index; tests/test_search.py checks the query plan.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(
    SearchVector("headline", "wording", "verdict_summary", config="english"),
    name="claims_claim_search",
)


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("claims", "Claim"), INDEX)


def remove_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("claims", "Claim"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_roles")]

    operations = [migrations.RunPython(add_search_index, remove_search_index, elidable=False)]
