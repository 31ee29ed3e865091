"""Who is who: the three groups and the questions every permission check asks."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import AnonymousUser, User

from reviewers.models import BoardMember

AUTHORS = "Authors"
REVIEWERS = "Board reviewers"
EDITORS = "Editors"

AnyUser = User | AnonymousUser | None


def group_names(user: AnyUser) -> frozenset[str]:
    """The user's group names, cached on the user object (one query per request)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_imprimatur_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        cast(Any, user)._imprimatur_groups = cached  # a per-request cache on the user
    return cached


def is_editor(user: AnyUser) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or EDITORS in group_names(user)


def is_author(user: AnyUser) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and AUTHORS in group_names(user)


def board_member_of(user: AnyUser):
    """The user's BoardMember profile, or None (one query, cached)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_imprimatur_member"):
        cast(Any, user)._imprimatur_member = BoardMember.objects.filter(user=user).first()
    return cast(Any, user)._imprimatur_member
