"""editorial.authoring.services: who may write, in which states, with which input, and conflicts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles.models import Article, Citation, Section, Source
from editorial.authoring import services as authoring
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def _token(article: Article):
    article.refresh_from_db()
    return article.updated_at


def test_article_create_makes_a_draft_with_a_unique_slug_and_history(author):
    first = authoring.article_create(author=author, title="Is aspirin useful?")
    second = authoring.article_create(author=author, title="Is aspirin useful?")
    assert (first.status, first.author) == ("draft", author)
    assert first.slug != second.slug
    row = first.history.get()
    assert (row.history_user, row.history_change_reason) == (author, "article created")


def test_reviewer_cannot_create_an_article(reviewer):
    with pytest.raises(PermissionDenied):
        authoring.article_create(author=reviewer.user, title="A question?")
    assert not Article.objects.exists()


def test_citation_add_numbers_next_and_pins_the_current_version(draft, author):
    source = SourceFactory(current_version="2025.2")
    citation = authoring.citation_add(
        article=draft, actor=author, expected_updated_at=_token(draft), source=source
    )
    assert (citation.number, citation.cited_version) == (2, "2025.2")
    assert draft.history.latest().history_change_reason == "citation [2] added"


def test_every_content_write_moves_the_version_token(draft, author):
    before = _token(draft)
    section = authoring.section_add(
        article=draft, actor=author, expected_updated_at=before, heading="Key points"
    )
    after_add = _token(draft)
    authoring.section_update(
        section=section, actor=author, data={"body": "New text."}, expected_updated_at=after_add
    )
    assert before < after_add < _token(draft)


def test_second_save_with_the_same_token_is_refused_and_changes_nothing(draft, author, editor):
    token = _token(draft)
    authoring.article_update(
        article=draft, actor=author, data={"title": "First tab's title?"}, expected_updated_at=token
    )
    with pytest.raises(authoring.EditConflict) as caught:
        authoring.article_update(
            article=draft, actor=editor, data={"title": "Second tab?"}, expected_updated_at=token
        )
    assert caught.value.article.title == "First tab's title?"
    draft.refresh_from_db()
    assert draft.title == "First tab's title?"


def test_other_author_and_reviewer_cannot_edit(draft, other_author, reviewer):
    for actor in (other_author, reviewer.user, None):
        with pytest.raises(PermissionDenied):
            authoring.article_update(
                article=draft, actor=actor, data={"title": "Hijacked?"}, expected_updated_at=None
            )
    draft.refresh_from_db()
    assert draft.title != "Hijacked?"


def test_editor_may_edit_any_draft(draft, editor):
    authoring.article_update(
        article=draft, actor=editor, data={"summary": "Tightened."}, expected_updated_at=None
    )
    assert draft.history.latest().history_user == editor


def test_submitted_article_cannot_be_edited(author):
    article = ArticleFactory(author=author, submitted=True)
    with pytest.raises(ValidationError, match="submitted"):
        authoring.section_add(article=article, actor=author, expected_updated_at=None)
    assert article.sections.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "x" * 301}, "title", "limit is 300"),
        ({"summary": "<script>alert(1)</script>"}, "summary", "script"),
        ({"sections": {0: {"body": "y" * 50_001}}}, "body", "limit is 50,000"),
    ],
)
def test_bad_input_is_refused_with_a_message_for_the_field(draft, author, data, field, message):
    if "sections" in data:
        data = {"sections": {draft.sections.get().pk: data["sections"][0]}}
    with pytest.raises(ValidationError) as caught:
        authoring.article_update(article=draft, actor=author, data=data, expected_updated_at=None)
    assert message in " ".join(caught.value.message_dict[field])
    assert draft.history.count() == Article.history.filter(id=draft.pk).count() == 1


def test_section_of_another_article_cannot_be_changed_through_this_one(draft, author):
    foreign = ArticleFactory(author=author).sections.get()
    with pytest.raises(ValidationError):
        authoring.article_update(
            article=draft,
            actor=author,
            data={"sections": {foreign.pk: {"body": "Overwritten"}}},
            expected_updated_at=None,
        )
    foreign.refresh_from_db()
    assert foreign.body != "Overwritten"


def test_reorder_and_remove_sections_keep_who_and_why(draft, author):
    first = draft.sections.get()
    second = authoring.section_add(
        article=draft, actor=author, expected_updated_at=None, heading="Second"
    )
    authoring.section_reorder(
        article=draft, actor=author, order=[second.pk, first.pk], expected_updated_at=None
    )
    assert list(draft.sections.values_list("pk", flat=True)) == [second.pk, first.pk]
    authoring.section_remove(section=first, actor=author, expected_updated_at=None)
    deleted = Section.history.filter(id=first.pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (author, "section removed")
    with pytest.raises(ValidationError, match="every section once"):
        authoring.section_reorder(
            article=draft, actor=author, order=[second.pk, second.pk], expected_updated_at=None
        )


def test_citation_remove_keeps_the_other_numbers(draft, author):
    extra = authoring.citation_add(
        article=draft, actor=author, expected_updated_at=None, source=SourceFactory()
    )
    authoring.citation_remove(
        citation=draft.citations.get(number=1), actor=author, expected_updated_at=None
    )
    assert list(Citation.objects.filter(article=draft).values_list("pk", "number")) == [
        (extra.pk, 2)
    ]


def test_source_create_checks_identifier_syntax(author):
    with pytest.raises(ValidationError) as caught:
        authoring.source_create(
            actor=author,
            data={"kind": "journal_article", "title": "A trial", "doi": "not-a-doi", "pmid": "0"},
        )
    assert set(caught.value.message_dict) == {"doi", "pmid"}
    assert not Source.objects.exists()


def test_source_create_refuses_a_duplicate_doi(author):
    existing = SourceFactory()
    with pytest.raises(ValidationError, match="already in the library"):
        authoring.source_create(
            actor=author,
            data={"kind": "journal_article", "title": "Same", "doi": existing.doi.upper()},
        )


def test_source_create_saves_a_valid_source_with_history(author):
    source = authoring.source_create(
        actor=author,
        data={
            "kind": "clinical_trial",
            "title": "A randomised trial",
            "nct_id": "NCT04380636",
            "url": "https://clinicaltrials.gov/study/NCT04380636",
        },
    )
    assert source.history.get().history_user == author
