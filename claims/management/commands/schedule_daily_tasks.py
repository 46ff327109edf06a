from django.core.management.base import BaseCommand

from claims.tasks import schedule_daily_round


class Command(BaseCommand):
    help = (
        "Queue the task worker's daily round (the digest of claims past their review-by "
        "date; old reader addresses and salts deleted; unsent emails tried again) at "
        "DAILY_TASKS_HOUR UTC, unless it is queued already. Each round queues the next."
    )

    def handle(self, *args, **options):
        if schedule_daily_round():
            self.stdout.write("The daily round is queued.")
        else:
            self.stdout.write("The daily round was queued already.")
