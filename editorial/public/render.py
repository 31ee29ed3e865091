"""The article body readers see (sections and reference list), rendered once when the board
approves and stored next to the approved snapshot (Article.approved_rendering), so a page view
does no Markdown work.

The stored rendering is used only while it matches the content it was rendered from (the
snapshot's SHA-256, the hash approvals are signed over) and the current render_version();
otherwise the page renders the same body on the fly (articles approved before pre-rendering, or
after a change to the Markdown policy or the body template). `manage.py prerender_snapshots`
stores the missing ones. It lives outside the snapshot so that the history, the audit chain and
the text search keep reading the approved content only.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from importlib import metadata
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from articles import markers, rendering
from articles import models as article_models
from articles.models import Article, SectionKind, SourceKind
from articles.rendering import render_section, source_links
from articles.snapshot import snapshot_hash

BODY_TEMPLATE = "public/partials/_article_body.html"
# The Markdown and sanitiser libraries whose upgrades can change the HTML.
RENDERING_LIBRARIES = ("markdown-it-py", "nh3")
logger = logging.getLogger(__name__)


@functools.cache
def render_version() -> str:
    """Fingerprint of everything that shapes a stored body: the body template, the Markdown
    policy (articles.rendering, articles.markers), the kind labels (articles.models), this
    module and the rendering libraries' versions. Any change
    to one of them changes it, so stored renderings stop matching by themselves (nobody has to
    remember a bump) and pages render on the fly until `manage.py prerender_snapshots` (run by
    the compose `migrate` job) stores the new ones."""
    digest = hashlib.sha256()
    sources = (
        # Django's template backends all give .origin; the stubs' template protocol leaves it out
        get_template(BODY_TEMPLATE).origin.name,  # type: ignore[attr-defined]
        rendering.__file__,  # the Markdown policy
        markers.__file__,  # [n] citation markers to links
        article_models.__file__,  # section and source kind labels
        __file__,
    )
    for source in sources:
        digest.update(Path(source).read_bytes())
    for library in RENDERING_LIBRARIES:
        digest.update(f"{library}=={metadata.version(library)}".encode())
    return digest.hexdigest()[:16]


def snapshot_rendering(snapshot: dict[str, Any]) -> dict[str, Any] | None:
    """The rendering approval stores with a snapshot. A failure to render never blocks an
    approval: it is logged, nothing is stored and pages render on the fly."""
    try:
        return render_snapshot(snapshot)
    except Exception:
        logger.exception("Could not pre-render the approved snapshot; pages will render it")
        return None


def render_snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Body HTML and JSON-LD citations of a snapshot, tagged with the content they came from."""
    references = [public_reference(c) for c in snapshot.get("citations", [])]
    sections = [public_section(s) for s in snapshot.get("sections", [])]
    patient = [public_section(s) for s in snapshot.get("patient_sections", [])]
    return {
        "version": render_version(),
        "content_sha256": snapshot_hash(snapshot),
        "body_html": str(render_body(sections, references)),
        # the plain-language version, signed with the professional one ("" when there is none)
        "patient_body_html": str(render_body(patient, references)) if patient else "",
        # JSON text: a jsonb column would reorder the keys of stored objects
        "citations_json_ld": json.dumps([citation_json_ld(r) for r in references]),
    }


def stored_rendering(rendered: Any, content_hash: str) -> dict[str, Any] | None:
    """A stored rendering if it is current and of exactly this content, else None."""
    if (
        isinstance(rendered, dict)
        and rendered.get("version") == render_version()
        and rendered.get("content_sha256") == content_hash
        and isinstance(rendered.get("body_html"), str)
        and isinstance(rendered.get("patient_body_html"), str)
        and isinstance(rendered.get("citations_json_ld"), str)
    ):
        return rendered
    return None


def render_body(sections: list[dict[str, str]], references: list[dict[str, Any]]) -> SafeString:
    """The sections and the numbered reference list, as the article page shows them."""
    context = {"sections": sections, "references": references}
    return mark_safe(render_to_string(BODY_TEMPLATE, context))


def public_section(section: dict[str, Any]) -> dict[str, str]:
    kind = section.get("kind", SectionKind.OTHER)
    label = SectionKind(kind).label if kind in SectionKind.values else ""
    return {
        "kind": kind,
        "heading": section.get("heading") or label,
        "html": render_section(section.get("body", "")),
    }


def public_reference(citation: dict[str, Any]) -> dict[str, Any]:
    source = citation.get("source", {})
    kind = source.get("kind", "")
    return {
        "number": citation.get("number"),
        "title": source.get("title", ""),
        "issuer": source.get("issuer", ""),
        "kind": kind,
        "kind_label": SourceKind(kind).label if kind in SourceKind.values else "",
        "locator": citation.get("locator", ""),
        "version": citation.get("cited_version", ""),
        "links": source_links(source),
    }


def citation_json_ld(ref: dict[str, Any]) -> dict[str, Any]:
    """schema.org CreativeWork for one reference (the article page's JSON-LD "citation")."""
    item: dict[str, Any] = {"@type": "CreativeWork", "name": ref["title"]}
    if ref["issuer"]:
        item["publisher"] = {"@type": "Organization", "name": ref["issuer"]}
    if ref["links"]:
        item["url"] = ref["links"][0][1]
    return item


def approved_snapshots_prerender(articles: QuerySet[Article] | None = None) -> int:
    """Store the current rendering of every approved snapshot lacking one (approved before
    pre-rendering, or after a change of render_version()); returns how many were written. Safe to
    re-run and to run while the board approves: a row whose approval changed meanwhile
    (approved_at) is left alone. Only approved_rendering is written: the content, updated_at
    (so the ETags) and the history stay as they are."""
    rows = (articles if articles is not None else Article.objects.all()).filter(
        approved_snapshot__isnull=False
    )
    rows = rows.order_by("pk").only("pk", "approved_at", "approved_snapshot", "approved_rendering")
    written = 0
    for article in rows.iterator(chunk_size=500):
        snapshot = article.approved_snapshot
        if not isinstance(snapshot, dict):
            continue
        if stored_rendering(article.approved_rendering, snapshot_hash(snapshot)) is not None:
            continue
        # one article that cannot be rendered must not stop the rest (nor a deploy's job):
        # its page renders on the fly, and the log names it
        rendered = snapshot_rendering(snapshot)
        if rendered is None:
            logger.error("article %s: approved snapshot not pre-rendered", article.pk)
            continue
        written += Article.objects.filter(pk=article.pk, approved_at=article.approved_at).update(
            approved_rendering=rendered
        )
    return written
