"""Articles in the states the public site cares about, built through the workflow services."""

from __future__ import annotations

from articles.models import Article, Citation, Section
from editorial import workflow
from reviewers.models import ReviewAssignment
from tests.factories import ArticleFactory, SourceFactory, advance, editor_user


def article_url(article: Article) -> str:
    return f"/articles/{article.slug}/"


def revise(article: Article, *, title: str, body: str) -> Article:
    """Start a revision of an approved article and change its live rows."""
    workflow.article_start_revision(article=article, actor=article.author)
    Article.objects.filter(pk=article.pk).update(title=title)
    Section.objects.filter(article=article).update(body=body)
    article.refresh_from_db()
    return article


def changes_requested_article(**kwargs) -> Article:
    article = ArticleFactory(under_review=True, **kwargs)
    assignment = ReviewAssignment.objects.get(article=article)
    workflow.review_decide(
        assignment=assignment,
        decision="changes_requested",
        actor=assignment.reviewer.user,
        comment="Cite the label.",
    )
    article.refresh_from_db()
    return article


def archived_article(**kwargs) -> Article:
    article = ArticleFactory(**kwargs)
    workflow.article_archive(article=article, actor=editor_user(), reason="withdrawn")
    article.refresh_from_db()
    return article


def approved_article_with_citations(count: int, **kwargs) -> Article:
    """An approved article citing `count` sources, each in its own sentence."""
    article = ArticleFactory(**kwargs)
    for number in range(2, count + 1):
        Citation.objects.create(article=article, number=number, source=SourceFactory())
    body = " ".join(f"Finding {n} holds [{n}]." for n in range(1, count + 1))
    Section.objects.filter(article=article).update(body=body)
    advance(article, "approved")
    article.refresh_from_db()
    return article
