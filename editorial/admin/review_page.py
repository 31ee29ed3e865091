"""The review page: an article's admin change page as an assigned reviewer sees it.

The article as readers will see it (the public renderer, with the reference list), its source
text, word-level diffs against the version the board last approved and against the previous
round, every reference's identifiers as links with the cited and the current source version,
the citation check, this round's decisions, and the decision form beside the article. A refused
decision re-displays the form with what was typed (never the password). Users who may not see an
article get a page saying why instead of the admin's "doesn't exist… deleted?"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.response import TemplateResponse

from articles.models import Article, Section, Status
from articles.rendering import source_links
from editorial.access.roles import board_member_of, is_author, is_editor
from editorial.admin.review_diff import snapshot_diff
from editorial.public.render import public_reference, public_section, render_body
from editorial.workflow import permissions as perms
from editorial.workflow.citation_check import article_citation_problems
from reviewers.conflicts import article_issuers, current_disclosures_prefetch, member_conflicts
from reviewers.models import BoardMember

REVIEW_TEMPLATE = "admin/articles/article/review.html"
REFUSAL_TEMPLATE = "admin/articles/article/refused.html"
REVIEWED_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)


@dataclass(frozen=True)
class Reference:
    number: int
    title: str
    locator: str
    links: list[tuple[str, str]]
    cited_version: str
    current_version: str
    retracted: bool

    @property
    def is_outdated(self) -> bool:
        return bool(self.current_version) and self.cited_version != self.current_version


def shows_review_page(request: HttpRequest, article: Article, assignments: list) -> bool:
    """Assigned reviewers get the review page; editors too when they ask (?view=review).
    Whoever may edit the article keeps the change form."""
    if request.GET.get("view") == "review" and is_editor(request.user):
        return True
    if article.is_editable and perms.can_edit(article, request.user):
        return False
    return any(a.reviewer.user_id == request.user.pk for a in assignments)


def previous_round_snapshot(article: Article) -> dict[str, Any] | None:
    """The text the board reviewed in the previous round (2 queries): the article's last
    history row of that round while it was with the board (nobody can edit it then), and its
    sections' history up to that moment."""
    if article.review_round < 2:
        return None
    row = (
        Article.history.filter(
            id=article.pk, review_round=article.review_round - 1, status__in=REVIEWED_STATUSES
        )
        .order_by("-history_date", "-history_id")
        .only("history_date", "title", "summary", "plain_summary")
        .first()
    )
    if row is None:
        return None
    latest: dict[int, Any] = {}
    for version in Section.history.filter(
        article_id=article.pk, history_date__lte=row.history_date
    ).order_by("id", "-history_date", "-history_id"):
        latest.setdefault(version.id, version)
    sections = sorted(
        (v for v in latest.values() if v.history_type != "-"), key=lambda v: (v.position, v.id)
    )
    return {
        "title": row.title,
        "summary": row.summary,
        "plain_summary": row.plain_summary,
        "sections": [
            {"kind": s.kind, "heading": s.heading, "body": s.body, "position": s.position}
            for s in sections
        ],
        "at": row.history_date,
    }


def references(article: Article, snapshot: dict[str, Any]) -> list[Reference]:
    """Each cited source with its identifiers as links, its cited and current version; reads
    the citations the citation check prefetched (no query of its own)."""
    sources = {c.number: c.source for c in article.citations.all()}
    refs = []
    for cited in snapshot.get("citations", []):
        source = sources.get(cited["number"])
        refs.append(
            Reference(
                number=cited["number"],
                title=cited["source"].get("title", ""),
                locator=cited.get("locator", ""),
                links=source_links(cited["source"]),
                cited_version=cited.get("cited_version", ""),
                current_version=source.current_version if source else "",
                retracted=bool(source and source.retracted),
            )
        )
    return refs


def review_context(article: Article, snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the review page shows besides the workflow panel (citation check: 2 queries;
    previous round: 2 queries from the second round on)."""
    problems = article_citation_problems(article)
    reader_sections = [public_section(s) for s in snapshot.get("sections", [])]
    reader_refs = [public_reference(c) for c in snapshot.get("citations", [])]
    approved = article.approved_snapshot if isinstance(article.approved_snapshot, dict) else None
    previous = previous_round_snapshot(article)
    return {
        "reader_body": render_body(reader_sections, reader_refs),
        "source_sections": snapshot.get("sections", []),
        "snapshot": snapshot,
        "references": references(article, snapshot),
        "problems": problems,
        "problem_errors": sum(p.is_error for p in problems),
        "diff_approved": snapshot_diff(approved, snapshot) if approved else None,
        "diff_previous": snapshot_diff(previous, snapshot) if previous else None,
        "previous_at": previous["at"] if previous else None,
    }


def review_response(
    admin_obj, request: HttpRequest, article: Article, context: dict[str, Any], status: int = 200
) -> TemplateResponse:
    """Render the review page (the workflow panel's context plus review_context)."""
    full = {
        **admin_obj.admin_site.each_context(request),
        "title": f"Review: {article}",
        "opts": admin_obj.model._meta,
        "original": article,
        **context,
        **review_context(article, context["snapshot"]),
    }
    full["others"] = [
        a
        for a in context["assignments"]
        if a.round == article.review_round and a.reviewer.user_id != request.user.pk
    ]
    return TemplateResponse(request, REVIEW_TEMPLATE, full, status=status)


def refusal_reason(request: HttpRequest, article: Article) -> str:
    """Why this user may not open this article, in a sentence."""
    user = request.user
    member: BoardMember | None = board_member_of(user)
    if member is not None:
        member = (
            BoardMember.objects.filter(pk=member.pk)
            .prefetch_related(current_disclosures_prefetch())
            .first()
        )
    if member is not None:
        conflicts = member_conflicts(member, article_issuers(article))
        if conflicts:
            return (
                "You have a conflict of interest with this article ("
                + "; ".join(conflicts)
                + "), so it is not shown to you."
            )
        return (
            "You are not assigned to review this article. Editors assign reviewers; "
            "your assigned articles are listed under Articles."
        )
    if is_author(user):
        return "This is not your draft: authors see only the articles they wrote."
    return "Your account has no role that lets it open this article."


def refusal_response(admin_obj, request: HttpRequest, object_id: str) -> TemplateResponse:
    """A styled page saying why the article is refused (403), or that it does not exist (404)."""
    article = Article.objects.filter(pk=object_id).first() if object_id.isdigit() else None
    context = {
        **admin_obj.admin_site.each_context(request),
        "title": "You cannot open this article" if article else "No such article",
        "opts": admin_obj.model._meta,
        "reason": refusal_reason(request, article)
        if article
        else "There is no article with this number. It may have been deleted before it was "
        "submitted, or the link is mistyped.",
    }
    return TemplateResponse(request, REFUSAL_TEMPLATE, context, status=403 if article else 404)
