"""Create the three groups with their model permissions.

Object-level rules (own articles only, editable states, decisions by the assignee) are
enforced in editorial.permissions and the workflow; these are the coarse admin permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
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
        "reviewers": {"specialty": ["view"], "boardmember": ["view"]},
    },
    "Editors": {
        "articles": {
            "article": ["add", "change", "view", "delete"],
            "section": ["add", "change", "view", "delete"],
            "citation": ["add", "change", "view", "delete"],
            "source": ["add", "change", "view", "delete"],
        },
        "reviewers": {
            "specialty": ["add", "change", "view", "delete"],
            "boardmember": ["add", "change", "view"],
            "reviewassignment": ["view"],
        },
    },
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
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


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("articles", "0002_initial"),
        ("reviewers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
