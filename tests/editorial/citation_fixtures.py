"""Database articles for the citation service, submission and command tests."""

from __future__ import annotations

from articles.models import Article, Citation, Section
from tests.factories import ArticleFactory, SourceFactory


def article_with(author, bodies: list[str], numbers: list[int], **kwargs) -> Article:
    """A draft whose sections have these bodies and whose citations carry these numbers
    (each a distinct journal article); replaces the factory's own section and citation."""
    article = ArticleFactory(author=author, **kwargs)
    article.sections.all().delete()
    article.citations.all().delete()
    for position, body in enumerate(bodies, start=1):
        Section.objects.create(article=article, kind="research", body=body, position=position)
    for number in numbers:
        Citation.objects.create(article=article, number=number, source=SourceFactory())
    return article
