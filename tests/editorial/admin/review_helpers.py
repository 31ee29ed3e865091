"""Articles at the stages the review page compares: revised after approval, resubmitted after a
round that asked for changes; and big ones for the query-count and bench."""

from __future__ import annotations

from articles.models import Article, Citation, Section
from editorial import workflow
from reviewers.models import BoardMember
from tests.board import member
from tests.factories import ArticleFactory, SourceFactory, editor_user


def revised_after_approval(reviewer: BoardMember, *, old: str, new: str) -> Article:
    """Approved with `old` as its research text, revised to `new`, under review by `reviewer`."""
    article = ArticleFactory(approved=True)
    Section.objects.filter(article=article).update(body=old)
    article.refresh_from_db()
    # approve again so the approved snapshot holds `old` (the factory approved the default)
    workflow.article_start_revision(article=article, actor=article.author)
    workflow.article_submit(article=article, actor=article.author)
    (assignment,) = workflow.review_assign(article=article, reviewers=[member()], actor=editor())
    workflow.review_decide(
        assignment=assignment, decision="approved", actor=assignment.reviewer.user
    )
    workflow.article_start_revision(article=article, actor=article.author)
    section = article.sections.get()
    section.body = new
    section.save()
    workflow.article_submit(article=article, actor=article.author)
    workflow.review_assign(article=article, reviewers=[reviewer], actor=editor())
    article.refresh_from_db()
    return article


def resubmitted_after_changes(reviewer: BoardMember, *, old: str, new: str) -> Article:
    """Round 1 read `old` and asked for changes; round 2 reads `new`, assigned to `reviewer`."""
    article = ArticleFactory()
    section = article.sections.get()
    section.body = old
    section.save()
    first = member()
    workflow.article_submit(article=article, actor=article.author)
    (assignment,) = workflow.review_assign(article=article, reviewers=[first], actor=editor())
    workflow.review_decide(
        assignment=assignment,
        decision="changes_requested",
        comment="Say which dose.",
        actor=first.user,
    )
    section.body = new
    section.save()
    workflow.article_submit(article=article, actor=article.author)
    workflow.review_assign(article=article, reviewers=[reviewer], actor=editor())
    article.refresh_from_db()
    return article


def big_article(sections: int, citations: int, *, author=None) -> Article:
    """A draft with `sections` sections citing `citations` sources between them."""
    article = ArticleFactory(**({"author": author} if author else {}))
    article.sections.all().delete()
    article.citations.all().delete()
    per = max(1, citations // sections)
    Section.objects.bulk_create(
        Section(
            article=article,
            kind="research",
            heading=f"Finding {i + 1}",
            position=i + 1,
            body=" ".join(
                f"Statement {n} about the drug reduced events by {n}% [{n}]."
                for n in range(i * per + 1, min(citations, (i + 1) * per) + 1)
            )
            or "Background without citations.",
        )
        for i in range(sections)
    )
    sources = SourceFactory.create_batch(citations, current_version="2026.1")
    Citation.objects.bulk_create(
        Citation(article=article, number=n, source=s, cited_version="2025.1")
        for n, s in enumerate(sources, start=1)
    )
    return article


def editor():
    return editor_user()
