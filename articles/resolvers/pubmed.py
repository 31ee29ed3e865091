"""PubMed (PMID) and PMC (PMCID) records from NCBI E-utilities:
GET {base}/esummary.fcgi?db=pubmed|pmc&id=…&retmode=json.

Retractions: PubMed types a retracted article "Retracted Publication" and links its notice
("Retraction in"); an erratum is linked as "Erratum in"."""

from __future__ import annotations

import re

from django.conf import settings

from articles.resolvers.base import NotFound, ResolverError, SourceMetadata
from articles.resolvers.transport import HttpTransport

_YEAR_RE = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
RETRACTION_LINKS = {"Retraction in", "Retraction of"}
CORRECTION_LINKS = {"Erratum in", "Expression of concern in", "Partial retraction in"}


def _doc(uid: str, payload: object) -> dict:
    if isinstance(payload, dict) and "esummaryresult" in payload:
        raise NotFound("not found")  # E-utilities' answer for an unknown or invalid uid
    result = payload.get("result") if isinstance(payload, dict) else None
    if not isinstance(result, dict):
        raise ResolverError("E-utilities answered without a result")
    doc = result.get(uid)
    if not isinstance(doc, dict) or "error" in doc:
        raise NotFound("not found")
    return doc


def _links(doc: dict) -> tuple[list[str], list[str]]:
    notices, corrections = [], []
    pubtypes = {str(t) for t in doc.get("pubtype") or []}
    if "Retracted Publication" in pubtypes:
        notices.append("PubMed lists the article as a Retracted Publication.")
    if "Retraction of Publication" in pubtypes:
        notices.append("This record is itself a retraction notice.")
    for ref in doc.get("references") or []:
        if not isinstance(ref, dict):
            continue
        kind, where = str(ref.get("reftype") or ""), str(ref.get("refsource") or "")
        if kind == "Retraction in" and not notices:
            notices.append(f"PubMed links a retraction notice: {where}.")
        elif kind in CORRECTION_LINKS:
            corrections.append(f"PubMed links: {kind} {where}.")
    return notices, corrections


def parse_summary(uid: str, payload: object, *, registry: str = "PubMed") -> SourceMetadata:
    """SourceMetadata from an esummary JSON answer for one PMID (or PMC uid)."""
    doc = _doc(uid, payload)
    ids = {
        a.get("idtype"): str(a.get("value", ""))
        for a in doc.get("articleids") or []
        if isinstance(a, dict)
    }
    authors = tuple(
        str(a.get("name"))
        for a in doc.get("authors") or []
        if isinstance(a, dict) and a.get("name") and a.get("authtype", "Author") == "Author"
    )
    notices, corrections = _links(doc)
    year = _YEAR_RE.search(str(doc.get("pubdate") or doc.get("sortpubdate") or ""))
    pmcid = ids.get("pmc") or ids.get("pmcid", "")
    return SourceMetadata(
        registry=registry,
        identifier=uid if registry == "PubMed" else f"PMC{uid}",
        title=str(doc.get("title") or "").strip(),
        authors=authors,
        year=int(year.group(1)) if year else None,
        issuer=str(doc.get("fulljournalname") or doc.get("source") or ""),
        doi=ids.get("doi", ""),
        pmid=ids.get("pubmed") or ids.get("pmid", ""),
        pmcid=pmcid if pmcid.startswith("PMC") or not pmcid else f"PMC{pmcid}",
        is_retracted=bool(notices),
        notices=tuple(notices),
        corrections=tuple(corrections),
    )


class _EutilsResolver:
    registry = "PubMed"
    field = "pmid"
    kind = "pmid"
    database = "pubmed"

    def __init__(self, transport: HttpTransport, base_url: str, contact_email: str = "") -> None:
        self.transport, self.base_url, self.contact_email = transport, base_url, contact_email

    @classmethod
    def from_settings(cls, transport: HttpTransport) -> _EutilsResolver:
        return cls(transport, settings.NCBI_EUTILS_URL, settings.CITATION_RESOLVER_CONTACT_EMAIL)

    def _summary(self, uid: str) -> object:
        url = f"{self.base_url.rstrip('/')}/esummary.fcgi"
        # NCBI asks every tool to name itself and give a contact address
        params = {"db": self.database, "id": uid, "retmode": "json", "tool": "imprimatur"}
        if self.contact_email:
            params["email"] = self.contact_email
        return self.transport.get_json(url, params)


class PubMedResolver(_EutilsResolver):
    def resolve(self, identifier: str) -> SourceMetadata:
        return parse_summary(identifier, self._summary(identifier))


class PmcResolver(_EutilsResolver):
    registry = "PMC"
    field = "pmcid"
    kind = "pmcid"
    database = "pmc"

    def resolve(self, identifier: str) -> SourceMetadata:
        uid = identifier.removeprefix("PMC")  # E-utilities' PMC uids are the bare digits
        return parse_summary(uid, self._summary(uid), registry="PMC")
