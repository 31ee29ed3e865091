"""The one retrying HTTP client, shared by the registry resolvers (articles.resolvers) and the
source poller (editorial.staleness.poller).

Retries (timeouts, connection errors, 408/425/429/5xx) with exponential backoff and the
server's Retry-After come from httpx-retries' transport; each retry is logged at WARNING with
the URL and the reason, so a flaky publisher is visible in the logs. The caller decides what an
answer means once the attempts are spent: the last response (or exception) is returned to it.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

import httpx
from httpx_retries import Retry, RetryTransport

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 300.0  # seconds: a Retry-After beyond this is capped, not obeyed
# The URL being retried, for the log line (the retry policy sees only the response).
_current_url: ContextVar[str] = ContextVar("retrying_url", default="request")


class LoggedRetry(Retry):
    """httpx-retries' policy, with one log line per failed attempt."""

    def sleep(self, response: httpx.Response | Exception) -> None:
        if isinstance(response, httpx.Response):
            reason = f"HTTP {response.status_code}"
        elif isinstance(response, httpx.TimeoutException):
            reason = "timed out"
        else:
            reason = f"{type(response).__name__}: {response}"
        url = _current_url.get()
        logger.warning(
            "%s: attempt %d of %d failed (%s); retrying",
            url, self.attempts_made, self.total + 1, reason,
        )  # fmt: skip
        super().sleep(response)

    def backoff_strategy(self) -> float:
        # retry n waits backoff * 2**(n-1): the first retry waits the backoff itself
        wait = self.backoff_factor * 2 ** max(0, self.attempts_made - 1)
        return min(wait, self.max_backoff_wait)


class LoggedRetryTransport(RetryTransport):
    """RetryTransport that tells LoggedRetry which URL it is retrying."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        token = _current_url.set(str(request.url))
        try:
            return super().handle_request(request)
        finally:
            _current_url.reset(token)


def attempts_made(response: httpx.Response) -> int:
    """How many attempts produced this (final) response."""
    retry = response.extensions.get("retry")
    return (retry.attempts_made if retry is not None else 0) + 1


def retrying_client(
    *,
    timeout: float,
    retries: int,
    backoff: float,
    user_agent: str,
    follow_redirects: bool = True,
) -> httpx.Client:
    """A client that retries GETs `retries` times, waiting backoff * 2**(n-1) s before retry n
    (a Retry-After header, capped at MAX_RETRY_AFTER, wins)."""
    retry = LoggedRetry(
        total=max(0, retries),
        backoff_factor=max(0.0, backoff),
        backoff_jitter=0.0,
        max_backoff_wait=MAX_RETRY_AFTER,
        status_forcelist=RETRYABLE_STATUS,
        allowed_methods=("GET", "HEAD"),
    )
    return httpx.Client(
        transport=LoggedRetryTransport(retry=retry),
        timeout=httpx.Timeout(timeout),
        follow_redirects=follow_redirects,
        headers={"User-Agent": user_agent},
    )
