"""Trial records from the ClinicalTrials.gov API (v2): GET {base}/studies/{nct}.

The record gives the title, the overall status and whether results are posted; an unknown
NCT number is a 404."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from articles.resolvers.base import ResolverError, SourceMetadata
from articles.resolvers.transport import HttpTransport


def _date(struct: object) -> date | None:
    value = struct.get("date") if isinstance(struct, dict) else None
    try:
        return date.fromisoformat(str(value)) if value and len(str(value)) == 10 else None
    except ValueError:
        return None


def parse_study(nct: str, payload: object) -> SourceMetadata:
    """SourceMetadata from a /studies/{nct} answer."""
    protocol = payload.get("protocolSection") if isinstance(payload, dict) else None
    if not isinstance(protocol, dict):
        raise ResolverError("ClinicalTrials.gov answered without a study")
    ident = protocol.get("identificationModule") or {}
    status = protocol.get("statusModule") or {}
    sponsor = (protocol.get("sponsorCollaboratorsModule") or {}).get("leadSponsor") or {}
    updated = _date(status.get("lastUpdatePostDateStruct"))
    started = _date(status.get("startDateStruct"))
    return SourceMetadata(
        registry="ClinicalTrials.gov",
        identifier=str(ident.get("nctId") or nct),
        title=str(ident.get("officialTitle") or ident.get("briefTitle") or "").strip(),
        year=started.year if started else None,
        published_on=updated,
        issuer=str(sponsor.get("name") or ""),
        status=str(status.get("overallStatus") or ""),
        has_results=bool(payload.get("hasResults")) if isinstance(payload, dict) else None,
    )


class ClinicalTrialsResolver:
    registry = "ClinicalTrials.gov"
    field = "nct_id"
    kind = "nct"

    def __init__(self, transport: HttpTransport, base_url: str) -> None:
        self.transport, self.base_url = transport, base_url

    @classmethod
    def from_settings(cls, transport: HttpTransport) -> ClinicalTrialsResolver:
        return cls(transport, settings.CLINICALTRIALS_API_URL)

    def resolve(self, identifier: str) -> SourceMetadata:
        url = f"{self.base_url.rstrip('/')}/studies/{identifier}"
        return parse_study(identifier, self.transport.get_json(url, {"format": "json"}))
