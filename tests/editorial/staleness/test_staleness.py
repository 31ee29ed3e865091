"""Detection: a new source version (by hand or by the poller), a retraction and the periodic
review make approved articles citing the source stale, with a flag and an audit row each."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from articles.citations import check_article
from articles.models import Citation, SourceVersion
from editorial.models import StalenessFlag
from editorial.staleness.services import (
    articles_flag_review_due,
    source_mark_retracted,
    source_record_version,
)
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def cite(article, source, *, cited_version=""):
    number = article.citations.count() + 1
    return Citation.objects.create(
        article=article, number=number, source=source, cited_version=cited_version
    )


@pytest.fixture
def guideline(db):
    return SourceFactory(kind="guideline", title="NICE NG109 UTI", current_version="2018")


def test_new_version_flags_every_approved_article_citing_the_source(editor, guideline):
    first, second = ArticleFactory(approved=True), ArticleFactory(approved=True)
    uncited = ArticleFactory(approved=True)
    for article in (first, second):
        cite(article, guideline)

    flagged = source_record_version(
        source=guideline, version="2024", actor=editor, effective_on=date(2024, 6, 1)
    )

    assert {a.pk for a in flagged} == {first.pk, second.pk}
    for article in (first, second):
        article.refresh_from_db()
        assert article.status == "stale"
        flag = article.staleness_flags.get()
        assert (flag.source, flag.from_version, flag.to_version) == (guideline, "2018", "2024")
        assert flag.reason == "source changed" and flag.is_open
    uncited.refresh_from_db()
    assert uncited.status == "approved"
    guideline.refresh_from_db()
    assert (guideline.current_version, guideline.version_date) == ("2024", date(2024, 6, 1))


def test_each_flagged_article_gets_a_history_row_with_user_and_reason(editor, guideline):
    article = ArticleFactory(approved=True)
    cite(article, guideline)

    source_record_version(source=guideline, version="2024", actor=editor)

    latest = article.history.order_by("-history_id").first()
    assert latest.status == "stale"
    assert latest.history_user == editor
    assert latest.history_type == "~"
    assert latest.history_change_reason == "flagged stale: NICE NG109 UTI changed from 2018 to 2024"
    flag_history = StalenessFlag.history.get(article_id=article.pk)
    assert (flag_history.history_type, flag_history.history_user) == ("+", editor)


def test_recording_the_same_version_again_flags_nothing(editor, guideline):
    article = ArticleFactory(approved=True)
    cite(article, guideline)
    source_record_version(source=guideline, version="2024", actor=editor)
    history_rows = article.history.count()

    again = source_record_version(source=guideline, version="2024", actor=editor)

    assert again == []
    assert StalenessFlag.objects.count() == 1
    assert guideline.versions.count() == 1
    assert article.history.count() == history_rows


def test_drafts_and_articles_under_review_are_not_moved(editor, guideline):
    draft = ArticleFactory()
    reviewing = ArticleFactory(under_review=True)
    for article in (draft, reviewing):
        cite(article, guideline, cited_version="2018")

    assert source_record_version(source=guideline, version="2024", actor=editor) == []

    draft.refresh_from_db()
    reviewing.refresh_from_db()
    assert (draft.status, reviewing.status) == ("draft", "under_review")
    assert not StalenessFlag.objects.exists()
    # They are warned instead, by the citation check the author and the board see.
    codes = [p.code for p in check_article(reviewing)]
    assert "superseded-version" in codes


def test_an_article_citing_the_source_twice_is_flagged_once(editor, guideline):
    article = ArticleFactory(approved=True)
    cite(article, guideline)
    cite(article, guideline)

    flagged = source_record_version(source=guideline, version="2024", actor=editor)

    assert [a.pk for a in flagged] == [article.pk]
    assert article.staleness_flags.count() == 1
    assert article.history.filter(status="stale").count() == 1


def test_another_change_adds_a_flag_to_a_stale_article_without_a_history_row(editor, guideline):
    article = ArticleFactory(approved=True)
    cite(article, guideline)
    source_record_version(source=guideline, version="2024", actor=editor)
    history_rows = article.history.count()

    flagged = source_record_version(source=guideline, version="2025", actor=editor)

    # The stale article already waits for a decision; whoever decides sees both changes.
    assert [a.pk for a in flagged] == [article.pk]
    assert sorted(article.staleness_flags.values_list("to_version", flat=True)) == [
        "2024",
        "2025",
    ]
    assert article.history.count() == history_rows


def test_recorded_version_keeps_who_when_and_how(editor, guideline):
    source_record_version(source=guideline, version="2024", actor=editor, note="NICE update")

    version = SourceVersion.objects.get(source=guideline)
    assert (version.label, version.detected_by, version.recorded_by) == ("2024", "manual", editor)
    assert version.note == "NICE update"
    assert guideline.history.order_by("-history_id").first().current_version == "2024"


def test_only_editors_or_the_system_record_versions(author, guideline):
    with pytest.raises(PermissionDenied):
        source_record_version(source=guideline, version="2024", actor=author)
    assert source_record_version(source=guideline, version="2024", actor=None) == []


@pytest.mark.parametrize("bad", ["", "   ", "x" * 101])
def test_a_blank_or_overlong_version_is_refused_and_changes_nothing(editor, guideline, bad):
    with pytest.raises(ValidationError):
        source_record_version(source=guideline, version=bad, actor=editor)
    guideline.refresh_from_db()
    assert guideline.current_version == "2018"
    assert not guideline.versions.exists()


def test_retraction_flags_at_once_with_reason_retracted(editor, guideline):
    approved, draft = ArticleFactory(approved=True), ArticleFactory()
    cite(approved, guideline)
    cite(draft, guideline)

    flagged = source_mark_retracted(source=guideline, actor=editor)

    assert [a.pk for a in flagged] == [approved.pk]
    flag = approved.staleness_flags.get()
    assert (flag.reason, flag.to_version) == ("retracted", "retracted")
    guideline.refresh_from_db()
    assert guideline.retracted
    assert "source-retracted" in [p.code for p in check_article(draft)]
    assert source_mark_retracted(source=guideline, actor=editor) == []


def test_periodic_review_backstop_flags_only_overdue_approved_articles():
    overdue = ArticleFactory(approved=True)
    not_yet = ArticleFactory(approved=True)
    due = overdue.next_review_due

    with time_machine.travel(due + timedelta(days=1)):
        not_yet_due = due + timedelta(days=30)
        type(not_yet).objects.filter(pk=not_yet.pk).update(next_review_due=not_yet_due)
        assert articles_flag_review_due() == 1
        assert articles_flag_review_due() == 0  # the second run finds nothing new

    overdue.refresh_from_db()
    not_yet.refresh_from_db()
    assert (overdue.status, not_yet.status) == ("stale", "approved")
    flag = overdue.staleness_flags.get()
    assert flag.reason == "periodic review due" and flag.source is None
    assert flag.to_version == f"review due {due:%Y-%m-%d}"
    latest = overdue.history.order_by("-history_id").first()
    assert latest.history_change_reason == "flagged stale: periodic review due"
