"""Request and response bodies (pydantic, via django-ninja): the OpenAPI document is generated
from these. Unknown fields are refused (extra="forbid"); text may not hold NUL characters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


NO_NUL = AfterValidator(_no_nul)
# The choices, spelled out for the type checker (tests/editorial/api/test_api_drafts.py checks
# them against the models' choices).
SectionKindName = Literal["key_points", "guidelines", "drug_label", "research", "other"]
SourceKindName = Literal[
    "guideline", "drug_label", "journal_article", "clinical_trial", "book", "web"
]
RiskName = Literal["standard", "high"]
StateName = Literal[
    "draft", "submitted", "under_review", "changes_requested", "approved", "stale", "archived"
]


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class SourceIn(In):
    kind: SourceKindName
    title: Annotated[str, Field(min_length=1, max_length=500), NO_NUL]
    issuer: Annotated[str, Field(max_length=200), NO_NUL] = ""
    version: Annotated[str, Field(max_length=100), NO_NUL] = ""
    url: Annotated[str, Field(max_length=1000), NO_NUL] = ""
    doi: Annotated[str, Field(max_length=200), NO_NUL] = ""
    pmid: Annotated[str, Field(max_length=20), NO_NUL] = ""
    pmcid: Annotated[str, Field(max_length=20), NO_NUL] = ""
    nct_id: Annotated[str, Field(max_length=20), NO_NUL] = ""
    dailymed_setid: Annotated[str, Field(max_length=40), NO_NUL] = ""
    isbn: Annotated[str, Field(max_length=20), NO_NUL] = ""


class CitationIn(In):
    number: int = Field(ge=1, le=10_000)
    locator: Annotated[str, Field(max_length=200), NO_NUL] = ""
    source: SourceIn


class SectionIn(In):
    kind: SectionKindName = "other"
    heading: Annotated[str, Field(max_length=200), NO_NUL] = ""
    body: Annotated[str, Field(max_length=50_000), NO_NUL] = ""


class ArticleIn(In):
    title: Annotated[str, Field(min_length=1, max_length=300), NO_NUL]
    summary: Annotated[str, Field(max_length=5000), NO_NUL] = ""
    risk: RiskName = "standard"
    sections: list[SectionIn] = Field(default=[], max_length=300)
    citations: list[CitationIn] = Field(default=[], max_length=500)


class ArticlePatch(In):
    title: Annotated[str, Field(min_length=1, max_length=300), NO_NUL] | None = None
    summary: Annotated[str, Field(max_length=5000), NO_NUL] | None = None
    risk: RiskName | None = None
    sections: list[SectionIn] | None = Field(default=None, max_length=300)
    citations: list[CitationIn] | None = Field(default=None, max_length=500)


class ArticleCreated(Schema):
    slug: str
    state: StateName
    problems: list[str]
    warnings: list[str]


class SourceOut(Schema):
    id: int
    kind: str
    title: str
    issuer: str
    url: str
    doi: str
    pmid: str
    pmcid: str
    nct_id: str
    dailymed_setid: str
    isbn: str
    current_version: str


class CitationOut(Schema):
    number: int
    locator: str
    cited_version: str
    source: SourceOut


class SectionOut(Schema):
    kind: str
    heading: str
    body: str
    position: int


class ArticleOut(Schema):
    slug: str
    title: str
    summary: str
    risk: str
    state: StateName
    round: int
    updated_at: datetime
    sections: list[SectionOut]
    citations: list[CitationOut]
    problems: list[str]
    warnings: list[str]


class ArticleSummary(BaseModel):
    """A plain pydantic model: validated in pydantic-core, without ninja's per-field getter
    (a page of 50 costs ~0.2 ms instead of ~10 ms)."""

    slug: str
    title: str
    state: StateName
    round: int
    updated_at: datetime
    approved_at: datetime | None


class ArticlePage(BaseModel):
    items: list[ArticleSummary]
    next_cursor: str | None


class AssignmentOut(Schema):
    name: str
    round: int
    decision: str


class CommentOut(Schema):
    reviewer: str
    round: int
    decision: str
    comment: str
    decided_at: datetime | None


class FlagOut(Schema):
    source: str | None
    from_version: str
    to_version: str
    reason: str
    detected_at: datetime


class ArticleStatus(Schema):
    slug: str
    state: StateName
    tracker_step: int
    tracker_label: str
    round: int
    submitted_at: datetime | None
    assignments: list[AssignmentOut]
    comments: list[CommentOut]
    staleness_flags: list[FlagOut]


class PublishedSection(Schema):
    kind: str
    heading: str
    body: str
    html: str


class Link(Schema):
    label: str
    url: str


class Reference(Schema):
    number: int | None
    title: str
    issuer: str
    kind: str
    locator: str
    version: str
    links: list[Link]


class PublishedReviewer(Schema):
    name: str
    credentials: str
    approved_at: datetime | None


class PublishedArticle(Schema):
    slug: str
    state: StateName
    title: str
    summary: str
    plain_summary: str
    risk: str
    sections: list[PublishedSection]
    body_html: str
    references: list[Reference]
    reviewers: list[PublishedReviewer]
    # the public page's data-review-state: reviewed | rereview | stale | pending
    review_state: str
    approved_at: datetime | None
    last_reviewed_at: datetime | None
    next_review_due: date | None
    content_sha256: str


class SourceVersionIn(In):
    version: Annotated[str, Field(min_length=1, max_length=100), NO_NUL]
    effective_on: date | None = None
    note: Annotated[str, Field(max_length=2000), NO_NUL] = ""


class SourceVersionRecorded(Schema):
    source_id: int
    version: str
    flagged: list[str]


class WebhookIn(In):
    url: Annotated[str, Field(min_length=1, max_length=1000), NO_NUL]
    events: list[str] = Field(min_length=1, max_length=20)


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    active: bool
    disabled_reason: str


class WebhookCreated(WebhookOut):
    secret: str
