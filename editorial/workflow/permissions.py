"""Who may fire which transition. The workflow enforces these; the admin and views use them
only to decide what to show."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from articles.models import Article
from editorial.access.roles import AnyUser, board_member_of, is_editor
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


def can_set_risk(article: Article, user: AnyUser) -> bool:
    """An editor; the author only proposes, before the article is first submitted."""
    if is_editor(user):
        return True
    return _is_owner(article, user) and article.review_round == 0


def can_raise_concern(user: AnyUser) -> bool:
    """Any active board member."""
    member = board_member_of(user)
    return member is not None and member.active


def can_raise_reader_concern(user: AnyUser) -> bool:
    """An editor or any active board member: a reader's problem report passed to the board."""
    return is_editor(user) or can_raise_concern(user)


# Who may fire the transitions that have a button of their own (the admin's workflow panel);
# the others are fired by a decision, an assignment, the system or a form with a reason.
BUTTON_TRANSITIONS = {
    "submit": can_submit,
    "rereview": can_rereview,
    "start_revision": can_start_revision,
}


def can_fire(transition: str, article: Article, user: AnyUser) -> bool:
    """Whether `user` may fire this button transition on the article."""
    check = BUTTON_TRANSITIONS.get(transition)
    return check is not None and check(article, user)


def ensure(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
