from django.core.management.base import BaseCommand, CommandError

from claims.edge import PurgeFailed
from claims.models import PendingPurge
from claims.purges import deliver_pending


class Command(BaseCommand):
    help = "Send the edge every purge still pending (the task worker does so after each change)."

    def handle(self, *args, **options):
        try:
            delivered = deliver_pending()
        except PurgeFailed as error:
            pending = PendingPurge.objects.count()
            raise CommandError(f"{error} {pending} keys are still pending.") from error
        self.stdout.write(f"Purged {delivered} keys at the edge.")
