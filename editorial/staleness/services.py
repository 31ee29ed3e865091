"""Staleness: a changed or retracted source, or a due periodic review, makes approved articles
stale; an editor or the author resolves each stale article (confirm, revise or withdraw).

Detection writes in bulk through editorial.staleness.sweep (one transaction per source); resolution
goes
through editorial.workflow one article at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from articles.identifiers import normalize_identifier
from articles.models import Article, DetectedBy, Source, SourceKind, SourceVersion
from articles.source_rules import is_nccn
from editorial import workflow
from editorial.access.roles import AnyUser, is_editor
from editorial.audit.attribution import attribute, history_user
from editorial.models import FlagKind, Resolution, StalenessFlag
from editorial.staleness.sweep import FlaggedArticle, FlagSpec, Scope, sweep
from editorial.webhooks import articles_swept_stale, source_version_event

REASON_SOURCE_CHANGED = "source changed"
REASON_RETRACTED = "retracted"
REASON_REVIEW_DUE = "periodic review due"
RETRACTED_VERSION = "retracted"
VERSION_LENGTH = 100


def _ensure_editor_or_system(actor: AnyUser, action: str) -> None:
    if actor is not None and not is_editor(actor):
        raise PermissionDenied(f"Only an editor can {action}.")


def _short(source: Source) -> str:
    title = source.title
    return title if len(title) <= 40 else title[:39] + "…"


def _changed_spec(source: Source, previous: str, version: str) -> FlagSpec:
    return FlagSpec(
        source_id=source.pk,
        from_version=previous,
        to_version=version,
        reason=REASON_SOURCE_CHANGED,
        history_reason=(
            f"flagged stale: {_short(source)} changed from {previous or '—'} to {version}"
        ),
    )


def _clean_version(source: Source, version: str) -> str:
    version = (version or "").strip()
    if not version:
        raise ValidationError("Say which version was published (e.g. “2026.1”).")
    if len(version) > VERSION_LENGTH:
        raise ValidationError(f"A version label has at most {VERSION_LENGTH} characters.")
    if is_nccn(source) and source.kind == SourceKind.GUIDELINE:
        # "v2.2025" and "Version 2.2025" are one NCCN version: store the canonical form
        version = normalize_identifier("nccn_version", version)
    return version


def source_record_version(
    *,
    source: Source,
    version: str,
    actor: AnyUser = None,
    effective_on: date | None = None,
    note: str = "",
    detected_by: str = DetectedBy.MANUAL,
    content_hash: str = "",
    etag: str = "",
    last_modified: str = "",
) -> list[FlaggedArticle]:
    """Record a new version of a source and move every approved article citing it to stale with
    a flag and a history row; returns the articles newly flagged (articles already stale get a
    flag too, not a move). Recording the current version again flags nothing."""
    version = _clean_version(source, version)
    _ensure_editor_or_system(actor, "record a new source version")
    now = timezone.now()
    with transaction.atomic():
        # The row lock serialises two recordings of one source (an editor and the poller):
        # the second sees the first's version and flags nothing.
        source = Source.objects.select_for_update().get(pk=source.pk)
        if source.current_version == version:
            return []
        previous = source.current_version
        SourceVersion.objects.create(
            source=source,
            label=version,
            effective_on=effective_on,
            detected_by=detected_by,
            content_hash=content_hash,
            etag=etag[:300],
            last_modified=last_modified[:100],
            note=(note or "").strip()[:2000],
            recorded_at=now,
            recorded_by=history_user(actor),
        )
        source.current_version = version
        source.version_date = effective_on or now.date()
        attribute(
            source, actor=actor, reason=f"new version {version} (was {previous or 'unversioned'})"
        )
        source.save(update_fields=["current_version", "version_date"])
        spec = _changed_spec(source, previous, version)
        flagged = sweep(scope=Scope.citing(source.pk), spec=spec, actor=actor, now=now)
        # the feeds hear of the new version, the publishing sites of each article gone stale
        source_version_event(source, previous=previous, flagged=len(flagged))
        if flagged:
            articles_swept_stale(now)
    return flagged


def source_mark_retracted(
    *, source: Source, actor: AnyUser = None, note: str = ""
) -> list[FlaggedArticle]:
    """Mark a source retracted and flag at once every approved article citing it (reason
    "retracted"); returns the articles newly flagged."""
    _ensure_editor_or_system(actor, "mark a source retracted")
    now = timezone.now()
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        if source.retracted:
            return []
        source.retracted = True
        attribute(
            source, actor=actor, reason=f"retracted{': ' + note.strip() if note.strip() else ''}"
        )
        source.save(update_fields=["retracted"])
        spec = FlagSpec(
            source_id=source.pk,
            from_version=source.current_version,
            to_version=RETRACTED_VERSION,
            reason=REASON_RETRACTED,
            history_reason=f"flagged stale: {_short(source)} was retracted",
        )
        flagged = sweep(scope=Scope.citing(source.pk), spec=spec, actor=actor, now=now)
        if flagged:
            articles_swept_stale(now)
    return flagged


def articles_flag_review_due(*, today: date | None = None, actor: AnyUser = None) -> int:
    """The backstop: flag every approved article whose periodic review is due (reason
    "periodic review due"); returns how many were flagged. Safe to run twice: the second run
    finds no approved article past its date."""
    _ensure_editor_or_system(actor, "flag articles for periodic review")
    now = timezone.now()
    today = today or timezone.localdate()
    spec = FlagSpec(
        source_id=None,
        from_version="",
        to_version="",
        reason=REASON_REVIEW_DUE,
        history_reason=f"flagged stale: {REASON_REVIEW_DUE}",
        to_version_sql="'review due ' || CAST(a.next_review_due AS VARCHAR(100))",
        kind=FlagKind.REVIEW_DUE,
    )
    scope = Scope.review_due(connection.ops.adapt_datefield_value(today))
    with transaction.atomic():
        flagged = len(sweep(scope=scope, spec=spec, actor=actor, now=now))
        if flagged:
            articles_swept_stale(now)
    return flagged


# --- resolving ---------------------------------------------------------------------------

RESOLUTION_SERVICES: dict[str, Callable[[Article, AnyUser, str], Article]] = {
    Resolution.CONFIRMED: lambda article, actor, note: workflow.article_rereview(
        article=article, actor=actor, note=note
    ),
    Resolution.REVISED: lambda article, actor, note: workflow.article_start_revision(
        article=article, actor=actor, note=note
    ),
    Resolution.WITHDRAWN: lambda article, actor, note: workflow.article_archive(
        article=article, actor=actor, reason=note
    ),
}


def article_resolve_staleness(
    *, article: Article, resolution: str, actor: AnyUser, note: str
) -> Article:
    """Resolve every open staleness flag of an article: confirm still accurate (re-review),
    revise (back to draft) or withdraw (archive); the choice, who and why go on the flags and
    into the article's history."""
    note = (note or "").strip()
    if resolution not in RESOLUTION_SERVICES:
        raise ValidationError("Choose: confirm still accurate, revise or withdraw.")
    if not note:
        raise ValidationError("Say why (it is kept with the flag).")
    if history_user(actor) is None:
        raise PermissionDenied("Sign in to resolve a staleness flag.")
    with transaction.atomic():
        # Article first, then its flags: the same order as the sweep, so the two never wait
        # on each other in a circle. A flag a sweep adds meanwhile stays open (a new change).
        article = Article.objects.select_for_update(of=("self",)).get(pk=article.pk)
        flags = list(
            StalenessFlag.objects.select_for_update()
            .filter(article=article, resolved_at__isnull=True)
            .order_by("pk")
        )
        if not flags:
            raise ValidationError("This article has no open staleness flag.")
        # The workflow checks the permission and the state (it raises before anything
        # changed), closes the open flags with the note and writes the article's history row.
        article = RESOLUTION_SERVICES[resolution](article, actor, note)
    return article
