"""Template helpers for the author UI (what to show; the views enforce the rules)."""

from django import template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from editorial.access.roles import AnyUser, is_author, is_editor

register = template.Library()


@register.filter
def can_write(user: AnyUser) -> bool:
    """Whether to offer "New article" (authors and editors)."""
    return is_author(user) or is_editor(user)


@register.simple_tag
def editor_field(field: BoundField, css_class: str = "") -> str:
    """author/partials/_field.html built in Python, for the fields the editor repeats per
    section and citation (1,500 includes of a 300-section article took most of its load)."""
    errors = field.errors
    classes = "field" + (" field--error" if errors else "") + (f" {css_class}" if css_class else "")
    required = (
        mark_safe(' <span class="req" aria-hidden="true">*</span>') if field.field.required else ""
    )
    help_text = (
        format_html('<p class="help" id="{}_helptext">{}</p>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    error_list = (
        format_html(
            '<ul class="errors" id="{}_error">{}</ul>',
            field.auto_id,
            format_html_join("", "<li>{}</li>", ((e,) for e in errors)),
        )
        if errors
        else ""
    )
    return format_html(
        '<div class="{}">\n  <label for="{}">{}{}</label>\n  {}\n  {}\n  {}\n</div>',
        classes,
        field.id_for_label,
        field.label,
        required,
        field,
        help_text,
        error_list,
    )
