"""Article history: every version with who, when and why; a text diff between any two."""

import pytest
from django.urls import reverse

from editorial.authoring import services as authoring
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def _history(client, article, **params):
    return client.get(reverse("author:article_history", args=[article.pk]), params)


def _edit_a_few_times(article, author, times=1):
    section = article.sections.get()
    for n in range(times):
        authoring.section_update(
            section=section,
            actor=author,
            data={"body": f"Version {n}: drug X improved survival [1]."},
            expected_updated_at=None,
        )
        authoring.citation_add(
            article=article, actor=author, expected_updated_at=None, source=SourceFactory()
        )


def test_history_lists_versions_with_who_and_why(client, draft, author):
    _edit_a_few_times(draft, author)
    client.force_login(author)
    html = _history(client, draft).content.decode()
    assert "edited: sections" in html
    assert "citation [2] added" in html
    assert author.get_full_name() in html


def test_diff_between_two_chosen_versions_shows_removed_and_added_lines(client, draft, author):
    section = draft.sections.get()
    authoring.section_update(
        section=section, actor=author, data={"body": "Old wording [1]."}, expected_updated_at=None
    )
    old = draft.history.latest()
    authoring.section_update(
        section=section, actor=author, data={"body": "New wording [1]."}, expected_updated_at=None
    )
    authoring.article_update(
        article=draft, actor=author, data={"title": "A sharper question?"}, expected_updated_at=None
    )
    new = draft.history.latest()
    client.force_login(author)
    html = _history(client, draft, old=old.history_id, new=new.history_id).content.decode()
    assert "<del>Old wording [1].</del>" in html
    assert "<ins>New wording [1].</ins>" in html
    assert "<ins>Question: A sharper question?</ins>" in html
    # choosing them the other way round still reads oldest -> newest
    swapped = _history(client, draft, old=new.history_id, new=old.history_id).content.decode()
    assert "<ins>New wording [1].</ins>" in swapped


def test_removed_citation_shows_as_a_deleted_line(client, draft, author):
    citation = draft.citations.get()
    title = citation.source.title
    authoring.citation_update(
        citation=citation, actor=author, data={"locator": "p. 4"}, expected_updated_at=None
    )
    before = draft.history.latest()
    authoring.citation_remove(citation=citation, actor=author, expected_updated_at=None)
    client.force_login(author)
    html = _history(client, draft, old=before.history_id).content.decode()
    assert f"<del>[1] {title} — p. 4</del>" in html


def _history_queries(client, article, django_assert_max_num_queries):
    # session, user, groups, article, article versions (+user), section rows, citation rows,
    # sources cited, specialty names
    with django_assert_max_num_queries(9):
        assert _history(client, article).status_code == 200


def test_history_query_count_does_not_grow_with_versions(
    client, draft, author, django_assert_max_num_queries
):
    client.force_login(author)
    _edit_a_few_times(draft, author)
    _history_queries(client, draft, django_assert_max_num_queries)
    _edit_a_few_times(draft, author, times=6)
    _history_queries(client, draft, django_assert_max_num_queries)


def test_a_one_line_edit_diffs_as_one_line_even_for_seeded_articles(client, draft, author):
    # the factory, like the demo seed, writes sections after the article's first history row
    authoring.section_update(
        section=draft.sections.get(),
        actor=author,
        data={"body": "Drug X 20 mg daily improved survival [1]."},
        expected_updated_at=None,
    )
    client.force_login(author)
    html = _history(client, draft).content.decode()
    assert "<del>Drug X 10 mg daily improved survival [1].</del>" in html
    assert "<ins>Drug X 20 mg daily improved survival [1].</ins>" in html
    assert "<ins>## From the Research" not in html  # the section itself is not new
