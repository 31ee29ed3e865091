"""Who is calling: `Authorization: Bearer <key>` -> the client, checked for revocation, the
operation's scope, its IP allow-list, its rate limit and the body size, all before the body
is parsed."""

from __future__ import annotations

import ipaddress
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from editorial.access.client_address import client_address
from editorial.api.keys import key_hash
from editorial.api.problems import ApiProblem
from editorial.models import ApiClient, ApiKey

LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


class ApiKeyAuth(HttpBearer):
    """Bearer-key authentication requiring one scope (documented in the OpenAPI)."""

    openapi_scheme = "bearer"

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        key = (
            ApiKey.objects.select_related("client__user")
            .filter(key_hash=key_hash(token), revoked_at__isnull=True, client__active=True)
            .first()
        )
        if key is None or not key.client.user.is_active:
            return None
        client = key.client
        _check_address(client, request)
        if self.scope not in client.scopes:
            raise ApiProblem(403, f"This key lacks the scope {self.scope}.")
        _check_rate(client)
        _check_size(request)
        _touch(key)
        request.user = client.user  # the services' actor, and the history's user
        return client


def api_client(request: HttpRequest) -> ApiClient:
    """The client the operation's auth found (ninja sets request.auth)."""
    client = request.auth  # type: ignore[attr-defined]
    assert isinstance(client, ApiClient)
    return client


def _check_address(client: ApiClient, request: HttpRequest) -> None:
    allowed = [line.strip() for line in client.allowed_ips.splitlines() if line.strip()]
    if not allowed:
        return
    try:
        address = ipaddress.ip_address(client_address(request) or "")
        if any(address in ipaddress.ip_network(net, strict=False) for net in allowed):
            return
    except ValueError:
        pass
    raise ApiProblem(403, "This key may not be used from this address.")


def _check_rate(client: ApiClient) -> None:
    """A fixed one-minute window per client in the cache (shared when the cache is Redis)."""
    now = time.time()
    window = int(now // 60)
    key = f"api-rate:{client.pk}:{window}"
    cache.add(key, 0, timeout=70)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    if count > client.rate_limit_per_minute:
        wait = max(1, int(60 - now % 60))
        raise ApiProblem(
            429,
            f"Rate limit of {client.rate_limit_per_minute} requests a minute reached; "
            f"retry in {wait} s.",
            headers={"Retry-After": str(wait)},
        )


def _check_size(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiProblem(400, "The Content-Length header is not a number.") from None
    if length > settings.API_MAX_BODY_BYTES:
        raise ApiProblem(
            413, f"The body is {length:,} bytes; the limit is {settings.API_MAX_BODY_BYTES:,}."
        )


def _touch(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)


DRAFTS_WRITE = ApiKeyAuth("drafts:write")
ARTICLES_READ = ApiKeyAuth("articles:read")
SOURCES_WRITE = ApiKeyAuth("sources:write")
WEBHOOKS_MANAGE = ApiKeyAuth("webhooks:manage")
