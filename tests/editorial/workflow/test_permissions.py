"""Permission matrix: every transition x every persona, enforced by the services."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from articles.models import Article
from editorial import workflow
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["author", "other_author", "assigned_reviewer", "unassigned_reviewer", "editor", "anon"]

# transition -> (state the article must be in, personas allowed)
MATRIX = {
    "submit": ("draft", {"author", "editor"}),
    "assign": ("submitted", {"editor"}),
    "approve": ("under_review", {"assigned_reviewer"}),
    "request_changes": ("under_review", {"assigned_reviewer"}),
    "flag_stale": ("approved", {"editor"}),
    "rereview": ("stale", {"editor"}),
    "start_revision": ("approved", {"author", "editor"}),
    "archive": ("under_review", {"editor"}),
}


@pytest.fixture
def people(author, other_author, reviewer, other_reviewer, editor):
    return {
        "author": author,
        "other_author": other_author,
        "assigned_reviewer": reviewer.user,
        "unassigned_reviewer": other_reviewer.user,
        "editor": editor,
        "anon": AnonymousUser(),
    }


def article_in(state: str, author, reviewer, editor) -> Article:
    """An article by `author` in `state`, reviewed (or being reviewed) by `reviewer`."""
    article = ArticleFactory(author=author)
    if state == "draft":
        return article
    workflow.article_submit(article=article, actor=author)
    if state == "submitted":
        return article
    workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    if state == "under_review":
        return article
    assignment = article.assignments.get()
    workflow.review_decide(assignment=assignment, decision="approved", actor=reviewer.user)
    if state == "approved":
        return article
    workflow.article_flag_stale(article=article, reason="label changed")
    return article


def fire(transition: str, article: Article, actor, reviewer) -> None:
    if transition == "submit":
        workflow.article_submit(article=article, actor=actor)
    elif transition == "assign":
        workflow.review_assign(article=article, reviewers=[reviewer], actor=actor)
    elif transition in ("approve", "request_changes"):
        decision = "approved" if transition == "approve" else "changes_requested"
        assignment = article.assignments.get()
        workflow.review_decide(
            assignment=assignment, decision=decision, actor=actor, comment="See notes."
        )
    elif transition == "flag_stale":
        workflow.article_flag_stale(article=article, reason="new label", actor=actor)
    elif transition == "rereview":
        workflow.article_rereview(article=article, actor=actor)
    elif transition == "start_revision":
        workflow.article_start_revision(article=article, actor=actor)
    elif transition == "archive":
        workflow.article_archive(article=article, actor=actor, reason="duplicate")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("transition", list(MATRIX))
def test_permission_matrix(transition, persona, people, author, reviewer, editor):
    state, allowed = MATRIX[transition]
    article = article_in(state, author, reviewer, editor)
    before = (article.history.count(), article.assignments.filter(decision="pending").count())
    actor = people[persona]
    if persona in allowed:
        fire(transition, article, actor, reviewer)
        article.refresh_from_db()
        assert article.status != state or transition == "assign"
    else:
        with pytest.raises(PermissionDenied):
            fire(transition, article, actor, reviewer)
        article.refresh_from_db()
        assert article.status == state
        assert (
            article.history.count(),
            article.assignments.filter(decision="pending").count(),
        ) == before


def test_author_of_article_may_submit_without_authors_group(other_author, editor):
    """The article's author submits whatever their groups (e.g. an editor writing)."""
    other_author.groups.clear()
    article = ArticleFactory(author=other_author)
    assert workflow.article_submit(article=article, actor=other_author).status == "submitted"


def test_inactive_editor_is_refused(editor):
    editor.is_active = False
    editor.save()
    article = ArticleFactory(submitted=True)
    with pytest.raises(PermissionDenied):
        workflow.article_archive(article=article, actor=editor, reason="x")
