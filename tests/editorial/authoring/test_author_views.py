"""The author pages as a signed-in author sees them: dashboard, editor, checks, submit."""

import pytest
from django.urls import reverse

from articles.models import Article, Citation, RegistryFinding
from editorial import workflow
from reviewers.models import Decision
from tests.editorial.author_helpers import editor_post, editor_url
from tests.factories import ArticleFactory, BoardMemberFactory, SourceFactory, editor_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def _changes_requested(article: Article, comment: str) -> None:
    member = BoardMemberFactory()
    (assignment,) = workflow.review_assign(article=article, reviewers=[member], actor=editor_user())
    workflow.review_decide(
        assignment=assignment,
        decision=Decision.CHANGES_REQUESTED,
        actor=member.user,
        comment=comment,
    )


def test_login_page_signs_in_and_lands_on_the_dashboard(client, author):
    response = client.post(
        reverse("login"), {"username": author.username, "password": "pw-correct-horse"}
    )
    assert response["Location"] == "/author/"
    assert client.get("/author/").status_code == 200


def test_logout_is_a_post(author_client):
    assert author_client.get("/accounts/logout/").status_code == 405
    assert author_client.post("/accounts/logout/").status_code == 302
    assert author_client.get("/author/").status_code == 302


def test_dashboard_puts_change_requests_first_with_the_reviewers_comment(author_client, author):
    ArticleFactory(author=author, title="A plain draft?")
    article = ArticleFactory(author=author, under_review=True, title="Sent back?")
    _changes_requested(article, "Please cite the 2024 guideline.")
    ArticleFactory(title="Someone else's article?")
    html = author_client.get("/author/").content.decode()
    needs = html.index("Needs your action")
    assert needs < html.index("Sent back?") < html.index("A plain draft?")
    assert "Please cite the 2024 guideline." in html
    assert "Someone else" not in html


def _dashboard_queries(client, django_assert_max_num_queries) -> None:
    # session, user, groups, counts by status, articles (+author, specialty),
    # change requests of the articles needing action, last activity (+user)
    with django_assert_max_num_queries(7):
        assert client.get("/author/").status_code == 200


def test_dashboard_query_count_does_not_grow_with_articles(
    author_client, author, django_assert_max_num_queries
):
    ArticleFactory(author=author)
    _dashboard_queries(author_client, django_assert_max_num_queries)
    for _ in range(3):
        ArticleFactory(author=author)
        _changes_requested(ArticleFactory(author=author, under_review=True), "Fix it.")
    ArticleFactory(author=author, approved=True)
    _dashboard_queries(author_client, django_assert_max_num_queries)


def _editor_queries(client, article, django_assert_max_num_queries) -> None:
    # session, user, groups, article (+author, specialty), sections, citations (+source),
    # assignments (+reviewer, user), specialty choices, the registries' latest findings on
    # the cited sources
    with django_assert_max_num_queries(9):
        assert client.get(editor_url(article)).status_code == 200


def test_editor_query_count_does_not_grow_with_sections_and_citations(
    author_client, draft, author, django_assert_max_num_queries
):
    _editor_queries(author_client, draft, django_assert_max_num_queries)
    for n in range(2, 8):
        draft.sections.create(heading=f"Part {n}", body=f"Text [{n}].", position=n)
        source = SourceFactory()
        Citation.objects.create(article=draft, number=n, source=source)
        RegistryFinding.objects.create(
            source=source, resolver="x.Crossref", registry="Crossref", identifier=source.doi,
            outcome="mismatch", detail=f"The title does not match ({n}).",
        )  # fmt: skip
    _editor_queries(author_client, draft, django_assert_max_num_queries)


def test_new_article_form_creates_a_draft_and_opens_the_editor(author_client, author):
    response = author_client.post(
        reverse("author:article_new"), {"title": "Does drug Y help?", "risk": "high"}
    )
    article = Article.objects.get(author=author)
    assert response["Location"] == editor_url(article)
    assert (article.title, article.risk, article.status) == ("Does drug Y help?", "high", "draft")


def test_new_article_with_a_script_tag_keeps_the_text_and_explains(author_client):
    typed = "Is <script>alert(1)</script> safe?"
    response = author_client.post(reverse("author:article_new"), {"title": typed, "risk": "high"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Scripts and HTML tags are not allowed" in html
    assert "Is &lt;script&gt;alert(1)&lt;/script&gt; safe?" in html
    assert not Article.objects.exists()


def test_adding_a_section_and_a_library_citation_shows_them_in_the_editor(author_client, draft):
    source = SourceFactory(title="Landmark trial", current_version="v2")
    response = author_client.post(
        editor_url(draft),
        editor_post(draft, "add-section", **{"ns-kind": "key_points", "ns-heading": "Key points"}),
    )
    assert response.status_code == 302
    author_client.post(
        editor_url(draft), editor_post(draft, "add-citation", **{"nc-source": source.pk})
    )
    html = author_client.get(editor_url(draft)).content.decode()
    assert "Section 2 · Key points" in html
    assert "Landmark trial" in html
    assert draft.citations.get(number=2).cited_version == "v2"


def test_editor_shows_citation_problems_linked_to_their_section(author_client, draft):
    section = draft.sections.get()
    section.body = "Drug X helps [1], [4]."
    section.save()
    html = author_client.get(editor_url(draft)).content.decode()
    assert "has no citation numbered 4" in html
    assert f'href="#section-{section.pk}"' in html
    assert "You can submit once these are fixed" in html
    assert 'value="submit"' not in html  # the submit button is disabled, not a form button


def test_live_check_reports_unsaved_text_and_renders_a_sanitised_preview(author_client, draft):
    section = draft.sections.get()
    data = editor_post(draft, **{f"s{section.pk}-body": "**Dose** [7] [x](javascript:alert(1))"})
    response = author_client.post(reverse("author:article_check", args=[draft.pk]), data)
    html = response.content.decode()
    assert "has no citation numbered 7" in html
    assert "<strong>Dose</strong>" in html
    assert 'title="No citation numbered 7"' in html  # the marker is flagged in the preview
    assert 'href="javascript' not in html
    section.refresh_from_db()
    assert "[7]" not in section.body  # the check writes nothing


def test_submit_saves_the_text_and_moves_the_article_to_submitted(author_client, draft):
    section = draft.sections.get()
    data = editor_post(draft, "submit", **{f"s{section.pk}-body": "Revised text [1]."})
    response = author_client.post(editor_url(draft), data)
    draft.refresh_from_db()
    section.refresh_from_db()
    assert response.status_code == 302
    assert (draft.status, section.body) == ("submitted", "Revised text [1].")
    assert "Submitted for review" in author_client.get(editor_url(draft)).content.decode()


def test_forged_submit_with_errors_is_refused_and_nothing_saved(author_client, draft):
    section = draft.sections.get()
    data = editor_post(draft, "submit", **{f"s{section.pk}-body": "Now cites [9]."})
    response = author_client.post(editor_url(draft), data)
    draft.refresh_from_db()
    section.refresh_from_db()
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert "Now cites [9]." in response.content.decode()  # what was typed stays on the page
    assert (draft.status, section.body) == ("draft", "Drug X 10 mg daily improved survival [1].")


def test_changes_requested_shows_the_comment_and_allows_resubmission(author_client, author):
    article = ArticleFactory(author=author, under_review=True)
    _changes_requested(article, "The dose needs a label citation.")
    html = author_client.get(editor_url(article)).content.decode()
    assert "The board asked for changes" in html
    assert "The dose needs a label citation." in html
    assert "Resubmit for review" in html
    author_client.post(editor_url(article), editor_post(article, "submit"))
    article.refresh_from_db()
    assert (article.status, article.review_round) == ("submitted", 2)


def test_start_revision_reopens_an_approved_article_and_keeps_the_snapshot(author_client, author):
    article = ArticleFactory(author=author, approved=True)
    snapshot = article.approved_snapshot
    assert "Start a revision" in author_client.get(editor_url(article)).content.decode()
    author_client.post(reverse("author:article_revise", args=[article.pk]))
    article.refresh_from_db()
    assert (article.status, article.approved_snapshot) == ("draft", snapshot)


def test_source_search_finds_library_sources_by_identifier(author_client):
    SourceFactory(title="Aspirin trial", pmid="12345678")
    SourceFactory(title="Unrelated")
    response = author_client.get(reverse("author:source_search"), {"nc-query": "1234567"})
    html = response.content.decode()
    assert "Aspirin trial" in html
    assert "Unrelated" not in html


def _check_queries(client, article, django_assert_max_num_queries) -> None:
    # session, user, groups, article (+author, specialty), sections, citations (+source);
    # the check itself reads the typed rows from memory; the registries' latest findings
    data = editor_post(article)
    with django_assert_max_num_queries(7):
        response = client.post(reverse("author:article_check", args=[article.pk]), data)
        assert response.status_code == 200


def test_live_check_query_count_does_not_grow_with_sections_and_citations(
    author_client, draft, django_assert_max_num_queries
):
    _check_queries(author_client, draft, django_assert_max_num_queries)
    for n in range(2, 8):
        draft.sections.create(heading=f"Part {n}", body=f"Text [{n}].", position=n)
        Citation.objects.create(article=draft, number=n, source=SourceFactory())
    _check_queries(author_client, draft, django_assert_max_num_queries)
