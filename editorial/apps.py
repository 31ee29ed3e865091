from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial"

    def ready(self) -> None:
        # audit trail (issue 9): chain history rows, refuse rewrites, install the PG triggers
        from editorial import signals

        signals.connect()
