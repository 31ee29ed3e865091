from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviewers.selectors import board_member_suggestions_for_article
from tests.board import article_with, member, start_review
from tests.board_bulk import bulk_board
from tests.factories import (
    ArticleFactory,
    BoardMemberFactory,
    DisclosureFactory,
    SpecialtyFactory,
)

pytestmark = pytest.mark.django_db


def names(suggestions):
    return [s.member.user.username for s in suggestions]


def busy(m, open_reviews: int) -> None:
    """Give `m` this many open reviews (pending, on articles under review)."""
    for _ in range(open_reviews):
        start_review(ArticleFactory(), [m])


@pytest.fixture
def oncology():
    return SpecialtyFactory(name="Oncology", slug="oncology")


def test_specialty_match_ranks_first_then_lowest_open_load(oncology):
    article = ArticleFactory(specialty=oncology)
    idle = member(user__username="idle")
    match_busy = member(user__username="match-busy")
    match_busy.specialties.add(oncology)
    match_idle = member(user__username="match-idle")
    match_idle.specialties.add(oncology)
    busy(match_busy, 2)
    busy(idle, 0)
    result = board_member_suggestions_for_article(article)
    assert names(result.suggested) == ["match-idle", "match-busy", "idle"]
    by_name = {s.member.user.username: s for s in result.suggested}
    assert by_name["match-busy"].open_load == 2
    assert by_name["match-busy"].has_specialty_match
    assert not by_name["idle"].has_specialty_match


def test_members_at_capacity_come_last_even_with_a_specialty_match(oncology):
    article = ArticleFactory(specialty=oncology)
    full = member(user__username="full", max_open_reviews=1)
    full.specialties.add(oncology)
    busy(full, 1)
    member(user__username="other")
    result = board_member_suggestions_for_article(article)
    assert names(result.suggested) == ["other", "full"]
    assert result.suggested[-1].is_at_capacity


def test_decided_reviews_and_closed_rounds_do_not_count_as_open_load():
    m = member(user__username="m")
    article = ArticleFactory(approved=True)  # its reviewer decided
    (assignment,) = start_review(ArticleFactory(), [m])
    assignment.article.refresh_from_db()
    from editorial import workflow

    workflow.review_decide(assignment=assignment, decision="approved", actor=m.user)
    (s,) = [s for s in board_member_suggestions_for_article(article).suggested if s.member == m]
    assert s.open_load == 0


def test_author_conflicted_and_already_assigned_members_are_excluded_with_reasons():
    writer = member(user__username="writer", user__first_name="Wren", user__last_name="Hale")
    article = article_with(risk="high", label_issuer="Pfizer", author=writer.user)
    conflicted = member(user__first_name="Ada", user__last_name="Quill")
    DisclosureFactory(member=conflicted, organisation="  pfizer ", kind="consulting")
    inactive = member(user__username="gone", active=False)
    member(user__username="free")
    result = board_member_suggestions_for_article(article)
    assert names(result.suggested) == ["free"]
    reasons = {str(s.member): s.reasons for s in result.excluded}
    assert reasons == {
        "Wren Hale, MD": ["Wren Hale, MD wrote this article"],
        "Ada Quill, MD": [
            "Ada Quill, MD discloses consulting for Pfizer, the issuer of a cited source"
        ],
    }
    assert inactive not in [s.member for s in result.suggested + result.excluded]


def test_members_in_the_current_round_are_excluded():
    first = member(user__username="first")
    article = ArticleFactory()
    start_review(article, [first])
    member(user__username="second")
    result = board_member_suggestions_for_article(article)
    assert names(result.suggested) == ["second"]
    assert result.excluded[0].reasons == [f"{first} is already assigned to this review round"]


def test_past_and_unrelated_disclosures_are_not_conflicts():
    article = article_with(label_issuer="Eli Lilly and Company")
    m = member(user__username="m")
    DisclosureFactory(member=m, organisation="Eli Lilly and Company", until=date(2020, 1, 1))
    DisclosureFactory(member=m, organisation="Medtronic")
    assert names(board_member_suggestions_for_article(article).suggested) == ["m"]


def test_a_trial_sponsor_or_guideline_body_conflicts_like_a_manufacturer():
    article = article_with()  # cites a journal article by the New England Journal of Medicine
    m = member()
    DisclosureFactory(member=m, organisation="New England Journal of Medicine", kind="employment")
    (excluded,) = board_member_suggestions_for_article(article).excluded
    assert "employment by New England Journal of Medicine" in excluded.reasons[0]


def _board(size: int, specialty) -> None:
    for _ in range(size):
        m = BoardMemberFactory()
        m.specialties.add(specialty)
        DisclosureFactory(member=m, organisation="Medtronic")
        DisclosureFactory(member=m, organisation="Pfizer")


def test_suggestions_take_a_constant_number_of_queries(oncology):
    article = article_with(label_issuer="Pfizer", specialty=oncology)
    counts = []
    for size in (2, 20):
        _board(size, oncology)
        with CaptureQueriesContext(connection) as ctx:
            result = board_member_suggestions_for_article(article)
            [(s.reasons, s.has_specialty_match, s.open_load) for s in result.excluded]
        counts.append(len(ctx.captured_queries))
    # members (+ user, open load), current disclosures, specialty matches, cited issuers, round
    assert counts == [5, 5]


def test_a_board_of_1200_members_is_ranked_and_screened(django_assert_max_num_queries):
    # STACK-NOTES: large prefetches break on SQLite; this runs on SQLite and PostgreSQL.
    article = article_with(label_issuer="Pfizer")
    bulk_board(1200, conflicted_every=10)
    with django_assert_max_num_queries(5):
        result = board_member_suggestions_for_article(article)
    assert (len(result.suggested), len(result.excluded)) == (1080, 120)
    assert all("discloses consulting for Pfizer" in s.reasons[0] for s in result.excluded)
