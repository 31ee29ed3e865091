from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial"

    def ready(self) -> None:
        from editorial.role_setup import ensure_roles_after_migrate

        post_migrate.connect(ensure_roles_after_migrate, sender=self)
        # audit trail (issue 9): chain history rows, refuse rewrites, install the PG triggers
        from editorial import signals

        signals.connect()
