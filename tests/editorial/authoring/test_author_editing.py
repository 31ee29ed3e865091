"""Editing in the browser: conflicts between two tabs, and bad input that keeps the text."""

import pytest

from articles.models import Source
from tests.editorial.author_helpers import editor_post, editor_url
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def test_second_tab_saving_with_the_old_token_gets_a_conflict_showing_the_other_change(
    author_client, client, draft, editor
):
    section = draft.sections.get()
    first_tab = editor_post(draft, **{f"s{section.pk}-body": "Mine: the author's wording [1]."})
    other = client.__class__()
    other.force_login(editor)
    theirs = editor_post(draft, **{f"s{section.pk}-body": "The editor's wording [1]."})
    assert other.post(editor_url(draft), theirs).status_code == 302

    response = author_client.post(editor_url(draft), first_tab)
    html = response.content.decode()
    assert response.status_code == 409
    assert "someone else changed this article" in html
    assert "The editor&#x27;s wording [1]." in html  # their change, in the diff
    assert "Mine: the author&#x27;s wording [1]." in html  # what this tab typed, kept
    section.refresh_from_db()
    assert section.body == "The editor's wording [1]."


def test_saving_again_after_a_conflict_is_a_deliberate_overwrite(
    author_client, client, draft, editor
):
    section = draft.sections.get()
    mine = editor_post(draft, title="The author's question?")
    other = client.__class__()
    other.force_login(editor)
    other.post(editor_url(draft), editor_post(draft, title="The editor's question?"))
    response = author_client.post(editor_url(draft), mine)
    assert response.status_code == 409
    draft.refresh_from_db()
    mine["version"] = draft.updated_at.isoformat()  # the token the conflict page carries
    assert f'value="{mine["version"]}"' in response.content.decode()
    assert author_client.post(editor_url(draft), mine).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "The author's question?"
    assert section.body == draft.sections.get().body


def test_a_section_added_in_another_tab_is_not_blanked_by_this_tabs_save(
    author_client, client, draft, author
):
    stale_tab = editor_post(draft, title="Renamed?")
    other = client.__class__()
    other.force_login(author)
    other.post(
        editor_url(draft), editor_post(draft, "add-section", **{"ns-heading": "From the other tab"})
    )
    added = draft.sections.get(heading="From the other tab")
    added.body = "Their text."
    added.save()
    author_client.post(editor_url(draft), stale_tab)  # refused: conflict
    stale_tab["version"] = draft.__class__.objects.get(pk=draft.pk).updated_at.isoformat()
    author_client.post(editor_url(draft), stale_tab)  # the deliberate second save
    added.refresh_from_db()
    assert added.body == "Their text."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Q" * 301, "at most 300 characters"),
        ("title", "", "This field is required"),
        ("summary", '<iframe src="x"></iframe>', "Scripts and HTML tags are not allowed"),
        ("body", "<script>steal()</script> [1]", "Scripts and HTML tags are not allowed"),
        ("body", "b" * 50_001, "at most 50000 characters"),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_keeps_the_text(
    author_client, draft, field, value, message
):
    section = draft.sections.get()
    key = f"s{section.pk}-body" if field == "body" else field
    other_text = "Other field typed and not lost"
    other_key = "summary" if field != "summary" else "title"
    response = author_client.post(
        editor_url(draft), editor_post(draft, **{key: value, other_key: other_text})
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "field--error" in html
    assert other_text in html
    if value and len(value) < 100:
        assert value.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in html
    assert draft.history.count() == 1


def test_unknown_source_is_refused_with_a_message(author_client, draft):
    response = author_client.post(
        editor_url(draft), editor_post(draft, "add-citation", **{"nc-source": "999999"})
    )
    assert response.status_code == 400
    assert "not in the library" in response.content.decode()
    assert draft.citations.count() == 1


def test_citation_without_a_picked_source_asks_for_one(author_client, draft):
    response = author_client.post(editor_url(draft), editor_post(draft, "add-citation"))
    assert "Pick a source from the search results first." in response.content.decode()


def test_malformed_identifiers_are_flagged_on_their_fields(author_client, draft):
    data = editor_post(
        draft,
        "add-source",
        **{
            "src-kind": "journal_article",
            "src-title": "An invented trial",
            "src-doi": "doi:nonsense",
            "src-nct_id": "NCT123",
            "src-url": "ftp://example.org/x",
        },
    )
    response = author_client.post(editor_url(draft), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count('class="errors"') >= 3
    assert "An invented trial" in html
    assert not Source.objects.filter(title="An invented trial").exists()


def test_a_new_valid_source_is_added_to_the_library_and_cited(author_client, draft):
    data = editor_post(
        draft,
        "add-source",
        **{
            "src-kind": "journal_article",
            "src-title": "Real trial",
            "src-doi": "10.1056/NEJMoa2034577",
            "src-current_version": "final",
            "src-locator": "Table 2",
        },
    )
    assert author_client.post(editor_url(draft), data).status_code == 302
    citation = draft.citations.get(number=2)
    assert (citation.source.title, citation.locator, citation.cited_version) == (
        "Real trial",
        "Table 2",
        "final",
    )


def test_a_duplicate_doi_points_to_the_library(author_client, draft):
    existing = SourceFactory()
    data = editor_post(
        draft,
        "add-source",
        **{"src-kind": "journal_article", "src-title": "Again", "src-doi": existing.doi},
    )
    response = author_client.post(editor_url(draft), data)
    assert "already in the library" in response.content.decode()


def test_sections_move_and_are_removed_from_the_editor(author_client, draft):
    first = draft.sections.get()
    author_client.post(editor_url(draft), editor_post(draft, "add-section", **{"ns-heading": "B"}))
    second = draft.sections.get(heading="B")
    author_client.post(editor_url(draft), editor_post(draft, f"section-up:{second.pk}"))
    assert list(draft.sections.values_list("pk", flat=True)) == [second.pk, first.pk]
    author_client.post(editor_url(draft), editor_post(draft, f"section-remove:{first.pk}"))
    assert list(draft.sections.values_list("pk", flat=True)) == [second.pk]


def test_an_unknown_action_or_missing_token_changes_nothing(author_client, draft):
    assert author_client.post(editor_url(draft), editor_post(draft, "explode")).status_code == 400
    data = editor_post(draft, title="No token?")
    del data["version"]
    assert author_client.post(editor_url(draft), data).status_code == 400
    draft.refresh_from_db()
    assert draft.title != "No token?"
