"""articles.precompiled: a queryset compiled once per connection gives, for any later values,
exactly the rows, related objects and annotations the ORM gives, in one query; what would make
a cached statement wrong (SQL that changes with the values, a constant equal to a marker, a
lock outside a transaction) is refused instead of run."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Citation
from articles.precompiled import Precompiled
from reviewers.conflicts import current_disclosures_json
from reviewers.models import BoardMember, ReviewAssignment
from tests.factories import ArticleFactory, BoardMemberFactory, DisclosureFactory

pytestmark = pytest.mark.django_db


def _citations(article_pk: int):
    return (
        Citation.objects.filter(article_id=article_pk)
        .select_related("source", "article__author")
        .annotate(has_article=Exists(Article.objects.filter(pk=OuterRef("article_id"))))
        .order_by("number", "pk")
    )


CITATIONS = Precompiled(Citation, _citations)


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_later_runs_read_what_the_orm_reads_with_their_own_values():
    articles = [ArticleFactory(), ArticleFactory(), ArticleFactory()]
    Citation.objects.create(
        article=articles[1], number=2, source=articles[0].citations.get().source
    )
    for article in articles:
        got = CITATIONS.run(article.pk)
        expected = list(_citations(article.pk))
        assert [_fields(c) for c in got] == [_fields(c) for c in expected]
        # select_related objects (two levels) and annotations, as the ORM sets them
        assert [_fields(c.source) for c in got] == [_fields(c.source) for c in expected]
        assert [c.article.author.username for c in got] == [
            c.article.author.username for c in expected
        ]
        assert all(c.has_article is True for c in got)
    with CaptureQueriesContext(connection) as ctx:
        CITATIONS.run(articles[0].pk)
    assert len(ctx.captured_queries) == 1


def test_a_date_value_is_substituted_everywhere_it_lands():
    """The conflict check's "current on" date: a disclosure that ended yesterday is not read
    today, though the statement was compiled on a day it was current."""
    member = BoardMemberFactory()
    DisclosureFactory(member=member, organisation="Pfizer", until=date(2026, 6, 30))

    def build(member_pk: int, on: date):
        return BoardMember.objects.filter(pk=member_pk).annotate(
            disclosures_json=current_disclosures_json(OuterRef("pk"), on)
        )

    members = Precompiled(BoardMember, build)
    (during,) = members.run(member.pk, date(2026, 6, 30))
    (after,) = members.run(member.pk, date(2026, 6, 30) + timedelta(days=1))
    assert [row["organisation"] for row in during.disclosures_json] == ["Pfizer"]
    assert after.disclosures_json is None


def test_in_lists_are_compiled_per_length_given_as_shape():
    members = [BoardMemberFactory() for _ in range(3)]
    by_pks = Precompiled(BoardMember, lambda *pks: BoardMember.objects.filter(pk__in=pks))
    pks = [m.pk for m in members]
    assert {m.pk for m in by_pks.run(*pks[:2], shape=2)} == set(pks[:2])
    assert {m.pk for m in by_pks.run(*pks, shape=3)} == set(pks)


def test_sql_that_changes_with_the_values_is_refused():
    ArticleFactory()
    varying = Precompiled(
        Article, lambda pk: Article.objects.filter(pk=pk) if pk < 30500 else Article.objects.all()
    )
    with pytest.raises(ValueError, match="changes with the values"):
        varying.run(1)


def test_a_value_that_never_reaches_the_sql_is_refused():
    ignored = Precompiled(Article, lambda pk: Article.objects.all())
    with pytest.raises(ValueError, match=r"values \[0\] do not reach the SQL"):
        ignored.run(1)


def test_a_constant_equal_to_a_marker_is_not_substituted():
    """A constant of the query that equals the first marker: caught by the second compile."""
    clash = Precompiled(
        Article, lambda pk: Article.objects.filter(Q(pk=pk) | Q(review_round=30011))
    )
    with pytest.raises(ValueError, match="constant equals a marker"):
        clash.run(1)


@pytest.mark.django_db(transaction=True)
def test_a_lock_outside_a_transaction_is_refused_like_the_orm_refuses_it():
    article = ArticleFactory()
    locked = Precompiled(
        Article, lambda pk: Article.objects.select_for_update().filter(pk=pk).annotate(x=Value(1))
    )
    with pytest.raises(TransactionManagementError):
        locked.run(article.pk)
    with transaction.atomic():
        (row,) = locked.run(article.pk)
    assert row.pk == article.pk and row.x == 1


def test_a_small_integer_field_value_is_substituted():
    """PostgreSQL is sent a round (a small integer field) wrapped in its integer type."""
    article = ArticleFactory(under_review=True)
    of_round = Precompiled(
        ReviewAssignment,
        lambda article_pk, round_: ReviewAssignment.objects.filter(
            article_id=article_pk, round=round_
        ),
    )
    assert len(of_round.run(article.pk, article.review_round)) == 1
    assert of_round.run(article.pk, article.review_round + 1) == []
