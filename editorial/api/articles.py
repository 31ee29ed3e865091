"""/api/v1/articles: drafts in, status and approved content out. Parse -> call the author UI's
services (editorial.authoring, editorial.workflow) -> answer; no rule of the workflow here."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Annotated

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from ninja import Header, Path, Query, Router, Status
from pydantic import Field

from articles.models import Article
from editorial import workflow
from editorial.api import selectors
from editorial.api.auth import ARTICLES_READ, DRAFTS_WRITE, api_client
from editorial.api.problems import ApiProblem, validation_problem
from editorial.api.schemas import (
    NO_NUL,
    ArticleCreated,
    ArticleIn,
    ArticleOut,
    ArticlePage,
    ArticlePatch,
    ArticleStatus,
    PublishedArticle,
    StateName,
)
from editorial.api.spec import errors
from editorial.authoring import drafts
from editorial.authoring.services import EditConflict
from editorial.models import ApiIdempotencyKey

router = Router(tags=["articles"])
Slug = Path(..., pattern=r"^[-a-zA-Z0-9_]{1,120}$", description="The article's slug.")
IDEMPOTENCY_KEY = Header(None, alias="Idempotency-Key", description="Retry-safe POST.")
IF_MATCH = Header(None, alias="If-Match", description="The ETag of the version revised.")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def etag(article: Article) -> str:
    """The article's version: its updated_at in microseconds (the services' version token)."""
    return f'"{(article.updated_at - EPOCH) // timedelta(microseconds=1)}"'


def _expected_version(if_match: str | None) -> datetime | None:
    if if_match is None:
        raise ApiProblem(
            428, "Send If-Match with the ETag of the version you revise.",
            errors=[("If-Match", "Required.")],
        )  # fmt: skip
    value = if_match.strip().removeprefix("W/").strip('"')
    if value == "*":
        return None
    if not value.isdigit() or len(value) > 20:
        raise ApiProblem(412, "If-Match is not an ETag of this article.")
    return EPOCH + timedelta(microseconds=int(value))


def _created(article: Article) -> dict:
    problems, warnings = selectors.article_checks(article)
    return {
        "slug": article.slug,
        "state": article.status,
        "problems": problems,
        "warnings": warnings,
    }


def _location(article_slug: str) -> str:
    return f"/api/v1/articles/{article_slug}"


@router.post(
    "/articles",
    response={201: ArticleCreated, **errors(400, 401, 403, 409, 413, 422, 429)},
    auth=DRAFTS_WRITE,
    summary="Create a draft",
)
def article_create(
    request: HttpRequest,
    response: HttpResponse,
    payload: ArticleIn,
    idempotency_key: Annotated[str, Field(min_length=1, max_length=200), NO_NUL]
    | None = IDEMPOTENCY_KEY,
):
    """A draft with its sections and citations (sources matched by identifier, or created).
    With `Idempotency-Key`, a retried POST returns the first answer instead of a second draft."""
    client = api_client(request)
    digest = hashlib.sha256(request.body).hexdigest()
    if idempotency_key:
        replay = _replay(client, idempotency_key, digest, response)
        if replay is not None:
            return replay
    try:
        with transaction.atomic():
            article = drafts.draft_create(author=client.user, **payload.dict())
            body = _created(article)
            if idempotency_key:
                ApiIdempotencyKey.objects.create(
                    client=client, key=idempotency_key, request_sha256=digest, status_code=201,
                    response=body, location=_location(article.slug),
                )  # fmt: skip
    except IntegrityError:
        # the same key, sent twice at once: the other request won; answer as it did
        replay = _replay(client, idempotency_key or "", digest, response)
        if replay is None:
            raise
        return replay
    except ValidationError as exc:
        raise validation_problem(exc) from None
    response["Location"] = _location(article.slug)
    return Status(201, body)


def _replay(client, key: str, digest: str, response: HttpResponse):
    row = ApiIdempotencyKey.objects.filter(client=client, key=key).first()
    if row is None:
        return None
    if row.request_sha256 != digest:
        raise ApiProblem(
            422, "This Idempotency-Key was used with a different request.",
            errors=[("Idempotency-Key", "Already used with another body.")],
        )  # fmt: skip
    response["Location"] = row.location
    return Status(row.status_code, row.response)


def _article_out(article: Article) -> dict:
    problems, warnings = selectors.article_checks(article)  # prefetches sections, citations
    return {
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "risk": article.risk,
        "state": article.status,
        "round": article.review_round,
        "updated_at": article.updated_at,
        "sections": list(article.sections.all()),
        "citations": list(article.citations.all()),
        "problems": problems,
        "warnings": warnings,
    }


@router.get(
    "/articles/{slug}",
    response={200: ArticleOut, **errors(400, 401, 403, 404, 422, 429)},
    auth=DRAFTS_WRITE,
    summary="Read a draft",
)
def article_read(request: HttpRequest, response: HttpResponse, slug: str = Slug):
    """The article as its author edits it; `ETag` is the version to send back in If-Match."""
    article = selectors.article_for_client(request.user, slug)
    response["ETag"] = etag(article)
    return Status(200, _article_out(article))


@router.patch(
    "/articles/{slug}",
    response={200: ArticleOut, **errors(400, 401, 403, 404, 412, 413, 422, 428, 429)},
    auth=DRAFTS_WRITE,
    summary="Revise a draft",
)
def article_revise(
    request: HttpRequest,
    response: HttpResponse,
    payload: ArticlePatch,
    slug: str = Slug,
    if_match: Annotated[str, Field(max_length=100), NO_NUL] | None = IF_MATCH,
):
    """Revise a draft or a changes-requested article. `sections` and `citations`, when sent,
    replace the lists. A stale If-Match answers 412 and changes nothing."""
    article = selectors.article_for_client(request.user, slug)
    expected = _expected_version(if_match)
    data = payload.dict(exclude_none=True)
    try:
        article = drafts.draft_replace(
            article=article, actor=request.user, data=data, expected_updated_at=expected
        )
    except EditConflict as exc:
        raise ApiProblem(
            412,
            "The article changed since that ETag; nothing was saved. GET it again and retry.",
            headers={"ETag": etag(exc.article)},
        ) from None
    except ValidationError as exc:
        raise validation_problem(exc) from None
    article = Article.objects.get(pk=article.pk)
    response["ETag"] = etag(article)
    return Status(200, _article_out(article))


@router.post(
    "/articles/{slug}/submit",
    response={200: ArticleCreated, **errors(400, 401, 403, 404, 422, 429)},
    auth=DRAFTS_WRITE,
    summary="Submit for review",
)
def article_submit(request: HttpRequest, slug: str = Slug):
    """Send the draft to the board: the author UI's rules and messages."""
    article = selectors.article_for_client(request.user, slug)
    try:
        article = workflow.article_submit(article=article, actor=request.user)
    except ValidationError as exc:
        raise ApiProblem(
            422, "The article cannot be submitted: " + " ".join(exc.messages),
            problems=exc.messages,
        ) from None  # fmt: skip
    return Status(200, _created(article))


@router.get(
    "/articles/{slug}/status",
    response={200: ArticleStatus, **errors(400, 401, 403, 404, 422, 429)},
    auth=ARTICLES_READ,
    summary="Review status",
)
def article_status(request: HttpRequest, slug: str = Slug):
    """State, tracker step, round, reviewers (names), their comments, open staleness flags."""
    article = selectors.article_for_client(request.user, slug)
    return Status(200, selectors.article_status(article))


@router.get(
    "/articles",
    response={200: ArticlePage, **errors(400, 401, 403, 422, 429)},
    auth=ARTICLES_READ,
    summary="List articles",
)
def article_list(
    request: HttpRequest,
    state: StateName | None = None,
    updated_since: datetime | None = None,
    cursor: Annotated[str, Field(max_length=200), NO_NUL] | None = None,
    limit: int = Query(settings.API_PAGE_SIZE, ge=1, le=200),
):
    """Newest-changed first; follow `next_cursor` for the next page."""
    items, next_cursor = selectors.article_page_for_user(
        request.user, state=state, updated_since=updated_since, cursor=cursor, limit=limit
    )
    return Status(200, {"items": items, "next_cursor": next_cursor})


@router.get(
    "/articles/{slug}/published",
    response={200: PublishedArticle, **errors(400, 401, 403, 404, 422, 429)},
    auth=ARTICLES_READ,
    summary="Approved content",
)
def article_published(request: HttpRequest, slug: str = Slug):
    """What the board approved, for a publishing site; 404 until the first approval."""
    return Status(200, selectors.article_published(slug))
