# Issue 6's sweep target without weakening issue 9: the chain trigger of 0023 ran once per
# history row (lock, tail lookup, insert: ~10 s for the 20,000 rows of a 10,000-article
# sweep). It now runs once per statement and chains all new rows set-based
# (editorial.audit.pg). Same links, same hash: chains written before stay valid. post_migrate
# re-installs the variant the applied migrations call for.

from django.db import migrations


def per_statement(apps, schema_editor):
    from editorial.audit.pg import install_chain_triggers

    install_chain_triggers(schema_editor.connection, per_statement=True)


def per_row(apps, schema_editor):
    from editorial.audit.pg import install_chain_triggers

    install_chain_triggers(schema_editor.connection, per_statement=False)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0023_audit_chain_trigger"),
    ]

    operations = [
        migrations.RunPython(per_statement, per_row),
    ]
