"""Link format 2 (issue 22's sweep, issue 15's 10%): new links hash the row's composite text
(`row::text` under pinned output settings) instead of its jsonb text, about half the chain's
cost; every link records its format, the links written before keep format 1 (the column's
default, added without rewriting the table) and verify as they were (editorial.audit.row_text).
"""

from django.db import migrations, models


def row_text_triggers(apps, schema_editor):
    # the real functions, as migrations 0023/0024/0029 do; post_migrate re-installs the same
    from editorial.audit.pg import install_chain_triggers, install_object_chain_triggers
    from editorial.models import LinkFormat

    connection = schema_editor.connection
    install_chain_triggers(connection, link_format=LinkFormat.ROW_TEXT)
    install_object_chain_triggers(connection, link_format=LinkFormat.ROW_TEXT)


def json_triggers(apps, schema_editor):
    from editorial.audit.pg import install_chain_triggers, install_object_chain_triggers
    from editorial.models import AuditEntry, LinkFormat, ObjectAuditEntry

    # Dropping the column would leave the format 2 links verified as format 1: all broken.
    for model in (AuditEntry, ObjectAuditEntry):
        if model.objects.filter(link_format=LinkFormat.ROW_TEXT).exists():
            raise RuntimeError(
                f"{model._meta.db_table} holds links of format 2: reversing migration 0038"
                " would make every one of them fail verify_audit"
            )
    connection = schema_editor.connection
    install_chain_triggers(connection, link_format=LinkFormat.JSON)
    install_object_chain_triggers(connection, link_format=LinkFormat.JSON)


class Migration(migrations.Migration):

    dependencies = [
        ('editorial', '0037_api_history_and_anchor_receipts'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='link_format',
            field=models.SmallIntegerField(choices=[(1, 'JSON of the row'), (2, 'row text')], db_default=1, default=1),
        ),
        migrations.AddField(
            model_name='objectauditentry',
            name='link_format',
            field=models.SmallIntegerField(choices=[(1, 'JSON of the row'), (2, 'row text')], db_default=1, default=1),
        ),
        migrations.RunPython(row_text_triggers, json_triggers),
    ]
