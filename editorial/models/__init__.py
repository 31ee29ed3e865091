"""Editorial records, one module per subject; every model is importable from here
(contract: `from editorial.models import ReaderFeedback`)."""

from editorial.models.api import (
    ApiClient,
    ApiIdempotencyKey,
    ApiKey,
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookSubscription,
)
from editorial.models.core import (
    AnchorReceipt,
    AuditEntry,
    AuditVerification,
    Delivery,
    DeliveryStatus,
    FlagKind,
    LinkFormat,
    MyReview,
    NotificationDelivery,
    NotificationPreference,
    ObjectAuditEntry,
    ReportDelivery,
    ReportFrequency,
    Resolution,
    StalenessFlag,
)
from editorial.models.feedback import (
    PROBLEM_KINDS,
    Disposition,
    FeedbackKind,
    ReaderFeedback,
    ReplyStatus,
)
from editorial.models.outbox import (
    OutboxMessage,
    OutboxStatus,
    ServiceHeartbeat,
)

__all__ = [
    "PROBLEM_KINDS",
    "AnchorReceipt",
    "ApiClient",
    "ApiIdempotencyKey",
    "ApiKey",
    "AuditEntry",
    "AuditVerification",
    "Delivery",
    "DeliveryStatus",
    "Disposition",
    "FeedbackKind",
    "FlagKind",
    "LinkFormat",
    "MyReview",
    "NotificationDelivery",
    "NotificationPreference",
    "ObjectAuditEntry",
    "OutboxMessage",
    "OutboxStatus",
    "ReaderFeedback",
    "ReplyStatus",
    "ReportDelivery",
    "ReportFrequency",
    "Resolution",
    "ServiceHeartbeat",
    "StalenessFlag",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookSubscription",
]
