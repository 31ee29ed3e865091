"""An article of 300 sections and 300 citations in the editor: shown as text with an "Edit" per
section and citation (a few dozen fields, not 1,800), one section saved at a time under the
article's version check, and a save that cannot proceed keeps what the author typed and says
why (bad input, another tab's save, a section removed meanwhile, the article submitted
meanwhile, the session ended)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Citation, Section
from editorial.authoring import services as authoring
from tests.editorial.author_helpers import big_article, editor_url

pytestmark = pytest.mark.django_db
N = 300
FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"')


@pytest.fixture
def big(author):
    return big_article(author, N)


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def _page(article: Article, *rows: Section | Citation, action: str = "save") -> dict[str, str]:
    """What the editor page posts: the question, the version token and the open rows."""
    article.refresh_from_db()
    data = {
        "title": article.title,
        "summary": article.summary,
        "plain_summary": article.plain_summary,
        "specialty": article.specialty_id or "",
        "risk": article.risk,
        "version": article.updated_at.isoformat(),
        "action": action,
    }
    for row in rows:
        if isinstance(row, Section):
            for name in ("kind", "heading", "body"):
                data[f"s{row.pk}-{name}"] = getattr(row, name)
        else:
            for name in ("locator", "cited_version"):
                data[f"c{row.pk}-{name}"] = getattr(row, name)
    return data


def _whole_page(article) -> dict[str, str]:
    return _page(article, *article.sections.all(), *article.citations.all())


def test_a_300_section_article_opens_as_text_with_an_edit_button_per_row(author_client, big):
    response = author_client.get(editor_url(big))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Finding 150" in html and "Part 150" in html  # every section, as readers see it
    assert "Trial 299" in html
    assert html.count('value="edit-section:') == N
    assert html.count('value="edit-citation:') == N
    fields = set(FIELD.findall(html))
    assert len(fields) < 40, sorted(fields)
    assert not any(name.endswith("-body") for name in fields)


def test_opening_one_section_shows_its_fields_and_no_others(author_client, big):
    section = big.sections.get(position=150)

    html = author_client.get(editor_url(big) + f"?section={section.pk}").content.decode()

    fields = set(FIELD.findall(html))
    assert {f"s{section.pk}-body", f"s{section.pk}-heading", f"s{section.pk}-kind"} <= fields
    assert [name for name in fields if name.endswith("-body")] == [f"s{section.pk}-body"]
    assert f'id="preview-{section.pk}"' in html  # its live preview
    assert html.count('value="edit-section:') == N - 1


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_editor_query_count_does_not_grow_with_300_sections(author_client, author, big):
    # session, user, groups, article (+author, specialty), sections, citations (+source),
    # assignments (+reviewer, user), specialty choices, the registries' findings on the sources
    small = big_article(author, n=45)  # over the inline limit too: the same page
    counts = {
        "300": _queries(author_client, editor_url(big)),
        "45": _queries(author_client, editor_url(small)),
        "300, one open": _queries(
            author_client, editor_url(big) + f"?section={big.sections.last().pk}"
        ),
    }
    assert set(counts.values()) == {9}, counts


def test_saving_one_section_of_300_writes_that_section_and_keeps_it_open(author_client, big):
    section = big.sections.get(position=150)
    data = _page(big, section)
    data[f"s{section.pk}-body"] = "Finding 150 [150], confirmed in 2026."
    versions = big.history.count()

    response = author_client.post(editor_url(big), data)

    assert response.status_code == 302
    assert response["Location"] == editor_url(big) + f"?section={section.pk}#section-{section.pk}"
    section.refresh_from_db()
    assert section.body == "Finding 150 [150], confirmed in 2026."
    assert Section.objects.filter(article=big, body__startswith="Finding ").count() == N
    assert big.history.count() == versions + 1  # one new version of the article
    assert Section.history.filter(article=big, history_type="~").count() == 1


def test_edit_on_another_section_saves_the_open_one_first(author_client, big):
    first, other = big.sections.get(position=1), big.sections.get(position=2)
    data = _page(big, first, action=f"edit-section:{other.pk}")
    data[f"s{first.pk}-body"] = "Typed in the first section [1]."

    response = author_client.post(editor_url(big), data)

    assert response["Location"] == editor_url(big) + f"?section={other.pk}#section-{other.pk}"
    first.refresh_from_db()
    assert first.body == "Typed in the first section [1]."


def test_save_and_close_returns_to_the_section_as_text(author_client, big):
    citation = big.citations.get(number=7)
    data = _page(big, citation, action="close")
    data[f"c{citation.pk}-locator"] = "Table 2"

    response = author_client.post(editor_url(big), data)

    assert response["Location"] == editor_url(big) + f"#citation-{citation.pk}"
    citation.refresh_from_db()
    assert citation.locator == "Table 2"
    assert (
        "Where in the source: Table 2" in author_client.get(response["Location"]).content.decode()
    )


def test_another_tabs_save_of_another_section_is_a_conflict_that_keeps_the_text(
    author_client, author, big
):
    mine, theirs = big.sections.get(position=10), big.sections.get(position=20)
    data = _page(big, mine)
    data[f"s{mine.pk}-body"] = "My unsaved wording of finding 10 [10]."
    authoring.section_update(
        section=theirs,
        actor=author,
        data={"body": "The other tab's finding 20 [20]."},
        expected_updated_at=big.updated_at,
    )

    response = author_client.post(editor_url(big), data)

    html = response.content.decode()
    assert response.status_code == 409
    assert "someone else changed this article" in html
    assert "My unsaved wording of finding 10 [10]." in html
    mine.refresh_from_db()
    assert mine.body == "Finding 10 [10]."
    # saving again (the conflict page carries the new token) is a deliberate choice
    data["version"] = re.search(r'name="version" value="([^"]+)"', html)[1]
    assert author_client.post(editor_url(big), data).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.body, theirs.body) == (
        data[f"s{mine.pk}-body"],
        "The other tab's finding 20 [20].",
    )


def test_a_section_removed_in_another_tab_keeps_the_text_typed_into_it(author_client, author, big):
    section = big.sections.get(position=30)
    data = _page(big, section)
    data[f"s{section.pk}-body"] = "Rewritten in this tab: only here [30]."
    authoring.section_remove(section=section, actor=author, expected_updated_at=big.updated_at)

    response = author_client.post(editor_url(big), data)

    html = response.content.decode()
    assert response.status_code == 409
    assert "What you typed (not saved)" in html
    assert "A section removed meanwhile: text" in html
    assert "Rewritten in this tab: only here [30]." in html


def test_a_save_after_the_article_was_submitted_keeps_the_text_and_says_why(
    author_client, author, big
):
    section = big.sections.get(position=3)
    data = _page(big, section)
    data[f"s{section.pk}-body"] = "Typed before noticing the other tab submitted it [3]."
    data["summary"] = "A summary typed meanwhile."
    Article.objects.filter(pk=big.pk).update(status="submitted")  # e.g. from another tab

    response = author_client.post(editor_url(big), data)

    html = response.content.decode()
    assert response.status_code == 409
    assert "Nothing was saved: the article is submitted now" in html
    assert "Section 3 (Part 3): text" in html
    assert "Typed before noticing the other tab submitted it [3]." in html
    assert "A summary typed meanwhile." in html
    assert 'id="editor-form"' not in html
    section.refresh_from_db()
    assert section.body == "Finding 3 [3]."


def test_a_save_after_the_session_ended_keeps_the_text_and_says_why(client, big):
    section = big.sections.get(position=4)
    data = _page(big, section)
    data[f"s{section.pk}-body"] = "Written over a long afternoon [4]."

    response = client.post(editor_url(big), data)  # nobody signed in any more

    html = response.content.decode()
    assert response.status_code == 403
    assert "you were signed out" in html
    assert "Written over a long afternoon [4]." in html
    assert reverse("login") in html
    section.refresh_from_db()
    assert section.body == "Finding 4 [4]."


def test_bad_input_in_one_section_keeps_it_open_with_the_text_and_the_reason(author_client, big):
    section = big.sections.get(position=5)
    data = _page(big, section)
    data[f"s{section.pk}-body"] = "<script>alert(1)</script> [5]"
    data["title"] = "A question typed and not lost?"
    versions = big.history.count()

    response = author_client.post(editor_url(big), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved" in html and "Scripts and HTML tags are not allowed here" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [5]" in html
    assert f'name="s{section.pk}-body"' in html
    assert "A question typed and not lost?" in html
    assert big.history.count() == versions


def test_live_check_of_one_open_section_previews_only_that_section(author_client, big):
    section = big.sections.get(position=6)
    data = _page(big, section)
    data[f"s{section.pk}-body"] = "Finding 6 now cites a missing source [301]."

    response = author_client.post(reverse("author:article_check", args=[big.pk]), data)

    html = response.content.decode()
    assert "has no citation numbered 301" in html
    assert html.count('hx-swap-oob="innerHTML"') == 1
    assert f'id="preview-{section.pk}"' in html


def test_a_whole_300_section_page_still_saves(author_client, big):
    # a page posting every row (an article that grew past the limit while open in a tab)
    data = _whole_page(big)
    last = big.sections.order_by("position").last()
    data[f"s{last.pk}-body"] = "Finding 300 [300], confirmed in 2026."
    assert len(data) > 1_000  # over Django's default field limit

    response = author_client.post(editor_url(big), data)

    assert response.status_code == 302
    last.refresh_from_db()
    assert last.body == "Finding 300 [300], confirmed in 2026."


def test_an_article_within_the_limit_keeps_every_field_on_one_page(author_client, author, settings):
    article = big_article(author, n=settings.EDITOR_INLINE_MAX_ROWS)

    html = author_client.get(editor_url(article)).content.decode()

    bodies = [name for name in FIELD.findall(html) if name.endswith("-body")]
    assert len(bodies) == settings.EDITOR_INLINE_MAX_ROWS
    assert 'value="edit-section:' not in html
