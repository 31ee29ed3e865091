"""What an article needs before the board sees it."""

from __future__ import annotations

from articles.models import Article
from editorial.citation_selectors import article_citation_problems


def submission_problems(article: Article) -> list[str]:
    """Sentences naming what blocks submission; empty when the article may be submitted.

    The basics (title, text, a citation) and every error of the citation check; warnings do
    not block.
    """
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
    return problems
