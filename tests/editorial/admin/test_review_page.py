"""The review page: an assigned reviewer sees the article as readers will, its source, what
changed since the approved version and the previous round, the references with their
identifiers and versions, the citation check and the round's other decisions; the decision
form keeps what was typed when a decision is refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial import workflow
from editorial.admin.review_diff import sections_diff, word_diff
from tests.board import member, start_review
from tests.editorial.admin.review_helpers import (
    big_article,
    resubmitted_after_changes,
    revised_after_approval,
)
from tests.factories import ArticleFactory, editor_user

pytestmark = pytest.mark.django_db


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def test_word_diff_marks_the_edited_words_only():
    html = word_diff("Statins reduce events by 20% [1].", "Statins reduce events by 25% [1].")
    assert html == "Statins reduce events by <del>20</del><ins>25</ins>% [1]."


def test_word_diff_escapes_the_text():
    assert word_diff("a <b>", "a <i>") == "a &lt;<del>b</del><ins>i</ins>&gt;"


def test_an_inserted_section_is_all_inserted_and_the_rest_unchanged():
    old = [{"kind": "research", "heading": "A", "body": "one"}]
    new = [*old, {"kind": "other", "heading": "B", "body": "two"}]
    diffs = sections_diff(old, new)
    assert [d.status for d in diffs] == ["unchanged", "added"]
    assert diffs[1].body == "<ins>two</ins>"


def test_the_reviewer_sees_the_reader_view_references_and_no_author_hint(client):
    reviewer = member("MD")
    article = ArticleFactory()
    citation = article.citations.get()
    source = citation.source
    source.pmid, source.nct_id, source.current_version = "12345678", "NCT01234567", "v2"
    source.save()
    citation.cited_version = "v1"
    citation.save()
    start_review(article, [reviewer])
    client.force_login(reviewer.user)
    page = client.get(change_url(article)).text
    assert 'class="reference-list"' in page  # the public renderer's reference list
    assert 'href="#ref-1"' in page  # markers are links, not "[1]" text
    assert f"https://doi.org/{source.doi}" in page
    assert "https://pubmed.ncbi.nlm.nih.gov/12345678/" in page
    assert "https://clinicaltrials.gov/study/NCT01234567" in page
    assert "newer than cited" in page  # cited v1, the source is at v2
    assert "cite as [1], [1-3]" not in page
    assert 'id="decision"' in page and "Sign and record decision" in page
    assert 'id="citation-check"' in page


def test_diff_since_approval_marks_the_edited_sentence(client):
    reviewer = member("MD")
    article = revised_after_approval(
        reviewer, old="Take 10 mg daily [1].", new="Take 20 mg daily [1]."
    )
    client.force_login(reviewer.user)
    page = client.get(change_url(article)).text
    assert "Changes since the version the board approved" in page
    assert "Take <del>10</del><ins>20</ins> mg daily [1]." in page


def test_diff_since_the_previous_round_marks_the_edited_sentence(client):
    reviewer = member("MD")
    article = resubmitted_after_changes(
        reviewer, old="Give the drug [1].", new="Give the drug at 5 mg [1]."
    )
    client.force_login(reviewer.user)
    page = client.get(change_url(article)).text
    assert "Changes since round 1" in page
    assert "Give the drug <ins>at 5 mg </ins>[1]." in page
    assert "Say which dose." not in page  # last round's comments are not this round's decisions


def test_other_reviewers_decisions_this_round_are_shown(client):
    me, other = member("MD"), member("DO")
    article = ArticleFactory()
    assignments = start_review(article, [me, other])
    theirs = next(a for a in assignments if a.reviewer == other)
    workflow.review_decide(
        assignment=theirs, decision="declined", comment="On leave.", actor=other.user
    )
    client.force_login(me.user)
    page = client.get(change_url(article)).text
    assert "On leave." in page and "Declined" in page


def review_page_queries(client, sections: int, citations: int) -> int:
    reviewer = member("MD")
    article = big_article(sections, citations)
    workflow.article_submit(article=article, actor=article.author)
    workflow.review_assign(article=article, reviewers=[reviewer], actor=editor_user())
    client.force_login(reviewer.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(change_url(article))
    assert response.status_code == 200
    return len(queries)


def test_review_page_query_count_is_flat_in_sections_and_citations(client):
    # session, user, article, groups, board member, assignments (+ signatures), snapshot:
    # sections + citations, citation check: sections + citations, savepoint-free reads only
    small = review_page_queries(client, 2, 2)
    client.logout()
    large = review_page_queries(client, 30, 60)
    assert small == large
    assert large <= 15
