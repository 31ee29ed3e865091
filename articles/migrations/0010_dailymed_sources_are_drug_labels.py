"""Sources carrying a DailyMed set id are FDA drug labels, whatever kind was typed (issue 20):
fix the existing rows, with a history row each, and report what changed and which articles
cite them (their label content now needs the pharmacist at the next review)."""

from django.db import migrations
from django.utils import timezone

REASON = "kind set to drug label: it has a DailyMed set id"


def fix_label_kinds(apps, schema_editor):
    source_model = apps.get_model("articles", "Source")
    history_model = apps.get_model("articles", "HistoricalSource")
    citation_model = apps.get_model("articles", "Citation")
    wrong = list(
        source_model.objects.exclude(dailymed_setid="")
        .exclude(kind="drug_label")
        .order_by("pk")
    )
    if not wrong:
        return
    now = timezone.now()
    fields = [f.attname for f in source_model._meta.concrete_fields]
    for source in wrong:
        was = source.kind
        source.kind = "drug_label"
        source.save(update_fields=["kind"])
        history_model.objects.create(
            **{name: getattr(source, name) for name in fields},
            history_date=now,
            history_type="~",
            history_change_reason=REASON,
        )
        articles = sorted(
            set(
                citation_model.objects.filter(source=source).values_list(
                    "article_id", flat=True
                )
            )
        )
        print(
            f"\n  source {source.pk} “{source.title}” (DailyMed {source.dailymed_setid}):"
            f" kind {was} -> drug_label; cited by articles {articles or 'none'}",
            end="",
        )
    print(f"\n  {len(wrong)} source(s) now drug labels.", end="")


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_specialty_protect_sourceversion_history")]

    operations = [migrations.RunPython(fix_label_kinds, migrations.RunPython.noop)]
