"""
Reader search on PostgreSQL reads numbers without their thousands separators,
as claims.search reads queries: "4,700" is indexed as 4700. And the sources'
names get a text index, for the claimant half of a search.

The generated column of 0003 is replaced (PostgreSQL cannot change a generated
column's expression in place before version 17). SQLite has neither column.
"""

from importlib import import_module

from django.db import migrations

OLD = import_module("claims.migrations.0003_claim_search_index")
# claims.search.THOUSANDS_SEPARATOR, as it was when this migration was written.
THOUSANDS_SEPARATOR = r"(\d)[,\u00a0\u202f](?=\d{3}(?:\D|$))"


def numbers_normalised(field):
    # regexp_replace is immutable, as a generated column requires.
    return f"regexp_replace(coalesce({field}, ''), '{THOUSANDS_SEPARATOR}', '\\1', 'g')"


SQL = [
    *OLD.REVERSE_SQL,
    f"""
    ALTER TABLE claims_claim ADD COLUMN search_document tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english', {numbers_normalised("headline")}), 'A')
        || setweight(to_tsvector('english', {numbers_normalised("wording")}), 'B')
        || setweight(to_tsvector('english', {numbers_normalised("verdict_summary")}), 'C')
    ) STORED
    """,
    "CREATE INDEX claims_claim_search ON claims_claim USING gin (search_document)",
    # Claimants' names, as claims.search matches them (SearchVector("name")).
    """
    CREATE INDEX claims_source_name_search ON claims_source
    USING gin (to_tsvector('english'::regconfig, coalesce(name, '')))
    """,
]
REVERSE_SQL = [
    "DROP INDEX IF EXISTS claims_source_name_search",
    *OLD.REVERSE_SQL,
    *OLD.SQL,
]


class Migration(migrations.Migration):
    dependencies = [("claims", "0005_url_schemes_any_case")]

    operations = [migrations.RunPython(OLD.run(SQL), OLD.run(REVERSE_SQL), elidable=False)]
