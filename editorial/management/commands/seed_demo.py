from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from editorial.demo.content import DEMO_PASSWORD, USERS
from editorial.demo.seed import seed_demo

CONSOLE = "django.core.mail.backends.console.EmailBackend"
FILE = "django.core.mail.backends.filebased.EmailBackend"
# The mail the demo's workflow sends (assignment and approval notices), kept out of the
# terminal so the logins stay the last thing `make run` prints.
DEMO_MAIL_DIR = Path(settings.BASE_DIR) / "tmp" / "demo-mail"


class Command(BaseCommand):
    help = "Create the demo users, board, sources and articles (idempotent; never in production)."

    def handle(self, *args, **options) -> None:
        if getattr(settings, "ENVIRONMENT", "") == "production":
            raise CommandError("seed_demo refuses to run under production settings.")
        if settings.EMAIL_BACKEND == CONSOLE:
            DEMO_MAIL_DIR.mkdir(parents=True, exist_ok=True)
            before = set(DEMO_MAIL_DIR.iterdir())
            with override_settings(EMAIL_BACKEND=FILE, EMAIL_FILE_PATH=str(DEMO_MAIL_DIR)):
                created = seed_demo()
            written = len(set(DEMO_MAIL_DIR.iterdir()) - before)
            mail_note = f"The demo's workflow sent {written} email(s): see {DEMO_MAIL_DIR}/."
        else:
            created = seed_demo()
            mail_note = "The demo's workflow emails went to EMAIL_URL."
        if created:
            self.stdout.write(f"Created {len(created)} demo objects. {mail_note}")
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, _email, groups in USERS:
            self.stdout.write(f"  {username:<11} {first} {last} ({', '.join(groups)})")
        self.stdout.write(
            "\nOpen http://127.0.0.1:8000/ (readers), /author/ (authors), /admin/ (board, editors)."
        )
