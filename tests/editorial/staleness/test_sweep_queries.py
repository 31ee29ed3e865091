"""The sweep is set-based: its queries do not grow with the articles it flags, and what it
returns is read in the same statement (no article passes through the ORM one by one)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Citation, Status
from editorial.staleness import FlaggedArticle, source_record_version
from tests.factories import SourceFactory, author_user

pytestmark = pytest.mark.django_db


def approved_citing(source, count: int, prefix: str) -> list[Article]:
    author = author_user()
    articles = Article.objects.bulk_create(
        Article(
            title=f"{prefix} question {n}",
            slug=f"{prefix}-{n}",
            summary="An answer.",
            status=Status.APPROVED,
            author=author,
        )
        for n in range(count)
    )
    Citation.objects.bulk_create(Citation(article=a, number=1, source=source) for a in articles)
    return articles


def sweep_queries(editor, count: int, prefix: str) -> tuple[int, list[FlaggedArticle]]:
    source = SourceFactory(kind="guideline", title=f"{prefix} guideline", current_version="1")
    approved_citing(source, count, prefix)
    with CaptureQueriesContext(connection) as queries:
        flagged = source_record_version(source=source, version="2", actor=editor)
    return len(queries), flagged


def test_a_sweep_over_30_articles_costs_the_queries_of_one_over_3(editor):
    sweep_queries(editor, 1, "warm")  # the editor's groups, read once and kept on the user
    few, _ = sweep_queries(editor, 3, "few")
    many, flagged = sweep_queries(editor, 30, "many")

    assert many == few
    if connection.vendor == "postgresql":
        # savepoint, the source locked, its version (+ history), the source saved (+ history),
        # work_mem, the one sweep statement, the subscriptions of source.version_recorded and
        # of article.stale (none: no article is read for webhooks), release
        assert many == 11
    assert len(flagged) == 30


def test_the_sweep_returns_each_flagged_article_once_with_what_callers_show(editor):
    _, flagged = sweep_queries(editor, 3, "shown")

    assert [(a.slug, a.title) for a in flagged] == [
        (f"shown-{n}", f"shown question {n}") for n in range(3)
    ]
    assert {a.pk for a in flagged} == set(
        Article.objects.filter(slug__startswith="shown-", status=Status.STALE).values_list(
            "pk", flat=True
        )
    )
    assert all(isinstance(a, FlaggedArticle) for a in flagged)
