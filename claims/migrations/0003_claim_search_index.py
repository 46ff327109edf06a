"""
Reader search on PostgreSQL: a stored, generated tsvector column and its GIN
index. SQLite gets neither (it searches with LIKE); the model does not declare
the column, so nothing outside claims/search.py knows it exists.

Why a stored column rather than an index on to_tsvector(...): PostgreSQL
prices to_tsvector far below its real cost, so with an expression index it
recomputes the vector row by row (seconds at 100,000 claims) to filter and to
rank instead of using the index; a stored vector is cheap to test and to rank.

PostgreSQL refuses to change the type of a column a generated column reads:
a migration altering headline, wording or verdict_summary must drop
search_document first and add it back after (run REVERSE_SQL, then SQL).
"""

from django.db import migrations

SQL = [
    """
    ALTER TABLE claims_claim ADD COLUMN search_document tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(headline, '')), 'A')
        || setweight(to_tsvector('english', coalesce(wording, '')), 'B')
        || setweight(to_tsvector('english', coalesce(verdict_summary, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX claims_claim_search ON claims_claim USING gin (search_document)",
]
REVERSE_SQL = [
    "DROP INDEX IF EXISTS claims_claim_search",
    "ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_document",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_roles")]

    operations = [migrations.RunPython(run(SQL), run(REVERSE_SQL), elidable=False)]
