from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make a desk ready to serve, as `make run` and `make edge` do: apply the "
        "migrations, load the seed story into an empty desk, give the demo users "
        "fresh passwords and print them, and (with --daily-round) queue the task "
        "worker's daily round. One process instead of four starts the desk 1–2 s "
        "sooner."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")
        parser.add_argument(
            "--daily-round",
            action="store_true",
            help="Also queue the daily round (for a desk whose task worker runs).",
        )

    def handle(self, *args, url, daily_round, verbosity, **options):
        # Each command writes to this one's streams itself: wrapped again in
        # an OutputWrapper, migrate's "Applying …" and its " OK" would fall on
        # two lines.
        output = {"stdout": self.stdout._out, "stderr": self.stderr._out, "verbosity": verbosity}
        # skip_checks=False: the system checks run, as `manage.py migrate` runs them.
        call_command("migrate", interactive=False, skip_checks=False, **output)
        call_command("seed", **output)
        call_command("demo_logins", url=url, **output)
        if daily_round:
            call_command("schedule_daily_tasks", **output)
