"""The review page: an article's admin change page as an assigned reviewer sees it.

The article as readers will see it (the public renderer, with the reference list), its source
text, word-level diffs against the version the board last approved and against the previous
round, every reference's identifiers as links with the cited and the current source version,
the citation check, this round's decisions, and the decision form beside the article. A refused
decision re-displays the form with what was typed (never the password). Users who may not see an
article get a page saying why instead of the admin's "doesn't exist… deleted?"."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import get_template, render_to_string
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles.models import Article, Section, Status
from articles.rendering import source_links
from articles.snapshot import snapshot_hash
from editorial.access.roles import board_member_of, is_author, is_editor
from editorial.admin import review_diff
from editorial.admin.review_diff import snapshot_diff
from editorial.public.render import public_reference, public_section, render_body, render_version
from editorial.workflow import permissions as perms
from editorial.workflow.citation_check import article_citation_problems
from reviewers.conflicts import article_issuers, current_disclosures_prefetch, member_conflicts
from reviewers.models import BoardMember

REVIEW_TEMPLATE = "admin/articles/article/review.html"
REFUSAL_TEMPLATE = "admin/articles/article/refused.html"
DIFF_TEMPLATE = "admin/articles/article/_diff.html"
SOURCE_TEMPLATE = "admin/articles/article/_source_text.html"
REVIEWED_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)
CACHE_SECONDS = 24 * 3600


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
    return text_as_of(article.pk, row)


def text_as_of(article_id: int, row: Any, before: Any = None) -> dict[str, Any]:
    """Title, summaries and sections of an article as they were at a history row of it, or
    just before the moment `before` (1 query: the sections' history up to that moment)."""
    latest: dict[int, Any] = {}
    upto = {"history_date__lt": before} if before else {"history_date__lte": row.history_date}
    for version in Section.history.filter(article_id=article_id, **upto).order_by(
        "id", "-history_date", "-history_id"
    ):
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


@functools.cache
def cache_version() -> str:
    """Fingerprint of the code and templates whose output is cached: a change to any of them
    changes every key (nobody has to remember a bump)."""
    digest = hashlib.sha256()
    for name in (DIFF_TEMPLATE, SOURCE_TEMPLATE):
        # Django's template backends all give .origin; the stubs' protocol leaves it out
        digest.update(Path(get_template(name).origin.name).read_bytes())  # type: ignore[attr-defined]
    digest.update(Path(review_diff.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def _cached(kind: str, parts: list[str], compute: Callable[[], Any]) -> Any:
    """Content-addressed: the key names the exact texts compared or rendered (their SHA-256),
    so an entry never goes stale; the article cannot change while it is under review, so every
    reviewer after the first (and every reload) reads it instead of recomputing."""
    digest = hashlib.sha256("|".join([cache_version(), *parts]).encode()).hexdigest()
    key = f"review-page:{kind}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _reader_body(snapshot: dict[str, Any], content_hash: str) -> str:
    def render() -> str:
        sections = [public_section(s) for s in snapshot.get("sections", [])]
        references = [public_reference(c) for c in snapshot.get("citations", [])]
        return str(render_body(sections, references))

    return mark_safe(_cached("reader", [render_version(), content_hash], render))


def _source_html(snapshot: dict[str, Any], content_hash: str) -> str:
    def render() -> str:
        return render_to_string(SOURCE_TEMPLATE, {"source_sections": snapshot.get("sections", [])})

    return mark_safe(_cached("source", [content_hash, SOURCE_TEMPLATE], render))


def reference_rows(refs: list[Reference]) -> str:
    """The references table's rows (200 citations: format_html, not a template loop)."""
    return format_html_join(
        "\n",
        '<tr class="{}"><td>[{}]</td><td>{}{}{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>',
        (
            (
                "review-ref-warn" if ref.is_outdated or ref.retracted else "",
                ref.number,
                ref.title,
                f" — {ref.locator}" if ref.locator else "",
                format_html(' <strong class="review-flag">{}</strong>', "Retracted")
                if ref.retracted
                else "",
                format_html_join(
                    " · ",
                    '<a href="{}" rel="noopener noreferrer" class="review-id-link">{}</a>',
                    ((url, label) for label, url in ref.links),
                )
                or "—",
                ref.cited_version or "—",
                ref.current_version or "—",
                format_html(' <strong class="review-flag">{}</strong>', "newer than cited")
                if ref.is_outdated
                else "",
            )
            for ref in refs
        ),
    )


def _diff(old: dict[str, Any] | None, new: dict[str, Any], content_hash: str) -> Any:
    """{"changed": how many blocks changed, "html": the rendered diff}, or None."""
    if old is None:
        return None
    old_hash = snapshot_hash({k: v for k, v in old.items() if k != "at"})

    def render() -> dict[str, Any]:
        diff = snapshot_diff(old, new)
        return {"changed": diff["changed"], "html": render_to_string(DIFF_TEMPLATE, {"diff": diff})}

    rendered = _cached("diff", [old_hash, content_hash, DIFF_TEMPLATE], render)
    return {"changed": rendered["changed"], "html": mark_safe(rendered["html"])}


def _previous_diff(article: Article, snapshot: dict[str, Any], content_hash: str) -> Any:
    previous = previous_round_snapshot(article)
    if previous is None:
        return False  # cached as "no previous round" (None would read as a miss)
    return {**_diff(previous, snapshot, content_hash), "at": previous["at"]}


def review_context(article: Article, snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the review page shows besides the workflow panel (citation check: 2 queries;
    previous round: 2 queries from the second round on)."""
    problems = article_citation_problems(article)
    content_hash = snapshot_hash(snapshot)
    approved = article.approved_snapshot if isinstance(article.approved_snapshot, dict) else None
    # A past round's text never changes (the history is append-only): its diff against this
    # content is cached by article, round and content hash, skipping the 2 history queries.
    previous_key = [str(article.pk), str(article.review_round - 1), content_hash]
    diff_previous = _cached(
        "previous", previous_key, lambda: _previous_diff(article, snapshot, content_hash)
    )
    return {
        "reader_body": _reader_body(snapshot, content_hash),
        "source_html": _source_html(snapshot, content_hash),
        "snapshot": snapshot,
        "reference_rows": reference_rows(references(article, snapshot)),
        "problems": problems,
        "problem_errors": sum(p.is_error for p in problems),
        "diff_approved": _diff(approved, snapshot, content_hash),
        "diff_previous": diff_previous
        and {**diff_previous, "html": mark_safe(diff_previous["html"])},
        "previous_at": diff_previous["at"] if diff_previous else None,
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
