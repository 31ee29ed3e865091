"""Reader feedback (issue 21): questions and problem reports from readers, and the editors'
disposition of each (contract: `from editorial.feedback import feedback_resolve`)."""

from editorial.feedback.escalation import (
    feedback_concern_reason,
    feedback_escalate,
    feedback_escalation_problem,
)
from editorial.feedback.services import (
    FeedbackThrottled,
    feedback_resolve,
    feedback_submit,
    feedback_throttle_check,
    sender_key,
)

__all__ = [
    "FeedbackThrottled",
    "feedback_concern_reason",
    "feedback_escalate",
    "feedback_escalation_problem",
    "feedback_resolve",
    "feedback_submit",
    "feedback_throttle_check",
    "sender_key",
]
