# Audit trail (issue 9): the hash chain tables, and PostgreSQL triggers that make every
# history table append-only. post_migrate re-installs them after later migrations.

import django.utils.timezone
from django.db import migrations, models


def install_triggers(apps, schema_editor):
    from editorial.audit.db import install_append_only

    install_append_only(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from editorial.audit.db import uninstall_append_only

    uninstall_append_only(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('editorial', '0004_beat_schedules'),
        ('articles', '0005_merge_sourceversion_plain_summary'),
        ('reviewers', '0002_board_details'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditVerification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('run_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('ok', models.BooleanField()),
                ('first_break', models.TextField(blank=True)),
                ('checked_entries', models.PositiveIntegerField(default=0)),
            ],
            options={
                'ordering': ['-run_at', '-pk'],
                'get_latest_by': 'run_at',
            },
        ),
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('article_id', models.BigIntegerField()),
                ('sequence', models.PositiveIntegerField()),
                ('model_label', models.CharField(help_text='History model, e.g. "articles.historicalarticle".', max_length=100)),
                ('history_id', models.BigIntegerField()),
                ('prev_hash', models.CharField(blank=True, max_length=64)),
                ('entry_hash', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'audit entry',
                'verbose_name_plural': 'audit entries',
                'constraints': [models.UniqueConstraint(fields=('article_id', 'sequence'), name='audit_one_link_per_seq'), models.UniqueConstraint(fields=('model_label', 'history_id'), name='audit_row_once')],
            },
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
