"""Reads for the author UI: which articles a user may see, the dashboard, the editor page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from articles.models import Article, Citation, Source, Status
from editorial.access.roles import AnyUser, is_editor
from reviewers.models import Decision, ReviewAssignment

DASHBOARD_LIMIT = 200  # newest articles listed; counts cover all of them
ACTIVITY_LIMIT = 8
NEEDS_ACTION = (Status.CHANGES_REQUESTED, Status.STALE)
STATUS_ORDER = (
    Status.CHANGES_REQUESTED, Status.STALE, Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW,
    Status.APPROVED, Status.ARCHIVED,
)  # fmt: skip


def article_list_for_user(user: AnyUser) -> QuerySet[Article]:
    """Articles the user may open here: editors all; others their own and those they review."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Article.objects.none()
    if is_editor(user):
        return Article.objects.all()
    reviewing = ReviewAssignment.objects.filter(reviewer__user=user).values("article_id")
    return Article.objects.filter(Q(author=user) | Q(pk__in=reviewing))


@dataclass
class Dashboard:
    groups: list[tuple[str, str, list[Article]]]  # (status, label, articles)
    needs_action: list[Article]
    counts: dict[str, int]
    total: int
    activity: list = field(default_factory=list)  # historical article rows, newest first
    is_truncated: bool = False


def dashboard_for_user(user: AnyUser) -> Dashboard:
    """The dashboard in four queries: counts, articles, change requests, recent activity."""
    visible = article_list_for_user(user)
    counts = dict(visible.values_list("status").annotate(n=Count("pk")).order_by())
    articles = list(
        visible.select_related("author", "specialty").order_by("-updated_at")[:DASHBOARD_LIMIT]
    )
    needs_action = [a for a in articles if a.status in NEEDS_ACTION]
    _attach_change_requests(needs_action)
    labels = dict(Status.choices)
    groups: list[tuple[str, str, list[Article]]] = [
        (status, labels[status], [a for a in articles if a.status == status])
        for status in STATUS_ORDER
        if counts.get(status)
    ]
    activity = list(
        Article.history.filter(id__in=visible.values("pk"))
        .select_related("history_user")
        .order_by("-history_date")[:ACTIVITY_LIMIT]
    )
    total = sum(counts.values())
    return Dashboard(groups, needs_action, counts, total, activity, total > len(articles))


def _attach_change_requests(articles: list[Article]) -> None:
    """Set `change_requests` on each article: its current round's change requests."""
    by_article: dict[int, list[ReviewAssignment]] = {a.pk: [] for a in articles}
    if articles:
        rows = ReviewAssignment.objects.filter(
            article__in=articles, decision=Decision.CHANGES_REQUESTED
        ).select_related("reviewer__user")
        rounds = {a.pk: a.review_round for a in articles}
        for row in rows:
            if row.round == rounds[row.article_id]:
                by_article[row.article_id].append(row)
    for article in articles:
        cast(Any, article).change_requests = by_article[article.pk]  # read by the template


def article_for_editor(user: AnyUser, pk: int) -> Article:
    """One visible article with sections, citations and sources prefetched, or 404."""
    citations = Citation.objects.select_related("source").order_by("number", "pk")
    queryset = (
        article_list_for_user(user)
        .select_related("author", "specialty")
        .prefetch_related("sections", Prefetch("citations", queryset=citations))
    )
    try:
        return queryset.get(pk=pk)
    except (Article.DoesNotExist, ValueError):
        raise Http404("No such article.") from None


def article_get_for_user(user: AnyUser, pk: int) -> Article:
    """One visible article (no related rows), or 404."""
    try:
        return article_list_for_user(user).select_related("author").get(pk=pk)
    except Article.DoesNotExist:
        raise Http404("No such article.") from None


def assignment_list_for_article(article: Article) -> list[ReviewAssignment]:
    """Every review assignment of the article, newest round first, with the reviewer's name."""
    return list(
        ReviewAssignment.objects.filter(article=article)
        .select_related("reviewer__user")
        .order_by("-round", "decided_at", "pk")
    )


def source_list_for_query(query: str, limit: int = 15) -> list[Source]:
    """Library sources matching a title, issuer or identifier fragment."""
    query = (query or "").strip()[:200]
    if len(query) < 2:
        return []
    match = Q()
    for name in ("title", "issuer", "doi", "pmid", "pmcid", "nct_id", "dailymed_setid", "isbn"):
        match |= Q(**{f"{name}__icontains": query})
    return list(Source.objects.filter(match).order_by("title")[:limit])
