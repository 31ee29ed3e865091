"""The resolvers' one HTTP transport: GET with a timeout and a minimum interval per host,
retries with back-off on timeouts, connection errors, 429 (its Retry-After wins) and 5xx.

Registries ask for politeness (NCBI: 3 requests/s without a key; Crossref: identify yourself,
stay under its rate limit): CITATION_RESOLVER_HOST_INTERVALS and _HOST_TIMEOUTS set it per
host. The interval is kept per process (a Celery worker, a web worker)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from articles.resolvers.base import NotFound, RateLimited, ResolverError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0  # seconds: a longer wait is a failure now and a retry at the next run


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
    sleep: Callable[[float], None] = time.sleep
    limiter: HostLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = HostLimiter(self.policy, sleep=self.sleep)

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
        last, wait = "no attempt", 0.0
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(wait or self.backoff * 2 ** (attempt - 1))
            self.limiter.wait(host)
            try:
                response = httpx.get(
                    url,
                    params=dict(params or {}),
                    headers={"User-Agent": self.user_agent, "Accept": "application/json"},
                    timeout=timeout,
                    follow_redirects=True,
                )
            except httpx.TimeoutException:
                last, wait = f"no answer within {timeout:g} s", 0.0
                continue
            except httpx.TransportError as exc:
                last, wait = f"could not connect ({exc.__class__.__name__})", 0.0
                continue
            if response.status_code == 200:
                return response
            if response.status_code in (404, 410):
                raise NotFound(f"HTTP {response.status_code}")
            if response.status_code not in RETRY_STATUSES:
                raise ResolverError(f"HTTP {response.status_code}")
            last, wait = f"HTTP {response.status_code}", _retry_after(response)
        error = RateLimited if last == "HTTP 429" else ResolverError
        raise error(f"{last} after {self.retries + 1} attempt(s)")


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "")
    return min(float(value), MAX_RETRY_AFTER) if value.isdigit() else 0.0
