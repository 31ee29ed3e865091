"""Helpers for the Medical Advisory Board tests: articles citing given sources, walked through
the real workflow services."""

from __future__ import annotations

import uuid

from articles.models import Article, Citation, Section
from editorial import workflow
from reviewers.models import BoardMember, ReviewAssignment
from tests.factories import ArticleFactory, BoardMemberFactory, SourceFactory, editor_user

FULL_CHECKLIST = {
    "authorship": True,
    "attribution": True,
    "disclosure": True,
    "currency": True,
    "grade_certainty": "moderate",
}


def cite(article: Article, *, kind: str = "drug_label", issuer: str = "Pfizer") -> Citation:
    """Cite one more source of `kind` by `issuer`, in a section of its own that uses it."""
    number = article.citations.count() + 1
    extra = {}
    if kind == "drug_label":
        extra = {"dailymed_setid": str(uuid.uuid4()), "current_version": "Revision 2024-01"}
    source = SourceFactory(kind=kind, issuer=issuer, **extra)
    Section.objects.create(
        article=article,
        kind="other",
        heading=f"Notes {number}",
        position=number + 1,
        body=f"See also the prescribing information [{number}].",
    )
    return Citation.objects.create(
        article=article, number=number, source=source, cited_version=source.current_version
    )


def article_with(*, risk: str = "standard", label_issuer: str | None = None, **kwargs) -> Article:
    """A draft (journal article cited); with `label_issuer`, also a drug label by that issuer."""
    article = ArticleFactory(risk=risk, **kwargs)
    if label_issuer is not None:
        cite(article, kind="drug_label", issuer=label_issuer)
    return article


def start_review(article: Article, members: list[BoardMember]) -> list[ReviewAssignment]:
    workflow.article_submit(article=article, actor=article.author)
    return workflow.review_assign(article=article, reviewers=members, actor=editor_user())


def member(credentials: str = "MD", **kwargs) -> BoardMember:
    return BoardMemberFactory(credentials=credentials, **kwargs)
