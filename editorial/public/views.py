"""The public site: the article page, the index and the editorial policy. Parse, select, render."""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import condition, require_safe

from editorial.public import selectors
from editorial.public.page_cache import page_get, page_key, page_set
from editorial.public.render import render_snapshot
from editorial.public.selectors import PublicArticle, PublicVersion, Visibility

AUDIENCES = ("clinician", "patient")
AUDIENCE_COOKIE = "audience"
AUDIENCE_COOKIE_AGE = 365 * 24 * 60 * 60
# json.dumps output is safe inside <script> once these cannot close the element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _audience(request: HttpRequest) -> tuple[str, bool]:
    """The reader's chosen audience and whether they chose it on this request (read once per
    request: the ETag asks, then the view)."""
    if not hasattr(request, "_public_audience"):
        chosen = request.GET.get("audience", "")
        if chosen in AUDIENCES:
            audience = chosen, True
        else:
            remembered = request.COOKIES.get(AUDIENCE_COOKIE, "")
            audience = (remembered if remembered in AUDIENCES else AUDIENCES[0]), False
        cast(Any, request)._public_audience = audience
    return cast(Any, request)._public_audience


def _version(request: HttpRequest, slug: str) -> PublicVersion | None:
    # condition() asks for the ETag and Last-Modified separately: probe the database once.
    if not hasattr(request, "_public_version"):
        cast(Any, request)._public_version = selectors.article_version_for_public(slug)
    return cast(Any, request)._public_version


def _etag(request: HttpRequest, slug: str) -> str | None:
    # condition() asks for it, then the view: computed once per request
    if not hasattr(request, "_public_etag"):
        version = _version(request, slug)
        # the board (names, credentials, disclosures) is cached apart from the article: its
        # digest keeps a cached page from outliving the board it was rendered with
        etag = version and version.etag(
            _audience(request)[0], str(selectors.shows_pending()), selectors.board_digest()
        )
        cast(Any, request)._public_etag = etag
    return cast(Any, request)._public_etag


def _last_modified(request: HttpRequest, slug: str) -> datetime | None:
    version = _version(request, slug)
    return version.modified_at if version else None


@require_safe
@condition(etag_func=_etag, last_modified_func=_last_modified)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One article as readers see it: the approved snapshot, or a pending first review.

    The rendered page is cached per version (the ETag the freshness probe computes), so a
    reader costs one probe query; a new version (approval, staleness, a late approver) has a
    new ETag and renders afresh; so does a change of the cached board (board_digest).
    PUBLIC_PAGE_CACHE_SECONDS bounds what another process's change cannot reach (its board
    cache)."""
    etag = _etag(request, slug)
    audience, chosen_now = _audience(request)
    key = page_key("article", request.get_host(), f"{slug}:{etag}")
    body = page_get(key) if etag else None
    if body is None:
        response = _article_detail_render(request, slug, audience)
        if etag and response.status_code == 200:
            page_set(key, response.content)
        _article_headers(response)
    else:
        response = HttpResponse(body, headers=_cached_page_headers("article"))
    if chosen_now:
        response.set_cookie(
            AUDIENCE_COOKIE, audience, max_age=AUDIENCE_COOKIE_AGE, samesite="Lax", httponly=True
        )
    return response


def _article_headers(response: HttpResponse) -> None:
    patch_vary_headers(response, ["Cookie"])
    patch_cache_control(response, public=True, no_cache=True)


def _index_headers(response: HttpResponse) -> None:
    patch_cache_control(response, public=True, no_cache=True)


@functools.cache
def _cached_page_headers(kind: str) -> dict[str, str]:
    """The headers a rendered page gets, for one served from the cache: worked out once by the
    same calls on an empty response, so both are the same (a cached page views run often)."""
    response = HttpResponse()
    (_article_headers if kind == "article" else _index_headers)(response)
    return {name: response.headers[name] for name in ("Vary", "Cache-Control") if name in response}


def _article_detail_render(request: HttpRequest, slug: str, audience: str) -> HttpResponse:
    page = selectors.article_for_public(slug)
    if page is None:
        return render(request, "public/not_found.html", status=404)
    if isinstance(page, str):  # Visibility.GONE
        return render(request, "public/gone.html", status=410)
    canonical = request.build_absolute_uri(reverse("public-article", args=[page.slug]))
    return render(
        request,
        "public/article_detail.html",
        {
            "article": page,
            "audience": audience,
            "canonical_url": canonical,
            "json_ld": json_ld_script_content(article_json_ld(page, canonical)),
            "tracker_steps": selectors.TRACKER_STEPS,
        },
    )


def _index_params(request: HttpRequest) -> tuple[str, str]:
    query = " ".join(request.GET.get("q", "")[:200].split())
    return query, request.GET.get("specialty", "")[:100]


def _index_slice(request: HttpRequest) -> selectors.ListingSlice:
    # condition() asks for the ETag, the view renders the same slice: one query for both.
    if not hasattr(request, "_index_slice"):
        query, specialty = _index_params(request)
        cast(Any, request)._index_slice = selectors.article_slice_for_public(
            query=query, specialty=specialty, page=request.GET.get("page", 1)
        )
    return cast(Any, request)._index_slice


def _index_etag(request: HttpRequest) -> str:
    """The listed articles and their last saves, the specialties, the parameters (computed
    once per request: condition() asks, then the view)."""
    if not hasattr(request, "_index_etag"):
        key = [
            selectors.page_version(),
            _index_slice(request).stamp(),
            selectors.specialties_for_public().digest,
            str(selectors.shows_pending()),
            *_index_params(request),
        ]
        etag = hashlib.sha1(repr(key).encode(), usedforsecurity=False).hexdigest()
        cast(Any, request)._index_etag = etag
    return cast(Any, request)._index_etag


@require_safe
@condition(etag_func=_index_etag)
def article_index(request: HttpRequest) -> HttpResponse:
    """Published articles, newest first; search and filter by specialty.

    The listing query (the page's ids and last saves) is the freshness probe: a page already
    rendered for the same articles comes from the cache, so it costs that one query."""
    key = page_key("index", request.get_host(), _index_etag(request))
    body = page_get(key)
    if body is None:
        response = _article_index_render(request)
        page_set(key, response.content)
        _index_headers(response)
    else:
        response = HttpResponse(body, headers=_cached_page_headers("index"))
    return response


def _article_index_render(request: HttpRequest) -> HttpResponse:
    query, specialty = _index_params(request)
    page = selectors.article_page_for_public(_index_slice(request), query=query)
    specialties = selectors.specialty_list_for_public()
    return render(
        request,
        "public/article_index.html",
        {
            "page": page,
            "query": query,
            "specialty": specialty,
            "specialties": specialties,
            "specialty_name": next((s.name for s in specialties if s.slug == specialty), ""),
            "canonical_url": request.build_absolute_uri(reverse("public-index")),
            "shows_pending": selectors.shows_pending(),
        },
    )


@require_safe
def article_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A previous approved version, read-only and marked superseded; the current one is the
    article page."""
    article = selectors.article_row_for_public(slug)
    visibility = article and selectors.article_visibility(
        status=article.status,
        has_snapshot=article.approved_snapshot is not None,
        was_submitted=article.submitted_at is not None,
    )
    if article is None or visibility != Visibility.REVIEWED:
        return render(request, "public/not_found.html", status=404)
    found = selectors.superseded_snapshot(article, number)
    if found is None:
        return redirect("public-article", slug=slug)
    snapshot, approved_at = found
    rendered = render_snapshot(snapshot)
    context = {
        "slug": slug,
        "title": snapshot.get("title", ""),
        "summary": snapshot.get("summary", ""),
        "approved_at": approved_at,
        # our own renderer's output for the stored, approved snapshot
        "body_html": mark_safe(rendered["body_html"]),
    }
    return render(request, "public/article_version.html", context)


@require_safe
def editorial_policy(request: HttpRequest) -> HttpResponse:
    """How articles are reviewed, from the settings the workflow enforces."""
    return render(
        request,
        "public/editorial_policy.html",
        {
            "policy": selectors.editorial_policy(),
            "canonical_url": request.build_absolute_uri(reverse("editorial-policy")),
        },
    )


REVIEW_STATUS_TEXT = {
    "reviewed": "Reviewed by the Medical Advisory Board",
    "rereview": "Re-review by the Medical Advisory Board in progress",
    "stale": "Flagged since the board last reviewed it: re-review by the board pending",
    "pending": "Pending review by the Medical Advisory Board",
}


def article_json_ld(page: PublicArticle, url: str) -> dict[str, Any]:
    """schema.org MedicalWebPage; the reviewed-by fields only for board-approved content."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.title,
        "url": url,
        "about": {"@type": "MedicalEntity", "name": page.title},
        "citation": page.citations_json_ld,
    }
    if page.specialty is not None:
        data["about"]["relevantSpecialty"] = {
            "@type": "MedicalSpecialty",
            "name": page.specialty.name,
        }
    if page.last_updated_at:
        data["dateModified"] = page.last_updated_at.isoformat()
    data["creativeWorkStatus"] = REVIEW_STATUS_TEXT[page.review_state]
    if page.is_reviewed and page.approved_at:
        # when the board last approved it; the status says whether a re-review is under way
        data["lastReviewed"] = page.approved_at.date().isoformat()
        data["reviewedBy"] = [
            {"@type": "Person", "name": r.name, "honorificSuffix": r.credentials}
            for r in page.reviewers
        ]
    return data


def json_ld_script_content(data: dict[str, Any]) -> SafeString:
    """JSON for an application/ld+json block: no "</script>" or "<!--" can survive in it."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))
