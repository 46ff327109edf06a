from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import ngettext

from claims.invariants import find_violations
from claims.models import Claim

# Where the benchmark's bench_fill records that it filled the database with
# synthetic claims (bench.models.SyntheticFill). Read by name, because the
# bench app is installed only under the benchmark's settings.
SYNTHETIC_FILL_TABLE = "bench_syntheticfill"


def synthetic_fill(using):
    """(when, how many claims) of the benchmark fill that made this database, or None."""
    connection = connections[using]
    if SYNTHETIC_FILL_TABLE not in connection.introspection.table_names():
        return None
    table = connection.ops.quote_name(SYNTHETIC_FILL_TABLE)
    with connection.cursor() as cursor:
        # The table name is the constant above, not input.
        cursor.execute(f"SELECT filled_at, claims FROM {table} ORDER BY filled_at LIMIT 1")  # noqa: S608
        return cursor.fetchone()


class Command(BaseCommand):
    help = (
        "Check every invariant of the desk across the database. Exits non-zero, "
        "naming each offending row and the rule it breaks, when any fails, or "
        "saying so when the database holds the benchmark's synthetic data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, choices=tuple(connections))

    def handle(self, *args, database, **options):
        if fill := synthetic_fill(database):
            filled_at, claims = fill
            raise CommandError(
                f"Not checked: this is a synthetic benchmark database. bench_fill "
                f"bulk-inserted {claims:,} claims on {str(filled_at)[:10]} without the "
                "workflow, so its rows are not meant to hold the desk's invariants. "
                "Check a database of real desk data instead."
            )
        violations = find_violations(using=database)
        if violations:
            for violation in violations:
                self.stderr.write(str(violation))
            raise CommandError(
                ngettext(
                    "%(count)d invariant violation, listed above.",
                    "%(count)d invariant violations, listed above.",
                    len(violations),
                )
                % {"count": len(violations)}
            )
        count = Claim.objects.using(database).count()
        self.stdout.write(f"All {count} claims hold every invariant.")
