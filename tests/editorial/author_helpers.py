"""Shared helpers for the author UI tests: the editor's POST as a browser sends it."""

from __future__ import annotations

from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from articles.models import Article, Citation, Section, Source
from tests.factories import ArticleFactory


def editor_url(article: Article) -> str:
    return reverse("author:article_editor", args=[article.pk])


def editor_post(article: Article, action: str = "save", **overrides) -> dict:
    """Every field of the editor form with the saved values, as the page would post them."""
    article.refresh_from_db()
    data = {
        "version": article.updated_at.isoformat(),
        "action": action,
        "title": article.title,
        "summary": article.summary,
        "plain_summary": article.plain_summary,
        "specialty": article.specialty_id or "",
        "risk": article.risk,
        "ns-kind": "other",
        "ns-heading": "",
        "nc-locator": "",
    }
    for s in article.sections.all():
        data.update(
            {f"s{s.pk}-kind": s.kind, f"s{s.pk}-heading": s.heading, f"s{s.pk}-body": s.body}
        )
    for c in article.citations.all():
        data.update({f"c{c.pk}-locator": c.locator, f"c{c.pk}-cited_version": c.cited_version})
    data.update(overrides)
    return data


def big_article(author, n: int) -> Article:
    """A draft of `author` with n sections ("Part p": "Finding p [p].") and n citations."""
    article = ArticleFactory(author=author, title="A very long review")
    article.sections.all().delete()
    article.citations.all().delete()
    sources = Source.objects.bulk_create(
        Source(kind="journal_article", title=f"Trial {k}", doi=f"10.1000/big{n}-{k}")
        for k in range(n)
    )
    bulk_create_with_history(
        [
            Section(
                article=article, kind="research", position=p, heading=f"Part {p}",
                body=f"Finding {p} [{p}].",
            )
            for p in range(1, n + 1)
        ],
        Section,
    )  # fmt: skip
    bulk_create_with_history(
        [Citation(article=article, number=k + 1, source=s) for k, s in enumerate(sources)],
        Citation,
    )
    article.refresh_from_db()
    return article
