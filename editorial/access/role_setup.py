"""The three groups and their coarse admin permissions, ensured idempotently.

Called by the data migration that creates them and after every migrate/flush (post_migrate),
so a database flushed by tests or by `manage.py flush` gets its roles back. Object-level rules
(own articles only, editable states, decisions by the assignee) live in
editorial.workflow.permissions.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

ROLE_PERMISSIONS: dict[str, dict[str, dict[str, list[str]]]] = {
    "Authors": {
        "articles": {
            "article": ["add", "change", "view", "delete"],
            "section": ["add", "change", "view", "delete"],
            "citation": ["add", "change", "view", "delete"],
            "source": ["add", "view"],
        },
        "reviewers": {"specialty": ["view"]},
    },
    "Board reviewers": {
        "articles": {
            "article": ["view"],
            "section": ["view"],
            "citation": ["view"],
            "source": ["view"],
        },
        "reviewers": {"specialty": ["view"], "boardmember": ["view"], "disclosure": ["view"]},
    },
    "Editors": {
        "articles": {
            "article": ["add", "change", "view", "delete"],
            "section": ["add", "change", "view", "delete"],
            "citation": ["add", "change", "view", "delete"],
            "source": ["add", "change", "view", "delete"],
            # staleness (issue 6): record versions; resolve flags; edit the beat schedules
            "sourceversion": ["add", "view"],
        },
        "reviewers": {
            "specialty": ["add", "change", "view", "delete"],
            "boardmember": ["add", "change", "view"],
            "disclosure": ["add", "change", "view", "delete"],  # inline on the board member
            "reviewassignment": ["view"],
            "authorprofile": ["add", "change", "view"],  # the byline's credentials
        },
        "editorial": {
            "stalenessflag": ["view", "change"],
            # email (issue 7): everyone's preferences; who was sent what
            "notificationpreference": ["add", "change", "view"],
            "reportdelivery": ["view"],
            "notificationdelivery": ["view"],
            # outbox (issue 16): see what is owed and why a row died; requeue it
            "outboxmessage": ["view", "change"],
            # the API (issue 18): clients and keys, webhook subscriptions, deliveries (replay)
            "apiclient": ["add", "change", "view"],
            "apikey": ["change", "view"],
            "webhooksubscription": ["add", "change", "view", "delete"],
            "webhookdelivery": ["change", "view"],
            "webhookattempt": ["view"],
            # reader feedback (issue 21): triage through editorial.feedback.feedback_resolve
            "readerfeedback": ["view", "change"],
        },
        "django_celery_beat": {
            "periodictask": ["view", "change"],
            "crontabschedule": ["add", "view", "change"],
        },
    },
}


def ensure_roles(apps) -> None:
    """Create the groups and grant their permissions (missing permissions are created first)."""
    for app_config in apps.get_app_configs():
        if app_config.label in ("articles", "reviewers", "editorial"):
            # migration state apps are stubs without models_module; create_permissions
            # skips an app whose models_module is falsy
            previous = getattr(app_config, "models_module", None)
            app_config.models_module = previous or True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, by_app in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, by_model in by_app.items():
            for model, actions in by_model.items():
                codenames = [f"{action}_{model}" for action in actions]
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=app_label, codename__in=codenames
                    )
                )


def ensure_roles_after_migrate(sender, apps=None, **kwargs) -> None:
    """post_migrate receiver: migrate and flush both end here."""
    ensure_roles(apps or global_apps)
