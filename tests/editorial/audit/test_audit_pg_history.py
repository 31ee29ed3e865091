"""A save and its history row in one statement on PostgreSQL (editorial.audit.pg_history): the
row it writes is the row simple-history writes, the chain and the anchor follow it, and a
concurrent transition is still refused. Needs PostgreSQL; runs in CI."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django_fsm import ConcurrentTransition
from simple_history.models import HistoricalRecords

from articles.models import Article, Status
from editorial import workflow
from editorial.audit import attribution, pg_history, tasks
from editorial.audit.attribution import save_attributed
from editorial.audit.verify import audit_verify
from editorial.models import AuditEntry
from reviewers.models import ReviewAssignment
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
# columns that differ between two saves whatever writes them
VOLATILE = {"history_id", "history_date", "updated_at"}


def history_values(article: Article) -> dict:
    row = article.history.order_by("-history_id").values().first()
    return {k: v for k, v in row.items() if k not in VOLATILE}


def stock_save(monkeypatch, obj, **kwargs) -> None:
    """save_attributed the way it saved before: Model.save, simple-history's second INSERT."""
    with monkeypatch.context() as m:
        m.setattr(attribution, "save_with_history", lambda *a, **k: False)
        save_attributed(obj, **kwargs)


def test_a_transition_save_is_one_statement_and_writes_the_row_simple_history_writes(
    monkeypatch, django_assert_num_queries
):
    article = ArticleFactory(submitted=True)
    editor = User.objects.create(username="ed")
    article = Article.objects.get(pk=article.pk)
    article.title = "Is drug X first-line for condition Y?"
    reason = "retitled " + "because the board asked; " * 20  # long: the column is text
    with django_assert_num_queries(1):
        save_attributed(article, actor=editor, reason=reason)
    fast = history_values(article)
    stock_save(monkeypatch, article, actor=editor, reason=reason)
    stock = history_values(article)

    assert fast == stock
    assert fast["history_change_reason"] == reason
    assert fast["history_user_id"] == editor.pk
    assert fast["history_type"] == "~"
    assert fast["title"] == "Is drug X first-line for condition Y?"
    # the history row is what the table holds, to the microsecond
    live = Article.objects.filter(pk=article.pk).values().get()
    newest = article.history.order_by("-history_id").values().first()
    assert newest["updated_at"] == live["updated_at"] == article.updated_at


def test_the_system_as_actor_leaves_the_history_user_empty():
    article = ArticleFactory()
    save_attributed(article, actor=None, reason="risk reviewed")
    row = article.history.order_by("-history_id").first()
    assert row.history_user_id is None
    assert row.history_change_reason == "risk reviewed"


def test_each_save_is_chained_and_the_chain_verifies(django_assert_num_queries):
    article = ArticleFactory(approved=True)
    statuses = list(article.history.order_by("history_id").values_list("status", flat=True))
    assert statuses == ["draft", "submitted", "under_review", "approved"]
    before = AuditEntry.objects.filter(article_id=article.pk).count()
    article = Article.objects.get(pk=article.pk)
    with django_assert_num_queries(1):  # the chain link is the trigger's: no round trip
        save_attributed(article, actor=None, reason="periodic check")
    newest = article.history.order_by("-history_id").first()
    chain = AuditEntry.objects.filter(article_id=article.pk).order_by("sequence")
    assert chain.count() == before + 1
    assert (chain.last().model_label, chain.last().history_id) == (
        "articles.historicalarticle",
        newest.history_id,
    )
    assert audit_verify([article.slug]).is_ok


def test_a_decision_saves_the_assignment_and_its_history_in_one_statement():
    article = ArticleFactory(under_review=True)
    assignment = ReviewAssignment.objects.get(article=article)
    with CaptureQueriesContext(connection) as ran:
        workflow.review_decide(
            assignment=assignment,
            decision="changes_requested",
            actor=assignment.reviewer.user,
            comment="Cite the 2024 guideline.",
        )
    # the assignment's history row is written by its UPDATE's statement, no INSERT of its own
    history_writes = [
        q["sql"].split(" SET ")[0]
        for q in ran.captured_queries
        if "reviewers_historicalreviewassignment" in q["sql"]
    ]
    assert history_writes == ['WITH saved AS (UPDATE "reviewers_reviewassignment"']
    newest = ReviewAssignment.history.filter(id=assignment.pk).order_by("-history_id").first()
    assert newest.decision == "changes_requested"
    assert newest.comment == "Cite the 2024 guideline."
    assert newest.history_user_id == assignment.reviewer.user_id
    assert Article.objects.get(pk=article.pk).status == Status.CHANGES_REQUESTED


def test_a_stale_transition_is_refused_and_writes_nothing():
    article = ArticleFactory()
    stale = Article.objects.get(pk=article.pk)
    workflow.article_submit(article=article, actor=article.author)  # status moved on
    count = stale.history.count()
    stale.submit()  # from the draft it read
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        save_attributed(stale, actor=None, reason="second submit")
    assert stale.history.count() == count
    assert Article.objects.get(pk=article.pk).review_round == 1


def test_the_save_asks_for_the_chain_anchor_after_commit():
    article = ArticleFactory()
    connection.run_on_commit.clear()  # what the factory's own saves asked for
    save_attributed(article, actor=None, reason="touched")
    assert [entry[1] for entry in connection.run_on_commit] == [tasks._schedule]


def test_where_the_path_does_not_apply_it_writes_nothing_and_says_so():
    article = ArticleFactory()
    deferred = Article.objects.only("title").get(pk=article.pk)
    chosen_key = Article(pk=article.pk + 10_000, title="Q?", slug="chosen", author=article.author)
    count = article.history.count()
    assert not pg_history.save_with_history(deferred, user=None, reason="x")
    assert not pg_history.save_with_history(chosen_key, user=None, reason="x")
    assert not pg_history.save_with_history(article.author, user=None, reason="x")
    assert article.history.count() == count


def test_a_row_that_is_gone_is_left_to_the_usual_save():
    article = ArticleFactory()
    ghost = Article.objects.get(pk=article.pk)
    ghost.pk = ghost.id = article.pk + 10_000
    ghost.slug = "ghost"
    ghost._state.adding = False
    assert not pg_history.save_with_history(ghost, user=None, reason="x")
    assert not Article.history.filter(id=ghost.pk).exists()


@pytest.mark.parametrize("model", pg_history.MODELS)
def test_the_only_save_receivers_are_simple_historys(model):
    # the path skips Model.save: a receiver added to these models' saves would be skipped too
    assert not pre_save.has_listeners(model)
    sync, asynchronous = post_save._live_receivers(model)
    assert not asynchronous
    assert [getattr(r, "__self__", None).__class__ for r in sync] == [HistoricalRecords]


def test_on_sqlite_or_another_database_the_usual_save_runs(monkeypatch):
    article = ArticleFactory()
    monkeypatch.setattr(connection, "vendor", "sqlite")
    count = article.history.count()
    assert not pg_history.save_with_history(article, user=None, reason="x")
    assert article.history.count() == count


def test_a_new_row_and_its_history_row_are_one_statement(monkeypatch, django_assert_num_queries):
    author = User.objects.create(username="au")
    article = Article(title="Is drug X safe in pregnancy?", slug="x-pregnancy", author=author)
    with django_assert_num_queries(1):
        save_attributed(article, actor=author, reason="article created")
    assert article.pk is not None and not article._state.adding
    live = Article.objects.filter(pk=article.pk).values().get()
    assert live["title"] == "Is drug X safe in pregnancy?"
    assert (live["created_at"], live["updated_at"]) == (article.created_at, article.updated_at)
    (row,) = article.history.values()
    assert row["history_type"] == "+"
    assert row["history_user_id"] == author.pk
    assert row["history_change_reason"] == "article created"
    assert {k: row[k] for k in live if k in row} == {k: live[k] for k in live if k in row}
    # the stock path writes the same history row for the same new article
    twin = Article(title="Is drug X safe in pregnancy?", slug="x-pregnancy-2", author=author)
    stock_save(monkeypatch, twin, actor=author, reason="article created")
    (stock,) = twin.history.values()
    ignore = VOLATILE | {"id", "slug", "created_at"}
    assert {k: v for k, v in row.items() if k not in ignore} == {
        k: v for k, v in stock.items() if k not in ignore
    }
    # and a transition after it still checks the state it read
    article.submit()
    save_attributed(article, actor=author, reason="submitted")
    assert Article.objects.get(pk=article.pk).status == Status.SUBMITTED
