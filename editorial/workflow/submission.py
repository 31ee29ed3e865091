"""What an article needs before the board sees it."""

from __future__ import annotations

from articles.citations import check_content
from articles.content import article_content
from articles.models import Article, Citation, Section


def submission_problems(article: Article) -> list[str]:
    """Sentences naming what blocks submission; empty when the article may be submitted."""
    return submission_check(article)[0]


def _content(article: Article) -> tuple[list[Section], list[Citation]]:
    """The rows already prefetched on the article when both are (the author's unsaved draft,
    the API's citation check), else the saved ones in one query."""
    cached = getattr(article, "_prefetched_objects_cache", {})
    if "sections" in cached and "citations" in cached:
        return list(article.sections.all()), list(article.citations.all())
    return article_content(article)


def submission_check(article: Article) -> tuple[list[str], int]:
    """What blocks submission (the basics and every citation-check error) and how many
    citation-check warnings remain; warnings do not block but are recorded with the submission
    so the audit timeline shows what the board was sent. One query (articles.content), none
    when both are prefetched."""
    problems: list[str] = []
    sections, citations = _content(article)
    check = check_content(sections, citations)
    if not article.title.strip():
        problems.append("The article needs a title (the clinical question).")
    if not any(s.body.strip() for s in sections):
        problems.append("The article needs at least one section with text.")
    if not citations:
        problems.append("The article needs at least one citation.")
    problems.extend(p.message for p in check if p.is_error)
    return problems, sum(1 for p in check if not p.is_error)
