"""The write path's hot reads, each compiled once per connection (articles.precompiled): the
article lock every transition takes, the board members an assignment reads, and the round a
decision locks. Their expression trees (subqueries for webhooks, disclosures, issuers and
flags) cost more to build and compile than PostgreSQL spends running them (issue 22)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from articles.models import Article
from articles.precompiled import Precompiled
from editorial.webhooks import SUBSCRIBED, any_subscription
from editorial.workflow.flags import open_flags_exist
from editorial.workflow.guards import article_lock_query
from reviewers.conflicts import cited_issuers_json, current_disclosures_json
from reviewers.models import BoardMember, ReviewAssignment


def _article_lock(article_pk: int) -> QuerySet[Article]:
    # whether any client subscribes to webhooks, read with the lock: when none does (the common
    # case), article_state_event owes nothing and runs no subscriptions query
    return article_lock_query(article_pk, **{SUBSCRIBED: any_subscription()})


_ARTICLE_LOCK = Precompiled(Article, _article_lock)


def lock_with_hints(article: Article) -> Article:
    """guards.lock_article with the webhooks hint (SUBSCRIBED): the article re-read with its
    row locked for this transaction, and its author."""
    rows = _ARTICLE_LOCK.run(article.pk)
    if not rows:
        raise Article.DoesNotExist("Article matching query does not exist.")
    return rows[0]


def _members(article_pk: int, review_round: int, on: date, *member_pks: int) -> QuerySet:
    assigned = ReviewAssignment.objects.filter(
        article_id=article_pk, round=review_round, reviewer=OuterRef("pk")
    )
    return (
        BoardMember.objects.filter(pk__in=member_pks)
        .annotate(
            is_assigned=Exists(assigned),
            disclosures_json=current_disclosures_json(OuterRef("pk"), on),
            issuers_json=cited_issuers_json(article_pk),
        )
        .select_related("user")
    )


_MEMBERS = Precompiled(BoardMember, _members)


def assignable_members(article: Article, member_pks: list[int]) -> list[Any]:
    """The board members `member_pks`, with their user, whether each already reviews the
    article's round (`is_assigned`), their current disclosures (`disclosures_json`) and the
    article's cited issuers (`issuers_json`): the conflict check's reads in one query."""
    if not member_pks:
        return []
    on = timezone.localdate()
    return _MEMBERS.run(article.pk, article.review_round, on, *member_pks, shape=len(member_pks))


def _round(assignment_pk: int, article_pk: int, review_round: int, on: date) -> QuerySet:
    return (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .filter(Q(pk=assignment_pk) | Q(article_id=article_pk, round=review_round))
        .select_related("reviewer__user", "signature")
        .annotate(
            disclosures_json=current_disclosures_json(OuterRef("reviewer_id"), on),
            open_flags=open_flags_exist(article_pk),
        )
    )


_ROUND = Precompiled(ReviewAssignment, _round)


def lock_round_rows(article: Article, assignment: ReviewAssignment) -> list[Any]:
    """This assignment and the rest of the article's current round, locked, with each
    reviewer's current disclosures (`disclosures_json`) and whether the article has open flags
    (`open_flags`)."""
    on = timezone.localdate()
    return _ROUND.run(assignment.pk, article.pk, article.review_round, on)
