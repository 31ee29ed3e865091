"""One audit timeline per article, built from the history tables and the hash chain.

Read-only selectors. Queries: one per history model that concerns the article (plus one for
the cited sources' history), one for the chain, one for reviewer names: constant in the
number of entries.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.db import models

from articles.models import Article, Citation
from editorial.access.roles import AnyUser, is_editor
from editorial.audit.chain import canonical, chained_models, history_models
from editorial.models import AuditEntry
from reviewers.models import BoardMember, ReviewAssignment, Signature

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
# Columns that change on every save and say nothing to an inspector.
QUIET_FIELDS = {"updated_at", "created_at"}
# Content a reviewer signs: the article's own fields and its sections' and citations' rows.
SIGNED_ARTICLE_FIELDS = ("title", "summary", "risk", "specialty_id")
SIGNED_SECTION_FIELDS = ("kind", "heading", "body", "position")
SIGNED_CITATION_FIELDS = ("number", "source_id", "locator", "cited_version")


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    object_id: int
    action: str
    changes: str
    who: str
    why: str
    model_label: str
    history_id: int
    sequence: int | None
    entry_hash: str


@dataclass(frozen=True)
class ApprovalSignature:
    reference: str
    printed_name: str
    credentials: str
    meaning: str
    signed_at: datetime
    content_hash: str
    round: int


@dataclass
class ArticleAudit:
    article: Article
    entries: list[TimelineEntry] = field(default_factory=list)
    signatures: list[ApprovalSignature] = field(default_factory=list)


def can_view_audit(article: Article | int, user: AnyUser) -> bool:
    """Editors (no query), and the board members assigned to the article in any round."""
    if is_editor(user):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    article_id = article if isinstance(article, int) else article.pk
    return ReviewAssignment.objects.filter(article_id=article_id, reviewer__user=user).exists()


def _source_history_models() -> list[tuple[type[models.Model], str]]:
    """History of the sources themselves and of any model keyed by a source (versions)."""
    found = []
    for model in history_models():
        instance = getattr(model, "instance_type", None)
        if instance is not None and instance._meta.label_lower == "articles.source":
            found.append((model, "id"))
        elif model._meta.label_lower not in chained_models():
            try:
                found.append((model, cast(models.Field, model._meta.get_field("source")).attname))
            except Exception:
                continue
    return found


def _history_rows(article: Article) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for label, (model, column) in chained_models().items():
        qs = model._default_manager.filter(**{column: article.pk}).select_related("history_user")
        rows += [(label, r) for r in qs]
    cited = Citation.history.filter(article_id=article.pk).values("source_id")
    for model, column in _source_history_models():
        qs = model._default_manager.filter(**{f"{column}__in": cited}).select_related(
            "history_user"
        )
        rows += [(model._meta.label_lower, r) for r in qs]
    rows.sort(key=lambda lr: (lr[1].history_date, lr[0], lr[1].history_id))
    return rows


def _tracked(row: Any) -> dict[str, Any]:
    return {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if not f.name.startswith("history_") and f.attname not in QUIET_FIELDS
    }


def _short(value: Any) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _changes(previous: dict[str, Any] | None, current: dict[str, Any], names: dict) -> str:
    if previous is None:  # created: what it was created with
        return "; ".join(
            f"{names.get(k, k)}: {_short(v)}"
            for k, v in current.items()
            if k != "id" and v not in (None, "")
        )
    parts = [
        f"{names.get(k, k)}: {_short(previous.get(k))} → {_short(v)}"
        for k, v in current.items()
        if previous.get(k) != v
    ]
    return "; ".join(parts)


def _who(row: Any) -> str:
    user = row.history_user
    if user is None:
        return "system"
    return user.get_full_name() or user.get_username()


def article_timeline(article: Article) -> ArticleAudit:
    """Every history entry concerning the article, oldest first, with who, why and chain link."""
    rows = _history_rows(article)
    chain = {
        (e.model_label, e.history_id): e
        for e in AuditEntry.objects.filter(article_id=article.pk).only(
            "model_label", "history_id", "sequence", "entry_hash"
        )
    }
    member_ids = {r.reviewer_id for label, r in rows if hasattr(r, "reviewer_id")}
    members = {
        m.pk: m for m in BoardMember.objects.filter(pk__in=member_ids).select_related("user")
    }
    signed_all = _signed_decisions(article)
    signed = dict(signed_all)  # each signature shown once, on its decision's row
    audit = ArticleAudit(article=article)
    last: dict[tuple[str, int], dict[str, Any]] = {}
    for label, row in rows:
        values = _tracked(row)
        key = (label, row.id)
        names = {"reviewer_id": "reviewer"}
        changes = _changes(last.get(key), values, names)
        last[key] = values
        if hasattr(row, "reviewer_id"):
            reviewer = members.get(row.reviewer_id)
            prefix = f"reviewer {reviewer or row.reviewer_id}"
            changes = f"{prefix}; {changes}" if changes else prefix
            signature = signed.pop(row.id, None) if row.decided_at else None
            if signature is not None:
                changes += (
                    f"; signed by {signature.printed_name}, {signature.credentials}:"
                    f" {signature.meaning} (content {signature.content_sha256[:12]})"
                )
        link = chain.get((label, row.history_id))
        audit.entries.append(
            TimelineEntry(
                at=row.history_date,
                kind=str(row.instance_type._meta.verbose_name).capitalize(),
                object_id=row.id,
                action=ACTIONS.get(row.history_type, row.history_type),
                changes=changes,
                who=_who(row),
                why=row.history_change_reason or "",
                model_label=label,
                history_id=row.history_id,
                sequence=link.sequence if link else None,
                entry_hash=link.entry_hash if link else "",
            )
        )
    audit.signatures = _signatures(article, rows, members, signed_all)
    return audit


def _content_as_of(rows: list[tuple[str, Any]], at: datetime) -> dict[str, Any]:
    """The signed content (article, sections, citations) reconstructed from history at `at`."""
    latest: dict[tuple[str, int], Any] = {}
    for label, row in rows:
        if row.history_date <= at:
            latest[(label, row.id)] = row
    live = [(label, r) for (label, _), r in latest.items() if r.history_type != "-"]

    def pick(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
        return {n: getattr(row, n) for n in names}

    by_label: dict[str, list[Any]] = {}
    for label, row in live:
        by_label.setdefault(label, []).append(row)
    article_rows = by_label.get("articles.historicalarticle", [])
    sections = [
        pick(r, SIGNED_SECTION_FIELDS) | {"id": r.id}
        for r in by_label.get("articles.historicalsection", [])
    ]
    citations = [
        pick(r, SIGNED_CITATION_FIELDS) | {"id": r.id}
        for r in by_label.get("articles.historicalcitation", [])
    ]
    return {
        "article": pick(article_rows[0], SIGNED_ARTICLE_FIELDS) if article_rows else None,
        "sections": sorted(sections, key=lambda s: (s["position"], s["id"])),
        "citations": sorted(citations, key=lambda c: (c["number"], c["id"])),
    }


def _signed_decisions(article: Article) -> dict[int, Any]:
    """{assignment id: Signature} for the article (one query)."""
    return {s.assignment_id: s for s in Signature.objects.filter(assignment__article=article)}


def approval_content_hash(
    rows: list[tuple[str, Any]], decision_row: Any, signature: Any = None
) -> str:
    """SHA-256 of the content the reviewer approved: the signature's own hash when signed,
    else rebuilt from history at the decision (approvals recorded before signatures)."""
    if signature is not None and getattr(signature, "content_sha256", None):
        return signature.content_sha256
    content = _content_as_of(rows, decision_row.history_date)
    return hashlib.sha256(canonical("content", content).encode("utf-8")).hexdigest()


def signoff_reference(article_id: int, assignment_id: int, content_hash: str) -> str:
    """Unique and stable: one assignment approves once, and its content hash never changes."""
    return f"IMP-{article_id}-{assignment_id}-{content_hash[:8]}"


def _signatures(
    article: Article, rows: list, members: dict[int, BoardMember], signed: dict[int, Any]
) -> list:
    signatures = []
    seen: dict[int, str] = {}
    for label, row in rows:
        if label != "reviewers.historicalreviewassignment":
            continue
        was = seen.get(row.id)
        seen[row.id] = row.decision
        if row.decision != "approved" or was == "approved":
            continue
        member = members.get(row.reviewer_id)
        signature = signed.get(row.id)
        content_hash = approval_content_hash(rows, row, signature)
        user = member.user if member else None
        name = user.get_full_name() or user.get_username() if user else "unknown"
        signatures.append(
            ApprovalSignature(
                reference=signoff_reference(article.pk, row.id, content_hash),
                printed_name=getattr(signature, "printed_name", None) or name,
                credentials=getattr(signature, "credentials", None)
                or (member.credentials if member else ""),
                meaning=getattr(signature, "meaning", None)
                or f"Approved for publication (review round {row.round})",
                signed_at=getattr(signature, "signed_at", None)
                or row.decided_at
                or row.history_date,
                content_hash=content_hash,
                round=row.round,
            )
        )
    return signatures
