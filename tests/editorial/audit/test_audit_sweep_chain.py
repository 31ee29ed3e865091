"""The staleness sweep's history rows, written set-based in one statement, are chained by the
per-statement trigger (editorial.audit.pg): every link verifies, whatever the session's time
settings, and an edit of one of the swept rows afterwards is caught.

Needs PostgreSQL; runs in CI.
"""

import pytest
from django.db import connection

from articles.models import Article, Citation, Status
from editorial.audit import locks
from editorial.audit.db import ROW_TRIGGER
from editorial.audit.verify import CONTENT_CHANGED, audit_verify
from editorial.models import AuditEntry, StalenessFlag
from editorial.staleness import source_record_version
from tests.factories import SourceFactory, author_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
# More articles than locks.LOCK_MANY: the sweep takes the one exclusive lock over all chains,
# the path a real sweep over thousands of articles takes.
SWEPT = locks.LOCK_MANY + 1
# What the canonical text must carry unchanged: quotes, a newline, non-ASCII, a backslash
SNAPSHOT = {"title": 'Ärzte "quoted"\nline', "summary": "dose ≥ 10 mg \\ day", "n": [1, 2.5]}


def run_sql(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def approved_articles_citing(source, count: int) -> list[Article]:
    """`count` approved articles with no history yet (bulk, no per-article workflow): the
    sweep writes their first history rows, so each chain starts at the sweep's links."""
    author = author_user()
    articles = Article.objects.bulk_create(
        Article(
            title=f"Question {n}",
            slug=f"swept-{n}",
            summary="An answer.",
            status=Status.APPROVED,
            approved_snapshot=SNAPSHOT,
            author=author,
        )
        for n in range(count)
    )
    Citation.objects.bulk_create(Citation(article=a, number=1, source=source) for a in articles)
    return articles


@pytest.fixture
def swept(editor):
    guideline = SourceFactory(kind="guideline", title="NICE NG109 UTI", current_version="2018")
    articles = approved_articles_citing(guideline, SWEPT)
    # The trigger must not depend on the session's settings: its text is the verifier's.
    run_sql("SET LOCAL TimeZone TO 'America/New_York'")
    run_sql("SET LOCAL IntervalStyle TO 'sql_standard'")
    flagged = source_record_version(source=guideline, version="2024", actor=editor)
    assert len(flagged) == SWEPT
    return articles


def test_a_sweep_over_many_articles_chains_every_history_row_and_verifies(swept):
    ids = [a.pk for a in swept]
    article_rows = Article.history.filter(id__in=ids).count()
    flag_rows = StalenessFlag.history.filter(article_id__in=ids).count()
    assert article_rows == flag_rows == SWEPT
    links = AuditEntry.objects.filter(article_id__in=ids)
    assert links.count() == article_rows + flag_rows
    assert set(links.values_list("sequence", flat=True)) == {1, 2}

    report = audit_verify([a.slug for a in swept])

    assert report.is_ok, report.first_break
    assert report.checked_entries == 2 * SWEPT


def test_editing_one_swept_history_row_afterwards_is_caught(swept):
    victim = swept[SWEPT // 2]
    row = Article.history.get(id=victim.pk)
    run_sql("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending FK checks
    run_sql(f"ALTER TABLE articles_historicalarticle DISABLE TRIGGER {ROW_TRIGGER}")
    run_sql(
        "UPDATE articles_historicalarticle SET status = 'approved' WHERE history_id = %s",
        [row.pk],
    )
    run_sql(f"ALTER TABLE articles_historicalarticle ENABLE TRIGGER {ROW_TRIGGER}")

    report = audit_verify([a.slug for a in swept])

    broken = [c for c in report.checks if not c.is_ok]
    assert [c.article_id for c in broken] == [victim.pk]
    assert broken[0].first_break.history_id == row.pk
    assert broken[0].first_break.problem == CONTENT_CHANGED
