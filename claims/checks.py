"""
System checks of what the desk needs from its database: that PostgreSQL can
read Hangul, so that Korean words reach the search index.

PostgreSQL's text search reads non-ASCII letters as letters under a `C`
LC_CTYPE too, but a database whose encoding is not UTF-8 (SQL_ASCII) drops
Hangul from the document, and under a `C` or other non-UTF-8 LC_CTYPE any
trigram index (pg_trgm) is blind to it: "in C locale only basic ASCII letters
and digits will be recognized as word constituents".
"""

from django.core.checks import Tags, Warning, register
from django.db import connections

# A Korean word the search index must keep: 북한군 (the North Korean army).
HANGUL_PROBE = "\ubd81\ud55c\uad70"


def hangul_problems(ctype, encoding, indexed):
    """
    What keeps Hangul from an index, in words, given the database's LC_CTYPE,
    its encoding and whether to_tsvector kept the probe word (`indexed`).
    """
    problems = []
    if not indexed:
        problems.append(
            f"the text search index drops Hangul (encoding {encoding}, LC_CTYPE {ctype!r}): "
            "Korean searches find nothing"
        )
    if not ctype.replace("-", "").lower().endswith(".utf8"):
        problems.append(
            f"LC_CTYPE {ctype!r} is not a UTF-8 locale: a trigram (pg_trgm) index would not "
            "see Hangul"
        )
    return problems


@register(Tags.database)
def check_database_reads_hangul(app_configs, databases=None, **kwargs):
    """factcheck.W010: a PostgreSQL database whose LC_CTYPE or encoding would blind an index."""
    warnings = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT datctype, pg_encoding_to_char(encoding), "
                "position(%s in to_tsvector('simple', %s)::text) > 0 "
                "FROM pg_database WHERE datname = current_database()",
                [HANGUL_PROBE, HANGUL_PROBE],
            )
            ctype, encoding, indexed = cursor.fetchone()
        for problem in hangul_problems(ctype, encoding, indexed):
            warnings.append(
                Warning(
                    f"Database {alias!r}: {problem}.",
                    hint="Create the database with ENCODING 'UTF8' and a UTF-8 LC_CTYPE "
                    "(createdb --encoding=UTF8 --lc-ctype=C.UTF-8 --template=template0), "
                    "then restore into it.",
                    id="factcheck.W010",
                )
            )
    return warnings
