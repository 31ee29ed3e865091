# Performance (issue 2) without weakening issue 9: on PostgreSQL the hash chain is appended
# by an AFTER INSERT trigger on each history table (editorial.audit.pg), not by a Python
# signal doing four round trips per history row. post_migrate re-installs it after later
# migrations, so history tables added later are chained too. 0024 replaces the per-row
# trigger by a per-statement one.

from django.db import migrations


def install(apps, schema_editor):
    from editorial.audit.pg import install_chain_triggers

    install_chain_triggers(schema_editor.connection, per_statement=False)


def uninstall(apps, schema_editor):
    from editorial.audit.pg import uninstall_chain_triggers

    uninstall_chain_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0022_audit_schedule"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
