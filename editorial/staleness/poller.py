"""The source poller: has a cited source changed since its last recorded version?

One conditional GET per source with a URL (If-None-Match / If-Modified-Since from the latest
SourceVersion; without those validators, the SHA-256 of the body decides). A changed source
gets a new SourceVersion through editorial.staleness.source_record_version, which flags the
approved articles citing it. Publishers' servers are slow and sometimes down: timeouts, retries
with backoff, a per-host limit, and one log line per failure (settings SOURCE_POLL_*). With
registry lookups on, editorial.staleness.registry_check also asks DailyMed and Crossref / PubMed.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from articles.models import DetectedBy, Source, SourceVersion
from articles.resolvers import is_enabled
from articles.transport import RETRYABLE_STATUS, attempts_made, retrying_client
from editorial.staleness.registry_check import (
    has_registry_identifier,
    registry_fields,
    source_check_registries,
)
from editorial.staleness.services import source_record_version

logger = logging.getLogger(__name__)


class PollError(Exception):
    """The source could not be fetched; the message is the log line's reason."""


@dataclass(frozen=True)
class PollOutcome:
    source_id: int
    status: str  # "retracted" | "changed" | "failed" | "baseline" | "unchanged"
    detail: str = ""
    flagged: int = 0


# Which outcome a source's summary shows when its page and its registries disagree.
SIGNIFICANCE = ("unchanged", "baseline", "failed", "changed", "retracted")


@dataclass(frozen=True)
class Fetched:
    is_not_modified: bool
    content_hash: str
    etag: str
    last_modified: str


class HostLimiter:
    """Per host: requests started `interval` seconds apart (politeness towards publishers'
    servers when one run polls many sources of one host). Thread-safe; one per polling run.
    Across workers the fan-out task staggers its polls per host instead."""

    def __init__(self, *, interval: float) -> None:
        self.interval = max(0.0, interval)
        self._lock = threading.Lock()
        self._next_start: dict[str, float] = defaultdict(float)

    @classmethod
    def from_settings(cls) -> HostLimiter:
        return cls(interval=settings.SOURCE_POLL_HOST_INTERVAL)

    def wait_turn(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start[host])
            self._next_start[host] = start + self.interval
        if start > now:
            time.sleep(start - now)


def poll_client() -> httpx.Client:
    """The shared retrying client with the poller's timeouts, retries and user agent."""
    return retrying_client(
        timeout=settings.SOURCE_POLL_TIMEOUT,
        retries=settings.SOURCE_POLL_RETRIES,
        backoff=settings.SOURCE_POLL_BACKOFF,
        user_agent=settings.SOURCE_POLL_USER_AGENT,
    )


def sources_to_poll() -> QuerySet[Source]:
    """Sources the poller checks: not retracted, with a URL or (registry lookups on) a DOI,
    PMID or DailyMed set id."""
    watched = ~Q(url="")
    if is_enabled():
        watched |= has_registry_identifier()
    return Source.objects.filter(watched, retracted=False).order_by("pk")


def _conditional_headers(latest: SourceVersion | None) -> dict[str, str]:
    headers = {}
    if latest is not None and latest.etag:
        headers["If-None-Match"] = latest.etag
    if latest is not None and latest.last_modified:
        headers["If-Modified-Since"] = latest.last_modified
    return headers


def _read(response: httpx.Response) -> Fetched:
    if response.status_code == 304:
        return Fetched(True, "", response.headers.get("ETag", ""), "")
    digest, size = hashlib.sha256(), 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > settings.SOURCE_POLL_MAX_BYTES:
            raise PollError(f"body larger than {settings.SOURCE_POLL_MAX_BYTES} bytes")
        digest.update(chunk)
    headers = response.headers
    return Fetched(
        False, digest.hexdigest(), headers.get("ETag", ""), headers.get("Last-Modified", "")
    )


def fetch(client: httpx.Client, url: str, headers: dict[str, str], limiter: HostLimiter) -> Fetched:
    """GET through the retrying client; raises PollError once the attempts are spent."""
    attempts = settings.SOURCE_POLL_RETRIES + 1
    limiter.wait_turn(urlsplit(url).hostname or "")
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code in (200, 203, 304):
                return _read(response)
            error = f"HTTP {response.status_code}"
            if response.status_code in RETRYABLE_STATUS:
                error += f" (after {attempts_made(response)} attempts)"
            raise PollError(error)  # 404, 410, 403: retrying would not help
    except httpx.TimeoutException as exc:
        raise PollError(
            f"timed out after {settings.SOURCE_POLL_TIMEOUT:g} s (after {attempts} attempts)"
        ) from exc
    except httpx.HTTPError as exc:
        raise PollError(f"{type(exc).__name__}: {exc} (after {attempts} attempts)") from exc


def _effective_on(last_modified: str) -> date:
    try:
        return parsedate_to_datetime(last_modified).date()
    except (TypeError, ValueError, IndexError):
        return timezone.localdate()


def _remember(version: SourceVersion, fetched: Fetched) -> None:
    """Keep the validators of the latest fetch on the version they describe."""
    changed = {
        "content_hash": fetched.content_hash or version.content_hash,
        "etag": fetched.etag[:300] or version.etag,
        "last_modified": fetched.last_modified[:100] or version.last_modified,
    }
    fields = [name for name, value in changed.items() if getattr(version, name) != value]
    for name in fields:
        setattr(version, name, changed[name])
    if fields:
        version.save(update_fields=fields)


def source_poll(
    source: Source, *, client: httpx.Client, limiter: HostLimiter | None = None
) -> PollOutcome:
    """Poll one source: its page (a changed body records a new version and flags articles),
    then its registries when lookups are on (a retraction or a new DailyMed label)."""
    outcome = _poll_page(source, client, limiter) if source.url else None
    if not (is_enabled() and any(getattr(source, f).strip() for f in registry_fields())):
        return outcome or PollOutcome(source.pk, "unchanged", "nothing to poll")
    source.refresh_from_db()  # the page poll may have recorded a version
    status, detail, flagged = source_check_registries(source)
    if outcome is None:
        return PollOutcome(source.pk, status, detail, flagged)
    if SIGNIFICANCE.index(status) > SIGNIFICANCE.index(outcome.status):
        return PollOutcome(source.pk, status, detail, outcome.flagged + flagged)
    return PollOutcome(source.pk, outcome.status, outcome.detail, outcome.flagged + flagged)


def _poll_page(source: Source, client: httpx.Client, limiter: HostLimiter | None) -> PollOutcome:
    limiter = limiter or HostLimiter.from_settings()
    latest = source.versions.order_by("-recorded_at", "-pk").first()
    has_fingerprint = latest is not None and latest.has_fingerprint
    headers = _conditional_headers(latest) if has_fingerprint else {}
    try:
        fetched = fetch(client, source.url, headers, limiter)
    except PollError as exc:
        logger.error("source poll failed: source %s %s: %s", source.pk, source.url, exc)
        return PollOutcome(source.pk, "failed", str(exc))
    if latest is None or not has_fingerprint:
        return _baseline(source, latest, fetched)
    if fetched.is_not_modified or fetched.content_hash == latest.content_hash:
        _remember(latest, fetched)
        return PollOutcome(
            source.pk, "unchanged", "not modified" if fetched.is_not_modified else ""
        )
    today = timezone.localdate()
    flagged = source_record_version(
        source=source,
        version=f"detected {today:%Y-%m-%d} ({fetched.content_hash[:8]})",
        effective_on=_effective_on(fetched.last_modified),
        note=f"Detected by the poller: {source.url} changed.",
        detected_by=DetectedBy.POLLER,
        content_hash=fetched.content_hash,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )
    logger.info("source %s changed: %d article(s) flagged stale", source.pk, len(flagged))
    return PollOutcome(source.pk, "changed", "new version recorded", flagged=len(flagged))


def _baseline(source: Source, latest: SourceVersion | None, fetched: Fetched) -> PollOutcome:
    """The first fetch of a source (or of a version recorded by hand) is what later polls
    compare against; it flags nothing."""
    if fetched.is_not_modified:
        return PollOutcome(source.pk, "unchanged", "not modified")
    if latest is None:
        latest = SourceVersion.objects.create(
            source=source,
            label=source.current_version or f"first seen {timezone.localdate():%Y-%m-%d}",
            detected_by=DetectedBy.POLLER,
            note="Baseline: the first poll of this source.",
        )
    _remember(latest, fetched)
    return PollOutcome(source.pk, "baseline", f"fingerprint kept for {latest.label}")


def source_poll_by_id(source_id: int) -> PollOutcome | None:
    """Poll the source with this id (None when it is gone, retracted or not watched)."""
    source = sources_to_poll().filter(pk=source_id).first()
    if source is None:
        return None
    with poll_client() as client:
        return source_poll(source, client=client)


def sources_poll_all(
    *, on_progress: Callable[[int, int, PollOutcome], None] | None = None
) -> list[PollOutcome]:
    """Poll every source with a URL, one after another (the check_sources command)."""
    sources = sources_to_poll()
    total = sources.count()
    limiter = HostLimiter.from_settings()
    outcomes = []
    with poll_client() as client:
        for done, source in enumerate(sources.iterator(chunk_size=200), start=1):
            outcome = source_poll(source, client=client, limiter=limiter)
            outcomes.append(outcome)
            if on_progress is not None:
                on_progress(done, total, outcome)
    return outcomes
