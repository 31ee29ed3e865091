"""Conflicts of interest re-checked at every decision, not only when the editor assigns: a
disclosure declared after the assignment still stops the approval (reviewers.conflicts)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied

from articles.models import Article
from reviewers.conflicts import article_issuers, current_disclosures_prefetch, member_conflicts
from reviewers.models import BoardMember


def _with_disclosures(members: Sequence[BoardMember]) -> list[BoardMember]:
    return list(
        BoardMember.objects.filter(pk__in=[m.pk for m in members])
        .select_related("user")
        .prefetch_related(current_disclosures_prefetch())
    )


def ensure_no_conflict(member: BoardMember, issuers: dict[str, str]) -> None:
    """Raise PermissionDenied naming each current disclosure of `member` (loaded on it, in the
    deciding transaction: current_disclosures_json) that names one of the article's `issuers`
    (read in that transaction too: issuers_of the content it signs). No query."""
    conflicts = member_conflicts(member, issuers)
    if conflicts:
        raise PermissionDenied(
            "You cannot approve this article: "
            + "; ".join(conflicts)
            + ". Decline the review instead."
        )


def split_conflicted(
    members: Sequence[BoardMember], article: Article, *, names_only: bool = False
) -> tuple[list[BoardMember], list[str]]:
    """The members free of conflicts with the article, and a sentence per conflict found (or
    the conflicted members' names)."""
    if not members:
        return [], []
    issuers = article_issuers(article)
    free, conflicts = [], []
    for member in _with_disclosures(members):
        found = member_conflicts(member, issuers)
        if found:
            conflicts += [str(member)] if names_only else found
        else:
            free.append(member)
    return free, conflicts
