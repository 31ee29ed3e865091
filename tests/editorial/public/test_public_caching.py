"""What the public pages cache and when it is dropped: the board and specialties (the
directory), the rendered index pages; and what a page view then costs."""

import re

import pytest

from editorial import workflow
from editorial.public.selectors import board_for_public, specialties_for_public
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


def test_article_page_with_the_board_cached_costs_four_queries(
    client, django_assert_max_num_queries
):
    first, second = ArticleFactory(approved=True), ArticleFactory(approved=True)
    approver = ReviewAssignment.objects.get(article=second).reviewer
    client.get(article_url(first))  # reads the board and the specialties once
    # 1 the version probe (a few columns: every view pays it), 1 the page's row with its
    # author's byline, 1 the approvals (the reviewers and the Changes list), 1 the approved
    # versions (history)
    with django_assert_max_num_queries(4):
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


def test_the_filter_finds_a_specialty_created_in_another_worker(client):
    from django.db.models.signals import post_save

    from articles.models import Article
    from editorial.public.selectors.directory import directory_changed

    article = ArticleFactory(approved=True, title="Kidney question?")
    client.get("/")  # this worker caches the specialties
    uid = "directory-reviewers.Specialty"
    post_save.disconnect(directory_changed, sender="reviewers.Specialty", dispatch_uid=uid)
    try:  # created in another worker: this one's cache is not dropped
        nephrology = SpecialtyFactory(name="Nephrology", slug="nephrology")
    finally:
        post_save.connect(directory_changed, sender="reviewers.Specialty", dispatch_uid=uid)
    Article.objects.filter(pk=article.pk).update(specialty=nephrology)
    assert _titles(client.get("/?specialty=nephrology")) == ["Kidney question?"]


# --- a new release ---


def test_a_release_that_changes_the_public_templates_changes_every_etag(
    client, monkeypatch, tmp_path
):
    """No version to bump by hand: after a deploy that edits a public template, a reader's
    cached copy (If-None-Match) and the page caches no longer match."""
    import shutil

    from django.template.loader import get_template

    from editorial.public.selectors import visibility

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


# --- how long a changed board can stay on a page ---


def test_a_disclosure_saved_in_another_worker_reaches_its_pages_within_the_cache_bound(
    client,
):
    """PUBLIC_PAGE_CACHE_SECONDS bounds what a drop cannot reach (another worker's cache): the
    page cache must not add its own lifetime on top of the board cache's."""
    from datetime import timedelta

    import time_machine
    from django.core.cache import cache
    from django.db.models.signals import post_save
    from django.utils import timezone

    from editorial.public.selectors.directory import directory_changed

    first, second = ArticleFactory(approved=True), ArticleFactory(approved=True)
    member = ReviewAssignment.objects.get(article=second).reviewer
    uid = "directory-reviewers.Disclosure"
    cache.clear()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(article_url(first))  # this worker caches the board: no disclosures
        # saved in another worker: its signal drops that worker's cache, not this one's
        post_save.disconnect(directory_changed, sender="reviewers.Disclosure", dispatch_uid=uid)
        try:
            DisclosureFactory(member=member, organisation="Pfizer", kind="consulting")
        finally:
            post_save.connect(directory_changed, sender="reviewers.Disclosure", dispatch_uid=uid)
    with time_machine.travel(start + timedelta(seconds=290), tick=False):
        assert "Pfizer" not in client.get(article_url(second)).content.decode()  # cached
    with time_machine.travel(start + timedelta(seconds=310), tick=False):
        assert "Pfizer" in client.get(article_url(second)).content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_page_view_during_a_disclosure_save_does_not_cache_the_old_board():
    """The drop on post_save comes before the COMMIT: a reader in between (another thread of
    the same worker) reads the old board; the drop after the commit discards it."""
    import threading

    from django.core.cache import cache
    from django.db import connection, transaction

    article = ArticleFactory(approved=True)
    member = ReviewAssignment.objects.get(article=article).reviewer
    cache.clear()
    saved, read = threading.Event(), threading.Event()

    def reader() -> None:
        try:
            saved.wait(10)
            board_for_public()
        finally:
            read.set()
            connection.close()

    thread = threading.Thread(target=reader)
    thread.start()
    with transaction.atomic():  # as the admin's change view
        DisclosureFactory(member=member, organisation="Roche", kind="speaker")
        saved.set()
        read.wait(10)
    thread.join()
    assert [d.organisation for d in board_for_public()[member.pk].disclosures] == ["Roche"]
