from django.core.management.base import BaseCommand, CommandError

from claims.caching import public_content_changed
from claims.edge import PurgeFailed
from claims.purges import edge_enabled, purge_everything


class Command(BaseCommand):
    help = (
        "Retire every cached public page: in the page cache (a new site-wide content "
        "version) and at the edge (a purge of the key every page carries)."
    )

    def handle(self, *args, **options):
        # The new version also queues the edge purge, which the worker retries
        # if the edge cannot be reached now.
        public_content_changed()
        self.stdout.write("Every page in the page cache is retired.")
        if not edge_enabled():
            self.stdout.write("No edge to purge (EDGE_PURGE_BACKEND=none).")
            return
        try:
            purge_everything()
        except PurgeFailed as error:
            raise CommandError(
                f"The edge was not purged: {error} The purge is queued and will be retried."
            ) from error
        self.stdout.write("Every page at the edge is purged.")
