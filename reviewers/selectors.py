"""Reads for the board: who to suggest for an article, and why others are left out.

Ranking: specialty match first, then open load (fewest open reviews). Members at or over their
`max_open_reviews` stay assignable but come last, flagged: capacity is a planning limit, and a
small board would otherwise have nobody to offer. Excluded (with the reason, so the admin can
show why): the author, members with a conflict of interest, members already in the round.
Inactive members are never suggested.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from articles.models import Article
from reviewers.conflicts import article_issuers, member_conflicts
from reviewers.models import BoardMember, Decision, Disclosure, ReviewAssignment


@dataclass(frozen=True)
class Suggestion:
    member: BoardMember
    has_specialty_match: bool
    open_load: int
    reasons: list[str] = field(default_factory=list)  # why excluded; empty when suggested

    @property
    def is_at_capacity(self) -> bool:
        return self.open_load >= self.member.max_open_reviews

    @property
    def role(self) -> str:
        if self.member.is_physician:
            return "physician"
        return "pharmacist" if self.member.is_pharmacist else "other"


@dataclass(frozen=True)
class Suggestions:
    suggested: list[Suggestion]
    excluded: list[Suggestion]

    def first_for(self, roles: list[str]) -> Suggestion | None:
        """The best-ranked suggestion filling one of `roles`; else the best one."""
        for suggestion in self.suggested:
            if suggestion.role in roles:
                return suggestion
        return self.suggested[0] if self.suggested else None


def open_load_annotation() -> Count:
    """Open reviews: pending, in the article's current round, while it is under review."""
    return Count(
        "assignments",
        filter=Q(
            assignments__decision=Decision.PENDING,
            assignments__article__status="under_review",
            assignments__round=F("assignments__article__review_round"),
        ),
    )


def board_member_suggestions_for_article(article: Article) -> Suggestions:
    """Active members ranked for reviewing `article`, and the excluded ones with reasons
    (5 queries whatever the board size)."""
    # Flat queries over the active board rather than prefetches: no IN list of every member
    # id (a 3,000-member board took 4x longer with prefetch_related on SQLite; bench/).
    members = (
        BoardMember.objects.active()
        .select_related("user")
        .annotate(open_load=open_load_annotation())
    )
    disclosures = defaultdict(list)
    for disclosure in Disclosure.objects.current().filter(member__active=True):
        disclosures[disclosure.member_id].append(disclosure)
    matching = set()
    if article.specialty_id is not None:
        matching = set(
            BoardMember.specialties.through.objects.filter(
                specialty_id=article.specialty_id, boardmember__active=True
            ).values_list("boardmember_id", flat=True)
        )
    issuers = article_issuers(article)
    in_round = set(
        ReviewAssignment.objects.filter(
            article=article, round=F("article__review_round")
        ).values_list("reviewer_id", flat=True)
    )
    suggested: list[Suggestion] = []
    excluded: list[Suggestion] = []
    for member in members:
        member.current_disclosures = disclosures[member.pk]
        reasons = _exclusion_reasons(member, article, issuers, in_round)
        suggestion = Suggestion(
            member=member,
            has_specialty_match=member.pk in matching,
            open_load=member.open_load,
            reasons=reasons,
        )
        (excluded if reasons else suggested).append(suggestion)
    suggested.sort(key=_rank)
    excluded.sort(key=lambda s: (s.member.printed_name, s.member.pk))
    return Suggestions(suggested=suggested, excluded=excluded)


def _exclusion_reasons(
    member: BoardMember, article: Article, issuers: dict[str, str], in_round: set[int]
) -> list[str]:
    if member.user_id == article.author_id:
        return [f"{member} wrote this article"]
    reasons = member_conflicts(member, issuers)
    if member.pk in in_round:
        reasons.append(f"{member} is already assigned to this review round")
    return reasons


def _rank(s: Suggestion) -> tuple:
    name = (s.member.user.last_name, s.member.user.first_name, s.member.pk)
    return (s.is_at_capacity, not s.has_specialty_match, s.open_load, *name)
