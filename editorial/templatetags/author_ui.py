"""Template helpers for the author UI (what to show; the views enforce the rules)."""

from django import template

from editorial.access.roles import AnyUser, is_author, is_editor

register = template.Library()


@register.filter
def can_write(user: AnyUser) -> bool:
    """Whether to offer "New article" (authors and editors)."""
    return is_author(user) or is_editor(user)
