"""An author may take a submission back before the board starts reviewing it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from articles.models import Article, Status
from editorial.access.roles import AnyUser
from editorial.audit.attribution import save_attributed
from editorial.notify import hooks as notifications
from editorial.workflow import permissions as perms
from editorial.workflow.guards import lock_article, require_transition, required_reason


def article_withdraw(*, article: Article, actor: AnyUser, reason: str) -> Article:
    """Submitted -> draft, with the reason in the history; the editors are told."""
    reason = required_reason(reason, "Say why the submission is withdrawn.")
    with transaction.atomic():
        article = lock_article(article)
        perms.ensure(
            perms.can_submit(article, actor),
            "Only the author or an editor can withdraw the submission.",
        )
        if article.status == Status.UNDER_REVIEW:
            raise ValidationError(
                "The board has started reviewing the article: it can no longer be withdrawn"
                " (an editor can archive it)."
            )
        require_transition(article, article.withdraw, "withdraw the submission")
        article.withdraw()
        save_attributed(article, actor=actor, reason=f"submission withdrawn: {reason}")
        notifications.on_withdrawn(article, reason=reason[:500])
    return article
