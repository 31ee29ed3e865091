"""Section bodies are Markdown: rendered with markdown-it-py, then sanitised with nh3.

Raw HTML in the source is escaped by the parser and anything that slips through (links with a
javascript: URL, event attributes) is removed by nh3, so the preview is safe to show as-is.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# "commonmark" with html off: authors write Markdown, not HTML; tables for dosing schedules.
_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)
ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"style"}, "th": {"style"}}


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML, safe to insert into a page."""
    html = _PARSER.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )
    return mark_safe(clean)  # sanitised by nh3 just above
