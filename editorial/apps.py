from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_migrate, post_save


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial"

    def ready(self) -> None:
        # Imports here, not at the top: Django loads this module before the models exist, and
        # everything imported below imports models (Django requires ready() for this).
        from editorial.access.role_setup import ensure_roles_after_migrate
        from editorial.ops.beat_schedules import ensure_schedules_after_migrate

        post_migrate.connect(ensure_roles_after_migrate, sender=self)
        # the beat schedules of the data migrations, lost when a flush empties the tables
        post_migrate.connect(ensure_schedules_after_migrate, sender=self)
        # audit trail (issue 9): chain history rows, refuse rewrites, install the PG triggers
        from editorial.audit import signals

        signals.connect()
        # the public pages' cached board members and specialties
        # (editorial.public.selectors.directory)
        from editorial.public.selectors.directory import directory_changed

        for model in (
            "reviewers.BoardMember",
            "reviewers.Disclosure",
            "reviewers.Specialty",
            settings.AUTH_USER_MODEL,
        ):
            for signal in (post_save, post_delete):
                signal.connect(directory_changed, sender=model, dispatch_uid=f"directory-{model}")
