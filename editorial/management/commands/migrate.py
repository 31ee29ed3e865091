"""`manage.py migrate` as the owner role (issue 15), then the runtime role's grants.

With DATABASE_OWNER_URL set, the default connection logs in as the owner for the migration
(same database) and back as the runtime role afterwards; post_migrate grants the runtime role
(the user of DATABASE_URL) what it needs (editorial.audit.grants). Without it, Django's own
migrate runs unchanged as DATABASE_URL's role.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections

OWNER_LOGIN = ("USER", "PASSWORD", "HOST", "PORT")


@contextmanager
def owner_login(alias: str) -> Iterator[None]:
    """Log the connection in as DATABASE_OWNER_URL's role for the block (nothing if unset)."""
    owner = getattr(settings, "DATABASE_OWNER", None)
    connection = connections[alias]
    if (
        not owner
        or alias != DEFAULT_DB_ALIAS
        or connection.settings_dict.get("USER") == owner.get("USER")
    ):
        yield
        return
    saved = {key: connection.settings_dict.get(key) for key in OWNER_LOGIN}
    connection.close()
    connection.settings_dict.update({key: owner.get(key, "") for key in OWNER_LOGIN})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Runs as DATABASE_OWNER_URL's role when that is set."

    def handle(self, *args: Any, **options: Any) -> None:
        with owner_login(options["database"]):
            super().handle(*args, **options)
