import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAMES = ["editor", "reviewer", "publisher", "translator"]


class Command(BaseCommand):
    help = "Give the seed's demo users fresh random passwords and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, url, **options):
        users = {
            user.username: user
            for user in get_user_model().objects.filter(username__in=DEMO_USERNAMES)
        }
        if not users:
            # A desk that was not seeded: its own staff log in as usual.
            self.stdout.write(
                f"\nNo demo users on this desk: log in at {url} with your own account "
                "(`manage.py createsuperuser` makes one).\n"
            )
            return
        self.stdout.write(f"\nDemo logins for {url}\n")
        for name, user in sorted(users.items(), key=lambda item: DEMO_USERNAMES.index(item[0])):
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
            roles = ", ".join(user.groups.values_list("name", flat=True))
            self.stdout.write(f"  {name:<10} {password}   ({roles})")
        self.stdout.write("")
