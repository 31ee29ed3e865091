"""Issue 20 point 9: only signed content is served as reviewed."""

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from tests.editorial.public_helpers import article_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BADGE = "Reviewed for accuracy by our board"


def _tamper(article: Article) -> None:
    snapshot = dict(article.approved_snapshot)
    snapshot["summary"] = "Take twice the dose."
    Article.objects.filter(pk=article.pk).update(approved_snapshot=snapshot)  # no history, no FSM


def test_snapshot_changed_outside_the_workflow_is_served_as_pending(client):
    article = ArticleFactory(approved=True)
    reviewer_name = article.assignments.get().reviewer.user.get_full_name()
    first = client.get(article_url(article))
    html = first.content.decode()
    assert BADGE in html and reviewer_name in html
    assert 'data-review-state="reviewed"' in html

    _tamper(article)
    response = client.get(article_url(article), HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200  # not a 304 of the reviewed page
    html = response.content.decode()
    assert 'data-review-state="pending"' in html
    assert BADGE not in html
    assert reviewer_name not in html
    assert "pending human review" in html
    assert "lastReviewed" not in html and "reviewedBy" not in html


def test_verify_audit_names_the_unsigned_snapshot(capsys):
    good = ArticleFactory(approved=True)
    bad = ArticleFactory(approved=True)
    call_command("verify_audit")  # all signed: passes
    _tamper(bad)
    with pytest.raises(CommandError, match="not covered by a signature"):
        call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"UNSIGNED article {bad.slug!r}" in out
    assert f"UNSIGNED article {good.slug!r}" not in out
