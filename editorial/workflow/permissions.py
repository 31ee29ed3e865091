"""Who may fire which transition. The workflow enforces these; the admin and views use them
only to decide what to show."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from articles.models import Article
from editorial.access.roles import AnyUser, is_editor
from reviewers.models import ReviewAssignment


def _is_owner(article: Article, user: AnyUser) -> bool:
    if user is None:
        return False
    return bool(user.is_authenticated and user.is_active) and article.author_id == user.pk


def can_submit(article: Article, user: AnyUser) -> bool:
    """The article's author (whatever their groups) or an editor."""
    return _is_owner(article, user) or is_editor(user)


def can_edit(article: Article, user: AnyUser) -> bool:
    return can_submit(article, user)


def can_assign(article: Article, user: AnyUser) -> bool:
    return is_editor(user)


def can_rereview(article: Article, user: AnyUser) -> bool:
    return is_editor(user)


def can_start_revision(article: Article, user: AnyUser) -> bool:
    return _is_owner(article, user) or is_editor(user)


def can_archive(article: Article, user: AnyUser) -> bool:
    return is_editor(user)


def can_flag_stale(article: Article, user: AnyUser) -> bool:
    """The system (no user) or an editor."""
    return user is None or is_editor(user)


def can_decide(assignment: ReviewAssignment, user: AnyUser) -> bool:
    """Only the assigned board member decides their own assignment."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return assignment.reviewer.user_id == user.pk and assignment.reviewer.active


def ensure(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
