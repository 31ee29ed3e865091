"""What the public pages cache and when it is dropped: the board and specialties (the
directory), the rendered index pages; and what a page view then costs."""

import re

import pytest

from editorial import workflow
from editorial.public_selectors import board_for_public, specialties_for_public
from reviewers.models import BoardMember, ReviewAssignment
from tests.editorial.public_helpers import article_url
from tests.factories import (
    ArticleFactory,
    DisclosureFactory,
    SpecialtyFactory,
    UserFactory,
    editor_user,
)

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return re.findall(
        r'article-card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


# --- the article page ---


def test_article_page_with_the_board_cached_costs_two_queries(
    client, django_assert_max_num_queries
):
    first, second = ArticleFactory(approved=True), ArticleFactory(approved=True)
    approver = ReviewAssignment.objects.get(article=second).reviewer
    client.get(article_url(first))  # reads the board and the specialties once
    # 1 the page's row (the version probe), 1 the approvals signed over its content
    with django_assert_max_num_queries(2):
        html = client.get(article_url(second)).content.decode()
    assert approver.user.get_full_name() in html


def test_the_board_is_read_again_after_a_member_or_a_disclosure_changes():
    article = ArticleFactory(approved=True)
    member = ReviewAssignment.objects.get(article=article).reviewer
    assert board_for_public()[member.pk].disclosures == ()
    DisclosureFactory(member=member, organisation="Roche", kind="speaker")
    assert [d.organisation for d in board_for_public()[member.pk].disclosures] == ["Roche"]
    member.user.last_name = "Renamed"
    member.user.save()
    assert board_for_public()[member.pk].name.endswith("Renamed")


def test_a_member_the_cached_board_does_not_know_is_still_listed(client):
    user = UserFactory(first_name="Newly", last_name="Appointed")
    editor = editor_user()
    article = ArticleFactory()
    workflow.article_submit(article=article, actor=article.author)
    assert board_for_public() == {}  # cached before the member exists, as in another worker
    # bulk_create sends no signal: the cached board stays as it was
    (member,) = BoardMember.objects.bulk_create([BoardMember(user=user, credentials="MD")])
    (assignment,) = workflow.review_assign(article=article, reviewers=[member], actor=editor)
    workflow.review_decide(assignment=assignment, decision="approved", actor=user)
    assert "Newly Appointed, MD" in client.get(article_url(article)).content.decode()


# --- the index ---


def test_an_index_page_already_rendered_costs_one_query(client, django_assert_max_num_queries):
    ArticleFactory(approved=True, title="Cached question?")
    first = client.get("/")
    # 1 the page's ids and last saves (the freshness probe); the page comes from the cache
    with django_assert_max_num_queries(1):
        again = client.get("/")
    assert again.content == first.content and _titles(again) == ["Cached question?"]
    assert client.get("/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_an_index_page_changes_with_what_it_lists(client):
    listed = ArticleFactory(approved=True, title="Listed question?")
    etag = client.get("/")["ETag"]
    ArticleFactory(approved=True, title="Newer question?")
    response = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert _titles(response) == ["Newer question?", "Listed question?"]
    workflow.article_flag_stale(article=listed, reason="label revised", actor=None)
    assert "Being re-reviewed" in client.get("/").content.decode()


def test_an_index_page_changes_when_a_specialty_is_renamed(client):
    specialty = SpecialtyFactory(name="Cardiology")
    ArticleFactory(approved=True, specialty=specialty)
    etag = client.get("/")["ETag"]
    assert specialties_for_public().by_id[specialty.pk].name == "Cardiology"
    specialty.name = "Cardiovascular medicine"
    specialty.save()
    response = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Cardiovascular medicine" in response.content.decode()


# --- a new release ---


def test_a_release_that_changes_the_public_templates_changes_every_etag(
    client, monkeypatch, tmp_path
):
    """No version to bump by hand: after a deploy that edits a public template, a reader's
    cached copy (If-None-Match) and the page caches no longer match."""
    import shutil

    from django.template.loader import get_template

    from editorial.public_selectors import visibility

    article = ArticleFactory(approved=True)
    visibility.page_version.cache_clear()
    before = client.get(article_url(article))
    etag = before.headers["ETag"]
    assert client.get(article_url(article), HTTP_IF_NONE_MATCH=etag).status_code == 304

    real = get_template("public/base_public.html").origin.name
    release = tmp_path / "public"
    shutil.copytree(visibility.Path(real).parent, release)
    (release / "partials" / "_tracker.html").write_text("<ol>changed</ol>")
    template = type("T", (), {"origin": type("O", (), {"name": str(release / "base_public.html")})})
    monkeypatch.setattr(visibility, "get_template", lambda name: template)
    visibility.page_version.cache_clear()
    try:
        after = client.get(article_url(article), HTTP_IF_NONE_MATCH=etag)
        assert after.status_code == 200
        assert after.headers["ETag"] != etag
    finally:
        visibility.page_version.cache_clear()
