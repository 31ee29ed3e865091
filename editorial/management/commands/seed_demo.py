from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from editorial.demo.content import DEMO_PASSWORD, USERS
from editorial.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Create the demo users, board, sources and articles (idempotent; never in production)."

    def handle(self, *args, **options) -> None:
        if getattr(settings, "ENVIRONMENT", "") == "production":
            raise CommandError("seed_demo refuses to run under production settings.")
        created = seed_demo()
        if created:
            self.stdout.write(f"Created {len(created)} demo objects.")
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, _email, groups in USERS:
            self.stdout.write(f"  {username:<11} {first} {last} ({', '.join(groups)})")
        self.stdout.write(
            "\nOpen http://127.0.0.1:8000/ (readers), /author/ (authors), /admin/ (board, editors)."
        )
