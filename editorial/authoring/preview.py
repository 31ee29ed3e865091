"""The authors' preview: section Markdown rendered by articles.rendering (the same policy
readers get), with markers linked to the citations on the editor page.

Raw HTML in the source is escaped by the parser and anything that slips through (links with a
javascript: URL, event attributes) is removed by nh3, so the preview is safe to show as-is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles.markers import parse_markers
from articles.rendering import markdown_to_html

_TAG_RE = re.compile(r"(<[^>]*>)")
# The editor shows every section of an article rendered, on each load and after each save:
# the Markdown of the ones not changed since is reused (about 2/3 of a section's rendering; a
# 300-section article took ~100 ms). Memory stays bounded: 1,024 entries of at most 8,000
# characters (~20 MB per process at worst, a few MB for typical sections); longer bodies are
# rendered every time.
PREVIEW_CACHE_SIZE = 1024
PREVIEW_CACHE_MAX_CHARS = 8_000


@lru_cache(maxsize=PREVIEW_CACHE_SIZE)
def _cached_html(text: str) -> str:
    return markdown_to_html(text)


def _sanitised_html(text: str) -> str:
    return _cached_html(text) if len(text) <= PREVIEW_CACHE_MAX_CHARS else markdown_to_html(text)


def render_markdown(text: str, anchors: Mapping[int, str] | None = None) -> SafeString:
    """Markdown to sanitised HTML, safe to insert into a page. With `anchors` (citation
    number -> element id), citation markers link to their citation; unknown ones are marked."""
    clean = _sanitised_html(text)
    if anchors is not None:
        clean = "".join(
            part if part.startswith("<") else _link_markers(part, anchors)
            for part in _TAG_RE.split(clean)
        )
    return mark_safe(clean)  # sanitised by nh3 above; markers rebuilt with format_html


def _link_markers(text: str, anchors: Mapping[int, str]) -> str:
    """Wrap each marker of an HTML text node (already escaped) in a link or a warning."""
    out, last = [], 0
    for marker in parse_markers(text):
        out.append(text[last : marker.start])
        missing = [n for n in marker.numbers if n not in anchors]
        if missing:
            label = f"No citation numbered {', '.join(map(str, missing))}"
            out.append(
                format_html(
                    '<mark class="marker marker--missing" title="{}">{}</mark>', label, marker.text
                )
            )
        else:
            out.append(
                format_html(
                    '<a class="marker" href="#{}">{}</a>', anchors[marker.numbers[0]], marker.text
                )
            )
        last = marker.end
    out.append(text[last:])
    return "".join(out)
