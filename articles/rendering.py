"""Reader-facing rendering: section Markdown to safe HTML with linked citation markers, and the
links a reference list shows for a source. Pure functions of their input, so they cache."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

import nh3
from markdown_it import MarkdownIt

from articles.markers import MARKER_RE

# Raw HTML in author Markdown is off: everything a reader (or an author's preview) sees comes
# out of the Markdown parser and then through nh3, which keeps only the tags below. One policy
# for both, so the preview shows exactly what readers will get.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
_ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
# table cell alignment from Markdown (`|:-:|`) arrives as style="text-align:..."
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}}
_URL_SCHEMES = {"http", "https", "mailto"}
_TAG_RE = re.compile(r"(<[^>]+>)")
_NUMBER_RE = re.compile(r"\d+")
# Text inside these elements is shown as written, never turned into citation links.
_VERBATIM = ("code", "pre", "a")
RENDER_CACHE_SIZE = 2048


def markdown_to_html(body: str) -> str:
    """Markdown -> sanitised HTML (no citation links): the one rendering policy."""
    return nh3.clean(
        _MARKDOWN.render(body or ""),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )


@lru_cache(maxsize=RENDER_CACHE_SIZE)
def render_section(body: str) -> str:
    """Markdown section body -> sanitised HTML with [n] markers linked to #ref-n (cached)."""
    return link_citation_markers(markdown_to_html(body))


def link_citation_markers(html: str) -> str:
    """Wrap citation markers found in the text of sanitised HTML in links to the reference list."""
    parts = _TAG_RE.split(html)
    depth = 0  # how many verbatim elements we are inside
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            name = part[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower() if part else ""
            if name in _VERBATIM and not part.endswith("/>"):
                depth += -1 if part.startswith("</") else 1
            continue
        if depth == 0 and "[" in part:
            parts[i] = MARKER_RE.sub(_marker_html, part)
    return "".join(parts)


def _marker_html(match: re.Match[str]) -> str:
    inner = _NUMBER_RE.sub(
        lambda m: (
            f'<a href="#ref-{int(m.group(0))}" aria-label="Reference {int(m.group(0))}">'
            f"{int(m.group(0))}</a>"
        ),
        match.group(1),
    )
    return f'<sup class="cite">[{inner}]</sup>'


def source_links(source: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, url) pairs for a snapshot source: DOI, PubMed, PMC, DailyMed, trial registry, web."""
    links: list[tuple[str, str]] = []
    doi = (source.get("doi") or "").strip()
    if doi:
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
        links.append((f"doi:{doi}", f"https://doi.org/{quote(doi, safe='/().;:-_')}"))
    pmid = (source.get("pmid") or "").strip()
    if pmid.isdigit():
        links.append((f"PMID {pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
    pmcid = (source.get("pmcid") or "").strip().upper()
    if re.fullmatch(r"PMC\d+", pmcid):
        links.append((pmcid, f"https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid}/"))
    setid = (source.get("dailymed_setid") or "").strip()
    if re.fullmatch(r"[0-9A-Fa-f-]{8,64}", setid):
        links.append(
            ("DailyMed label", f"https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid={setid}")
        )
    nct = (source.get("nct_id") or "").strip().upper()
    if re.fullmatch(r"NCT\d{8}", nct):
        links.append((nct, f"https://clinicaltrials.gov/study/{nct}"))
    url = (source.get("url") or "").strip()
    if url.lower().startswith(("https://", "http://")) and url not in {u for _, u in links}:
        links.append((urlsplit(url).hostname or "Source", url))
    return links
