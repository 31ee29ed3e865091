"""The admin as board members and editors use it: decisions, assignment, read-only history,
"My reviews", pinned query counts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import workflow
from reviewers.models import ReviewAssignment
from tests.factories import ArticleFactory, BoardMemberFactory, author_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def under_review(editor, reviewer):
    article = ArticleFactory(submitted=True)
    workflow.review_assign(article=article, reviewers=[reviewer], actor=editor)
    return article


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_reviewer_lands_on_my_reviews(client, reviewer):
    client.force_login(reviewer.user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == reverse("admin:editorial_myreview_changelist")


def test_reviewer_sees_decision_form_and_approves_through_admin(client, reviewer, under_review):
    client.force_login(reviewer.user)
    page = client.get(change_url(under_review))
    assert page.status_code == 200
    assert b"Your decision" in page.content
    response = client.post(
        reverse("admin:articles_article_decide", args=[under_review.pk]),
        {
            "decision": "approved",
            "comment": "",
            "password": "pw-correct-horse",  # signing re-authenticates (issue 4)
            "authorship": "on",
            "attribution": "on",
            "disclosure": "on",
            "currency": "on",
            "grade_certainty": "high",
        },
    )
    assert response.status_code == 302
    under_review.refresh_from_db()
    assert under_review.status == "approved"
    row = under_review.history.order_by("-history_date").first()
    assert row.history_user == reviewer.user


def test_reviewer_request_changes_without_comment_changes_nothing(client, reviewer, under_review):
    client.force_login(reviewer.user)
    response = client.post(
        reverse("admin:articles_article_decide", args=[under_review.pk]),
        {"decision": "changes_requested", "comment": ""},
        follow=True,
    )
    assert "comment" in response.content.decode()
    under_review.refresh_from_db()
    assert under_review.status == "under_review"


def test_unassigned_reviewer_sees_no_form_and_post_is_refused(client, other_reviewer, under_review):
    client.force_login(other_reviewer.user)
    # not assigned: a styled refusal saying why, never the admin's "doesn't exist… deleted?"
    page = client.get(change_url(under_review))
    assert page.status_code == 403
    assert "You are not assigned to review this article." in page.content.decode()
    assert "deleted" not in page.content.decode()
    response = client.post(
        reverse("admin:articles_article_decide", args=[under_review.pk]),
        {"decision": "approved"},
    )
    assert response.status_code == 404
    under_review.refresh_from_db()
    assert under_review.status == "under_review"


def test_author_cannot_decide_or_archive_by_forged_post(client, under_review):
    client.force_login(under_review.author)
    decide = client.post(
        reverse("admin:articles_article_decide", args=[under_review.pk]), {"decision": "approved"}
    )
    archive = client.post(
        reverse("admin:articles_article_workflow", args=[under_review.pk, "archive"]),
        {"reason": "x"},
    )
    assert decide.status_code == 403
    assert archive.status_code == 403
    under_review.refresh_from_db()
    assert under_review.status == "under_review"


def test_reviewer_sees_sections_read_only(client, reviewer, under_review):
    client.force_login(reviewer.user)
    page = client.get(change_url(under_review)).content.decode()
    assert 'name="sections-0-body"' not in page
    assert "Drug X 10 mg daily" in page


def test_editor_assigns_through_admin(client, editor, reviewer):
    article = ArticleFactory(submitted=True)
    client.force_login(editor)
    form = client.get(reverse("admin:articles_article_assign", args=[article.pk]))
    assert str(reviewer) in form.content.decode()
    response = client.post(
        reverse("admin:articles_article_assign", args=[article.pk]), {"reviewers": [reviewer.pk]}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "under_review"


def test_editor_assigning_the_author_gets_a_message(client, editor):
    member = BoardMemberFactory()
    article = ArticleFactory(author=member.user, submitted=True)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_assign", args=[article.pk]), {"reviewers": [member.pk]}
    )
    # the author is not offered; a forged choice is rejected by the form, nothing changes
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == "submitted"


def test_author_submits_from_admin(client):
    author = author_user()
    article = ArticleFactory(author=author)
    client.force_login(author)
    response = client.post(reverse("admin:articles_article_workflow", args=[article.pk, "submit"]))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "submitted"


def test_author_cannot_edit_submitted_article(client):
    author = author_user()
    article = ArticleFactory(author=author, submitted=True)
    client.force_login(author)
    response = client.post(change_url(article), {"title": "Changed", "slug": article.slug})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title != "Changed"


def test_other_author_cannot_see_article(client, other_author, draft):
    client.force_login(other_author)
    page = client.get(change_url(draft))
    assert page.status_code == 403
    assert "This is not your draft" in page.content.decode()
    assert not Article.objects.filter(pk=draft.pk, title="x").exists()


def test_history_is_read_only_and_revert_post_is_refused(client, editor, under_review):
    client.force_login(editor)
    history = client.get(reverse("admin:articles_article_history", args=[under_review.pk]))
    assert history.status_code == 200
    assert b"submitted for review" in history.content
    first = under_review.history.order_by("history_date").first()
    url = reverse("admin:articles_article_simple_history", args=[under_review.pk, first.history_id])
    response = client.post(url, {"title": "reverted", "_change_history": "1"})
    assert response.status_code == 403
    under_review.refresh_from_db()
    assert under_review.status == "under_review"


def test_deleting_a_submitted_article_is_impossible(client, editor):
    article = ArticleFactory(submitted=True)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def _many_pending(member, n: int) -> None:
    author = author_user()
    articles = Article.objects.bulk_create(
        [Article(title=f"Q{i}", slug=f"q-{i}", author=author) for i in range(n)]
    )
    # bulk set state for the volume test: the workflow path is tested above
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        status="under_review", review_round=1
    )
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(article=a, reviewer=member, round=1, due_at=timezone.now())
            for a in articles
        ]
    )


def test_my_reviews_with_1000_pending_in_few_queries(
    client, reviewer, django_assert_max_num_queries
):
    _many_pending(reviewer, 1000)
    client.force_login(reviewer.user)
    url = reverse("admin:editorial_myreview_changelist")
    # session, user, member profile, groups, count, page of 50 (article joined), + admin bits
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert "1000 my reviews" in response.content.decode()


def test_article_changelist_query_count_constant(client, editor, django_assert_max_num_queries):
    for _ in range(3):
        ArticleFactory()
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    for _ in range(20):
        ArticleFactory()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_assignment_changelist_query_count_constant(
    client, editor, reviewer, django_assert_max_num_queries
):
    _many_pending(reviewer, 200)
    client.force_login(editor)
    url = reverse("admin:reviewers_reviewassignment_changelist")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200


def test_editor_edit_of_a_source_records_user_and_reason(client, editor):
    from tests.factories import SourceFactory

    source = SourceFactory(title="Old title")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_source_change", args=[source.pk]),
        {"kind": source.kind, "title": "New title", "doi": source.doi},
    )
    assert response.status_code == 302
    row = source.history.order_by("-history_date").first()
    assert row.title == "New title"
    assert row.history_user == editor
    assert row.history_change_reason == "edited in the admin"


def test_reviewer_cannot_edit_a_source(client, reviewer):
    from tests.factories import SourceFactory

    source = SourceFactory(title="Old title")
    client.force_login(reviewer.user)
    response = client.post(
        reverse("admin:articles_source_change", args=[source.pk]),
        {"kind": source.kind, "title": "Hacked"},
    )
    assert response.status_code == 403
    source.refresh_from_db()
    assert source.title == "Old title"
