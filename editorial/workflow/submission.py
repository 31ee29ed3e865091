"""What an article needs before the board sees it."""

from __future__ import annotations

from articles.models import Article
from editorial.workflow.citation_check import article_citation_problems


def submission_problems(article: Article) -> list[str]:
    """Sentences naming what blocks submission; empty when the article may be submitted."""
    return submission_check(article)[0]


def submission_check(article: Article) -> tuple[list[str], int]:
    """What blocks submission (the basics and every citation-check error) and how many
    citation-check warnings remain; warnings do not block but are recorded with the submission
    so the audit timeline shows what the board was sent."""
    problems: list[str] = []
    check = article_citation_problems(article)
    sections = list(article.sections.all())
    if not article.title.strip():
        problems.append("The article needs a title (the clinical question).")
    if not any(s.body.strip() for s in sections):
        problems.append("The article needs at least one section with text.")
    if not article.citations.all():
        problems.append("The article needs at least one citation.")
    problems.extend(p.message for p in check if p.is_error)
    return problems, sum(1 for p in check if not p.is_error)
