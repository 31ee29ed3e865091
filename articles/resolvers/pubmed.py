"""PMID metadata from NCBI E-utilities: GET {base}/esummary.fcgi?db=pubmed&id=…&retmode=json."""

from __future__ import annotations

import re

from articles.resolvers.base import (
    NotFound,
    ResolverConfig,
    ResolverError,
    SourceMetadata,
    get_json,
)

_YEAR_RE = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")


def parse_summary(pmid: str, payload: object) -> SourceMetadata:
    """SourceMetadata from an esummary JSON answer for one PMID."""
    if isinstance(payload, dict) and "esummaryresult" in payload:
        raise NotFound("not found")  # E-utilities' answer for an unknown or invalid uid
    result = payload.get("result") if isinstance(payload, dict) else None
    if not isinstance(result, dict):
        raise ResolverError("E-utilities answered without a result")
    doc = result.get(pmid)
    if not isinstance(doc, dict) or "error" in doc:
        raise NotFound("not found")
    ids = {
        a.get("idtype"): str(a.get("value", ""))
        for a in doc.get("articleids") or []
        if isinstance(a, dict)
    }
    pubtypes = [str(t) for t in doc.get("pubtype") or []]
    notices = []
    if "Retracted Publication" in pubtypes:
        notices.append("PubMed lists the article as a Retracted Publication.")
    if "Retraction of Publication" in pubtypes:
        notices.append("This PMID is itself a retraction notice.")
    year = _YEAR_RE.search(str(doc.get("pubdate") or doc.get("sortpubdate") or ""))
    return SourceMetadata(
        registry="PubMed",
        identifier=pmid,
        title=str(doc.get("title") or "").strip(),
        year=int(year.group(1)) if year else None,
        issuer=str(doc.get("fulljournalname") or doc.get("source") or ""),
        doi=ids.get("doi", ""),
        pmid=pmid,
        pmcid=ids.get("pmc", ""),
        is_retracted=bool(notices),
        notices=tuple(notices),
    )


class PubMedResolver:
    registry = "PubMed"
    field = "pmid"

    def __init__(self, config: ResolverConfig) -> None:
        self.config = config

    def resolve(self, identifier: str) -> SourceMetadata:
        url = f"{self.config.eutils_url.rstrip('/')}/esummary.fcgi"
        params = {"db": "pubmed", "id": identifier, "retmode": "json", "tool": "imprimatur"}
        if self.config.contact_email:
            params["email"] = self.config.contact_email
        return parse_summary(identifier, get_json(self.config, url, params))
