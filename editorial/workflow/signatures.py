"""Signed decisions: what a signature means and whether an approval still holds.

An approval is bound to a SHA-256 of the exact content reviewed (articles.snapshot: question,
summary, sections, citations with their pinned versions and source identifiers), in canonical
JSON. When the content changes the hash no longer matches and the approval is void: quorum and
every page showing reviewers go through `approval_is_valid` / `article_valid_approvals`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from articles.models import Article, SourceKind
from articles.snapshot import article_content_hash
from reviewers.models import BoardMember, Decision, ReviewAssignment, Signature, SignatureMeaning


def snapshot_cites_label(snapshot: dict[str, Any]) -> bool:
    return any(c["source"]["kind"] == SourceKind.DRUG_LABEL for c in snapshot["citations"])


def signature_of(assignment: ReviewAssignment) -> Signature | None:
    """The assignment's signature or None (no query when select_related("signature"))."""
    try:
        return assignment.signature
    except ObjectDoesNotExist:
        return None


def signature_meaning(member: BoardMember, decision: str, *, cites_label: bool) -> str:
    if decision == Decision.CHANGES_REQUESTED:
        return SignatureMeaning.CHANGES_REQUESTED
    if decision == Decision.DECLINED:
        return SignatureMeaning.DECLINED
    # A pharmacist's approval of a label-citing article vouches for the label content.
    if cites_label and member.is_pharmacist and not member.is_physician:
        return SignatureMeaning.LABEL_REVIEWED
    return SignatureMeaning.APPROVED


def approval_is_valid(assignment: ReviewAssignment, content_hash: str) -> bool:
    """An approval counts only if it was signed over exactly this content."""
    signature = signature_of(assignment)
    return (
        assignment.decision == Decision.APPROVED
        and signature is not None
        and signature.content_sha256 == content_hash
    )


def article_valid_approvals(
    article: Article, *, content_hash: str | None = None
) -> list[ReviewAssignment]:
    """Approvals, any round, signed over the given content (default: the current content),
    with reviewer, user and signature loaded (3 queries, or 1 when content_hash is given).

    For what readers see, pass `snapshot_hash(article.approved_snapshot)`."""
    if content_hash is None:
        content_hash = article_content_hash(article)
    approvals = (
        ReviewAssignment.objects.filter(
            article=article,
            decision=Decision.APPROVED,
            signature__content_sha256=content_hash,
        )
        .select_related("reviewer__user", "signature")
        .order_by("signature__signed_at", "pk")
    )
    return [a for a in approvals if approval_is_valid(a, content_hash)]


def article_cites_label(article: Article) -> bool:
    """Whether the article cites a drug label (1 query)."""
    return article.citations.filter(source__kind=SourceKind.DRUG_LABEL).exists()
