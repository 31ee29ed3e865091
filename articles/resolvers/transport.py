"""The resolvers' HTTP: the one retrying client (articles.transport: retries with back-off on
timeouts, connection errors, 429 — its Retry-After wins — and 5xx), plus what registries ask
for on top: a timeout and a minimum interval per host.

Registries ask for politeness (NCBI: 3 requests/s without a key; Crossref: identify yourself,
stay under its rate limit): CITATION_RESOLVER_HOST_INTERVALS and _HOST_TIMEOUTS set it per
host. The interval is kept per process (a Celery worker, a web worker) and spaces the first
attempts; retries are spaced by the back-off."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from articles.resolvers.base import NotFound, RateLimited, ResolverError
from articles.transport import attempts_made, retrying_client


@dataclass
class HostPolicy:
    """Per-host timeouts and minimum intervals, with defaults for the hosts not listed."""

    timeout: float = 5.0
    interval: float = 0.0
    timeouts: Mapping[str, float] = field(default_factory=dict)
    intervals: Mapping[str, float] = field(default_factory=dict)

    def timeout_for(self, host: str) -> float:
        return float(self.timeouts.get(host, self.timeout))

    def interval_for(self, host: str) -> float:
        return float(self.intervals.get(host, self.interval))


class HostLimiter:
    """Requests to one host start at least `interval` seconds apart (thread-safe)."""

    def __init__(
        self,
        policy: HostPolicy,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy
        self.clock, self.sleep = clock, sleep
        self._lock = threading.Lock()
        self._next_start: dict[str, float] = {}

    def wait(self, host: str) -> None:
        with self._lock:
            now = self.clock()
            start = max(now, self._next_start.get(host, 0.0))
            self._next_start[host] = start + self.policy.interval_for(host)
        if start > now:
            self.sleep(start - now)


@dataclass
class HttpTransport:
    policy: HostPolicy = field(default_factory=HostPolicy)
    retries: int = 2
    backoff: float = 0.5  # seconds before retry n: backoff * 2**(n-1)
    user_agent: str = "Imprimatur citation check"
    limiter: HostLimiter = field(init=False)
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = HostLimiter(self.policy)
        self.client = retrying_client(
            timeout=self.policy.timeout,
            retries=self.retries,
            backoff=self.backoff,
            user_agent=self.user_agent,
        )

    def get_json(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        """The JSON answer; NotFound on 404 (and 410), RateLimited when 429s outlast the
        retries, ResolverError for anything else that is not a 200 with JSON."""
        response = self._get(url, params)
        try:
            return response.json()
        except ValueError as exc:
            raise ResolverError("the answer was not JSON") from exc

    def _get(self, url: str, params: Mapping[str, str] | None) -> httpx.Response:
        host = urlsplit(url).hostname or ""
        timeout = self.policy.timeout_for(host)
        attempts = f"after {self.retries + 1} attempt(s)"
        self.limiter.wait(host)
        try:
            response = self.client.get(
                url,
                params=dict(params or {}),
                headers={"Accept": "application/json"},
                timeout=timeout,
            )
        except httpx.TimeoutException as exc:
            raise ResolverError(f"no answer within {timeout:g} s {attempts}") from exc
        except httpx.TransportError as exc:
            name = exc.__class__.__name__
            raise ResolverError(f"could not connect ({name}) {attempts}") from exc
        status = response.status_code
        if status == 200:
            return response
        if status in (404, 410):
            raise NotFound(f"HTTP {status}")
        error = RateLimited if status == 429 else ResolverError
        raise error(f"HTTP {status} after {attempts_made(response)} attempt(s)")
