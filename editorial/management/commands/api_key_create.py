"""`manage.py api_key_create --client NAME --user USERNAME --scopes drafts:write,articles:read`
(contract): creates the API client if needed and prints a new key alone on the last line."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from editorial.api.keys import SCOPES, api_client_ensure, api_key_issue


class Command(BaseCommand):
    help = "Create an API client if needed and print a new key (shown once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--client", required=True, help="The client's name.")
        parser.add_argument("--user", required=True, help="The username it acts as.")
        parser.add_argument(
            "--scopes", required=True, help=f"Comma-separated: {', '.join(SCOPES)}."
        )

    def handle(self, *args, client: str, user: str, scopes: str, **options) -> None:
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user {user!r}.")
        try:
            api_client = api_client_ensure(name=client.strip(), user=account, scopes=scopes)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        key = api_key_issue(client=api_client)
        self.stdout.write(
            f"API client {api_client.name} acts as {account.username} with scopes "
            f"{', '.join(api_client.scopes)}. The key is shown this once:"
        )
        self.stdout.write(key)
