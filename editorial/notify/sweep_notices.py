"""Notices for articles the staleness sweep flagged. The sweep writes in bulk, without the
workflow hook, and one changed guideline can flag hundreds of articles: so each person gets ONE
mail per sweep (one source version, or one day of the periodic-review backstop) listing their
articles, keyed by the sweep, instead of one mail per article."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from articles.models import Status
from editorial.models import StalenessFlag
from editorial.notify.notices import (
    WORKFLOW,
    Notice,
    SendFailed,
    author_url,
    editors_for_mail,
    notices_send,
)

SHOWN = 50  # articles listed in one mail; the rest are one click away


def _sweep_key(flag: dict) -> str:
    if flag["source_id"] is None:
        return f"sweep:review:{timezone.localdate(flag['detected_at']).isoformat()}"
    return f"sweep:{flag['source_id']}:{flag['to_version']}"[:100]


def _what(flag: dict) -> str:
    if flag["source_id"] is None:
        return "their periodic review is due"
    if flag["to_version"] == "retracted":
        return f"{flag['source__title']} was retracted"
    before = flag["from_version"] or "unversioned"
    return f"{flag['source__title']} changed ({before} → {flag['to_version']})"


def recently_stale_notify(*, now: datetime | None = None, days: int = 2) -> int:
    """Tell authors and editors about the articles each recent sweep flagged, one mail per
    person and sweep; a re-run finds the delivery rows and sends nothing new."""
    since = (now or timezone.now()) - timedelta(days=days)
    sweeps: dict[str, list[dict]] = defaultdict(list)
    for flag in (
        StalenessFlag.objects.filter(
            detected_at__gte=since, resolved_at__isnull=True, article__status=Status.STALE
        )
        .order_by("article__title", "pk")
        .values(
            "source_id",
            "source__title",
            "from_version",
            "to_version",
            "detected_at",
            "article_id",
            "article__title",
            "article__author_id",
        )
    ):
        row = cast(dict[str, Any], flag)  # a TypedDict to the stubs, a plain dict at run time
        sweeps[_sweep_key(row)].append(row)
    if not sweeps:
        return 0
    editors = editors_for_mail()
    authors = _authors({f["article__author_id"] for flags in sweeps.values() for f in flags})
    sent, failed = 0, None
    for key, flags in sweeps.items():
        try:
            sent += notices_send(_pairs(key, flags, editors, authors), WORKFLOW)
        except SendFailed as exc:
            failed = exc
    if failed:
        raise failed
    return sent


def _authors(ids: set[int]) -> dict:

    return {
        u.pk: u
        for u in User.objects.filter(pk__in=ids, is_active=True)
        .exclude(email="")
        .select_related("notification_preference")
    }


def _notice(flags: list[dict], *, for_editor: bool) -> Notice:
    what = _what(flags[0])
    n = len(flags)
    lines = [f"{n} article{'s' if n != 1 else ''} went stale: {what}."]
    lines += [f"• {f['article__title']}" for f in flags[:SHOWN]]
    if n > SHOWN:
        lines.append(f"…and {n - SHOWN} more.")
    lines.append("Confirm each is still accurate, revise it or withdraw it.")
    if for_editor:
        params = (
            f"source__id__exact={flags[0]['source_id']}"
            if flags[0]["source_id"]
            else "source__isnull=True"
        )
        url = f"{settings.SITE_URL}{reverse('admin:editorial_stalenessflag_changelist')}"
        url += f"?state=open&{params}"
    elif n == 1:
        url = author_url(flags[0]["article_id"])
    else:
        url = settings.SITE_URL + reverse("author:dashboard")
    subject = f"Stale: {flags[0]['article__title']}" if n == 1 else f"{n} articles stale: {what}"
    return Notice(subject[:200], lines, url, "Open" if n == 1 else "Open the list")


def _pairs(key: str, flags: list[dict], editors: list, authors: dict) -> list:
    by_author: dict[int, list[dict]] = defaultdict(list)
    for flag in flags:
        by_author[flag["article__author_id"]].append(flag)
    pairs = [
        (authors[author_id], key, _notice(own, for_editor=False))
        for author_id, own in by_author.items()
        if author_id in authors
    ]
    everything = _notice(flags, for_editor=True)
    return pairs + [(e, key, everything) for e in editors]
