"""Load the seed story into an empty desk, and leave a desk that has data alone."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from claims.models import Claim, Source

SEED = settings.BASE_DIR / "fixtures" / "seed.json"


def desk_has_data():
    """Whether anyone has entered (or loaded) claims or sources."""
    return Claim.objects.exists() or Source.objects.exists()


class Command(BaseCommand):
    help = (
        "Load the seed story (fixtures/seed.json) when the desk is empty. A desk "
        "with claims or sources is left alone, so that work done since, such as "
        "a verdict on a seeded claim, is kept and `make run` starts every time."
    )

    def handle(self, *args, verbosity, **options):
        if desk_has_data():
            self.stdout.write(
                "The desk already has claims or sources, so the seed was not loaded. "
                'To start afresh, see "Starting afresh" in README.md.'
            )
            return
        call_command("loaddata", str(SEED), verbosity=verbosity, stdout=self.stdout)
