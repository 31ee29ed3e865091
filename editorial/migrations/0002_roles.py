"""Create the three groups with their model permissions.

Object-level rules (own articles only, editable states, decisions by the assignee) are
enforced in editorial.workflow.permissions and the workflow; these are the coarse admin permissions.
"""

from django.db import migrations

from editorial.access.role_setup import ROLE_PERMISSIONS, ensure_roles

def create_roles(apps, schema_editor):
    ensure_roles(apps)


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
