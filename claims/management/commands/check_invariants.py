from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from claims.invariants import find_violations
from claims.models import Claim


class Command(BaseCommand):
    help = (
        "Check every invariant of the desk across the database. Exits non-zero, "
        "naming each offending row and the rule it breaks, when any fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, choices=tuple(connections))

    def handle(self, *args, database, **options):
        violations = find_violations(using=database)
        if violations:
            for violation in violations:
                self.stderr.write(str(violation))
            raise CommandError(f"{len(violations)} invariant violation(s), listed above.")
        count = Claim.objects.using(database).count()
        self.stdout.write(f"All {count} claims hold every invariant.")
