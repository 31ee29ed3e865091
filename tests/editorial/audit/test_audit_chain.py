"""The per-article hash chain: every history row chained, `verify_audit` finds tampering.

These run on SQLite (no triggers: the tampering is a plain SQL statement) and PostgreSQL.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from articles.models import Article, Section
from editorial.audit.anchors import anchor_checkpoint
from editorial.audit.chain import audit_append_bulk, chained_models
from editorial.audit.pg import CHAIN_TRIGGER
from editorial.audit.signals import HistoryIsAppendOnly
from editorial.audit.tasks import audit_latest_break, audit_latest_problems, verify_audit_nightly
from editorial.models import AuditEntry, AuditVerification
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def history_rows_of(article) -> int:
    return sum(
        model._default_manager.filter(**{column: article.pk}).count()
        for model, column in chained_models().values()
    )


def verify(*slugs: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *slugs, stdout=out)
    return out.getvalue()


def test_every_history_row_of_an_approved_article_is_chained_and_verifies():
    article = ArticleFactory(approved=True)
    entries = AuditEntry.objects.filter(article_id=article.pk).order_by("sequence")
    # the article's own rows, its section, its citation and the (bulk-created) assignment
    labels = set(entries.values_list("model_label", flat=True))
    assert labels == {
        "articles.historicalarticle",
        "articles.historicalsection",
        "articles.historicalcitation",
        "reviewers.historicalreviewassignment",
    }
    assert entries.count() == history_rows_of(article)
    assert list(entries.values_list("sequence", flat=True)) == list(range(1, entries.count() + 1))
    out = verify(article.slug)
    assert f"ok      article '{article.slug}': {entries.count()} entries" in out


@pytest.mark.skipif(connection.vendor == "postgresql", reason="triggers: test_audit_postgres")
def test_verify_audit_names_a_history_row_changed_behind_the_applications_back():
    article = ArticleFactory(approved=True)
    other = ArticleFactory()
    section_row = Section.history.get(article_id=article.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_historicalsection SET body = 'Drug X 100 mg' WHERE history_id = %s",
            [section_row.history_id],
        )
    link = AuditEntry.objects.get(
        model_label="articles.historicalsection", history_id=section_row.history_id
    )
    with pytest.raises(CommandError) as exc:
        verify()
    message = str(exc.value)
    assert f"article '{article.slug}' entry #{link.sequence}" in message
    assert f"articles.historicalsection history_id={section_row.history_id}" in message
    assert "content changed" in message
    # the untouched article still verifies on its own
    assert "ok" in verify(other.slug)


def test_verify_audit_reports_a_history_row_that_has_no_chain_entry():
    article = ArticleFactory()
    latest = article.history.latest()
    forged = type(latest)(
        **{
            f.attname: getattr(latest, f.attname)
            for f in latest._meta.concrete_fields
            if f.attname != "history_id"
        }
    )
    forged.title = "Forged history"
    forged.history_change_reason = "never happened"
    if connection.vendor == "postgresql":  # the database chains every insert: go around it
        run = connection.cursor().execute
        run("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending FK checks
        run(f"ALTER TABLE articles_historicalarticle DISABLE TRIGGER {CHAIN_TRIGGER}")
    type(latest).objects.bulk_create([forged])  # bulk_create: no signal, no chain entry
    with pytest.raises(CommandError, match="has no chain entry"):
        verify(article.slug)


def test_bulk_history_writes_are_chained_and_appending_again_adds_nothing():
    article = ArticleFactory()
    sections = [Section(article=article, heading=f"Extra {n}", position=10 + n) for n in range(3)]
    bulk_create_with_history(sections, Section, default_change_reason="imported")
    rows = list(Section.history.filter(article_id=article.pk))
    assert AuditEntry.objects.filter(article_id=article.pk).count() == history_rows_of(article)
    assert audit_append_bulk(rows) == 0
    assert "ok" in verify(article.slug)


def test_unknown_slug_is_refused_with_a_clear_message():
    ArticleFactory(slug="known")
    with pytest.raises(CommandError, match=r"Unknown article slug\(s\): missing-one"):
        verify("known", "missing-one")


def test_saving_or_deleting_a_history_row_through_the_orm_is_refused():
    article = ArticleFactory()
    row = article.history.latest()
    row.history_change_reason = "rewritten"
    with pytest.raises(HistoryIsAppendOnly, match="append-only: UPDATE"):
        row.save()
    # each attempt in its own savepoint: the refusal rolls the delete back
    with pytest.raises(HistoryIsAppendOnly, match="append-only: DELETE"), transaction.atomic():
        row.delete()
    with pytest.raises(HistoryIsAppendOnly, match="append-only: DELETE"), transaction.atomic():
        article.history.all().delete()
    link = AuditEntry.objects.filter(article_id=article.pk).first()
    with pytest.raises(HistoryIsAppendOnly), transaction.atomic():
        link.delete()
    assert article.history.latest().history_change_reason == "drafted"


def test_nightly_verification_records_the_first_break_for_the_staleness_report():
    article = ArticleFactory()
    anchor = anchor_checkpoint()  # the burst's checkpoint (on commit, which this test never does)
    verify_audit_nightly.delay()
    assert AuditVerification.objects.latest().ok
    assert AuditVerification.objects.latest().anchor_id == anchor["anchor_id"]
    assert audit_latest_break() is None
    if connection.vendor == "postgresql":
        return  # tampering needs the triggers disabled: test_audit_postgres
    link = AuditEntry.objects.get(article_id=article.pk, sequence=2)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM editorial_auditentry WHERE id = %s", [link.pk])
    verify_audit_nightly.delay()
    result = AuditVerification.objects.latest()
    assert not result.ok
    assert "missing entry: sequence 2" in result.first_break
    assert audit_latest_break() == result.first_break


def test_a_deleted_draft_keeps_its_chain():
    article = ArticleFactory()
    article_id = article.pk
    article._change_reason = "abandoned draft"
    article.delete()
    assert not Article.objects.filter(pk=article_id).exists()
    out = verify()
    assert f"ok      deleted article {article_id}" in out


@pytest.mark.skipif(connection.vendor == "postgresql", reason="triggers: test_audit_postgres")
@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE editorial_auditentry SET prev_hash = 'f00d' WHERE id = %s", "link broken"),
        ("DELETE FROM articles_historicalarticle WHERE history_id = %s", "history row missing"),
    ],
)
def test_verify_audit_names_a_broken_link_or_a_deleted_history_row(sql, problem):
    article = ArticleFactory(submitted=True)
    link = AuditEntry.objects.filter(
        article_id=article.pk, model_label="articles.historicalarticle"
    ).last()
    with connection.cursor() as cursor:
        cursor.execute(sql, [link.pk if "auditentry" in sql else link.history_id])
    with pytest.raises(CommandError, match=f"entry #{link.sequence} .*: {problem}"):
        verify(article.slug)


def test_the_staleness_sweeps_raw_history_rows_are_chained_and_verify(editor):
    from datetime import date

    from articles.models import Citation
    from editorial.staleness.services import source_record_version
    from tests.factories import SourceFactory

    guideline = SourceFactory(kind="guideline", title="NICE NG109 UTI", current_version="2018")
    article = ArticleFactory(approved=True)
    Citation.objects.create(article=article, number=2, source=guideline)
    source_record_version(
        source=guideline, version="2024", actor=editor, effective_on=date(2024, 6, 1)
    )
    article.refresh_from_db()
    assert article.status == "stale"
    labels = set(
        AuditEntry.objects.filter(article_id=article.pk).values_list("model_label", flat=True)
    )
    assert "editorial.historicalstalenessflag" in labels
    assert "ok" in verify(article.slug)


def test_every_history_model_and_the_signatures_are_chained_somewhere():
    from editorial.audit.chain import chained_tables, history_models

    tables = chained_tables()
    assert {m._meta.label_lower for m in history_models()} <= set(tables)
    assert tables["reviewers.signature"].chain == "reviewers.reviewassignment"
    assert tables["reviewers.historicaldisclosure"].chain == "reviewers.boardmember"
    assert tables["articles.historicalsourceversion"].chain == "articles.source"


def test_nightly_verification_names_an_unsigned_snapshot_and_logs_it(caplog):
    good = ArticleFactory(approved=True)
    bad = ArticleFactory(approved=True)
    anchor_checkpoint()  # the burst's checkpoint (on commit, which this test never does)
    verify_audit_nightly.delay()
    assert AuditVerification.objects.latest().ok, AuditVerification.objects.latest().first_break
    snapshot = {**bad.approved_snapshot, "summary": "Take twice the dose."}
    Article.objects.filter(pk=bad.pk).update(approved_snapshot=snapshot)  # no history, no FSM

    with caplog.at_level("ERROR", logger="editorial.audit.tasks"):
        verify_audit_nightly.delay()
    result = AuditVerification.objects.latest()
    assert not result.ok and result.first_break == ""  # the chains are intact
    assert f"article {bad.slug!r}" in result.unsigned_snapshots
    assert good.slug not in result.unsigned_snapshots
    assert any(bad.slug in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    problems = audit_latest_problems()
    assert problems.alarm == "UNSIGNED CONTENT PUBLISHED"
    assert [line for line in problems.unsigned_snapshots if bad.slug in line]
    assert audit_latest_break() is None
