"""A system check warns when the database could not index Hangul, and says how to fix it."""

import pytest
from django.core.checks import run_checks
from django.db import connection

from claims.checks import hangul_problems


def test_a_database_that_drops_hangul_or_has_no_utf8_ctype_is_named():
    assert hangul_problems("C.UTF-8", "UTF8", True) == []
    assert hangul_problems("ko_KR.utf8", "UTF8", True) == []
    [trigrams] = hangul_problems("C", "UTF8", True)
    assert "LC_CTYPE 'C' is not a UTF-8 locale" in trigrams
    dropped, _ = hangul_problems("C", "SQL_ASCII", False)
    assert "the text search index drops Hangul (encoding SQL_ASCII" in dropped


@pytest.mark.django_db
def test_the_check_runs_against_the_database_and_passes_here():
    warnings = [
        message
        for message in run_checks(databases=["default"], include_deployment_checks=False)
        if message.id == "factcheck.W010"
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
            [ctype] = cursor.fetchone()
        assert warnings == [] or "utf" not in ctype.lower()
    else:
        assert warnings == []
