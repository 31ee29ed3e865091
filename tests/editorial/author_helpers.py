"""Shared helpers for the author UI tests: the editor's POST as a browser sends it."""

from __future__ import annotations

from django.urls import reverse

from articles.models import Article


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
