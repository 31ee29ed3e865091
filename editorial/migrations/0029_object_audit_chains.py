"""Issue 15: every piece of evidence chained. Object chains (ObjectAuditEntry) for sources and
their versions, board members and their disclosures, specialties and signatures; the rows that
exist already are chained first (oldest first), then PostgreSQL's triggers take over."""

from django.db import migrations, models


def chain_existing_and_install(apps, schema_editor):
    # the real models and functions, as migrations 0010/0023/0024 do: the chain is defined by
    # today's code, and this runs once
    from editorial.audit.chain import ARTICLE_CHAIN, audit_append_bulk, chained_tables
    from editorial.audit.db import install_append_only, protected_tables
    from editorial.audit.pg import install_object_chain_triggers

    # history tables that later migrations create are empty then: post_migrate chains them
    existing = set(schema_editor.connection.introspection.table_names())
    for table in chained_tables().values():
        if table.chain != ARTICLE_CHAIN and table.model._meta.db_table in existing:
            rows = table.model._default_manager.order_by("pk").iterator(chunk_size=2000)
            audit_append_bulk(rows)
    install_append_only(schema_editor.connection, protected_tables())
    install_object_chain_triggers(schema_editor.connection)


def uninstall(apps, schema_editor):
    from editorial.audit.pg import uninstall_object_chain_triggers

    uninstall_object_chain_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('editorial', '0028_reports_hourly_and_heartbeat'),
        ('articles', '0009_specialty_protect_sourceversion_history'),
        ('reviewers', '0003_history_change_reason_text'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditverification',
            name='anchor_id',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.CreateModel(
            name='ObjectAuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('chain', models.CharField(help_text='The object\'s model, e.g. "articles.source".', max_length=100)),
                ('object_id', models.BigIntegerField()),
                ('sequence', models.PositiveIntegerField()),
                ('model_label', models.CharField(help_text="The chained row's model.", max_length=100)),
                ('history_id', models.BigIntegerField(help_text="The chained row's primary key.")),
                ('prev_hash', models.CharField(blank=True, max_length=64)),
                ('entry_hash', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'object audit entry',
                'verbose_name_plural': 'object audit entries',
                'constraints': [models.UniqueConstraint(fields=('chain', 'object_id', 'sequence'), name='object_audit_one_link_per_seq'), models.UniqueConstraint(fields=('model_label', 'history_id'), name='object_audit_row_once')],
            },
        ),
        migrations.RunPython(chain_existing_and_install, uninstall),
    ]
