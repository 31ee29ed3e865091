"""What an article needs before the board sees it."""

from __future__ import annotations

from articles.markers import cited_numbers
from articles.models import Article


def submission_problems(article: Article) -> list[str]:
    """Sentences naming what blocks submission; empty when the article may be submitted."""
    problems: list[str] = []
    sections = list(article.sections.all())
    numbers = {c.number for c in article.citations.all()}
    if not article.title.strip():
        problems.append("The article needs a title (the clinical question).")
    if not any(s.body.strip() for s in sections):
        problems.append("The article needs at least one section with text.")
    if not numbers:
        problems.append("The article needs at least one citation.")
    missing = sorted({n for s in sections for n in cited_numbers(s.body)} - numbers)
    if missing:
        listed = ", ".join(f"[{n}]" for n in missing)
        problems.append(
            f"The text cites {listed} but the article has no citation with that number."
        )
    return problems
