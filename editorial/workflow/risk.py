"""The level of review is the editors' call: the author proposes a risk, the rules in
`settings.REVIEW_RISK_RULES` propose one at assignment, an editor sets it (with a reason kept
in the history). Risk decides the quorum and the review interval."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from articles.models import Article, Risk, Status
from editorial.access.roles import AnyUser
from editorial.audit.attribution import save_attributed
from editorial.workflow import permissions as perms
from editorial.workflow.guards import lock_article, require_status, required_reason

# An editor may set the risk until the board approves; afterwards a revision reopens it.
RISK_SETTABLE = (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED)


@dataclass(frozen=True)
class RiskProposal:
    risk: str
    reasons: list[str] = field(default_factory=list)


def article_risk_proposal(article: Article) -> RiskProposal:
    """What REVIEW_RISK_RULES propose for the article as it stands (2 queries)."""
    kinds = set(article.citations.values_list("source__kind", flat=True))
    text = "\n".join(
        [article.title, article.summary, *article.sections.values_list("body", flat=True)]
    )
    risk, reasons = Risk.STANDARD, []
    rules = cast(list[dict[str, Any]], settings.REVIEW_RISK_RULES)
    for rule in rules:
        cited = kinds & set(rule.get("cites_kinds", ()))
        pattern = rule.get("text_pattern")
        if cited or (pattern and re.search(pattern, text)):
            if risk == Risk.STANDARD:
                risk = rule["risk"]
            reasons.append(rule.get("why", "a review rule matched"))
    return RiskProposal(risk=risk, reasons=reasons)


def article_set_risk(*, article: Article, risk: str, actor: AnyUser, reason: str) -> Article:
    """Set the article's risk (an editor; its author only before the first submission)."""
    if risk not in Risk.values:
        raise ValidationError(f"Unknown risk level {risk!r}: standard or high.")
    reason = required_reason(reason, "Say why the risk level is set (it is kept in the history).")
    with transaction.atomic():
        article = lock_article(article)
        perms.ensure(
            perms.can_set_risk(article, actor),
            "Once the article is submitted, only an editor sets its risk level.",
        )
        require_status(article, RISK_SETTABLE, "change the risk level")
        if article.risk == risk:
            return article
        was = article.risk
        article.risk = risk
        save_attributed(article, actor=actor, reason=f"risk {was} → {risk}: {reason}")
    return article
