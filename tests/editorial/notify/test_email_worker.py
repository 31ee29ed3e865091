"""End to end on the production services: an assignment commits, its notice goes through Redis
to a real Celery worker (a subprocess), which sends it and records the delivery."""

from __future__ import annotations

import pytest

from editorial import workflow
from editorial.models import DeliveryStatus, NotificationDelivery
from editorial.outbox import outbox_relay_once
from tests.editorial.notify.test_worker_integration import wait_until, worker_queue  # noqa: F401
from tests.factories import ArticleFactory, BoardMemberFactory, editor_user


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_assignment_notice_after_commit(worker_queue):  # noqa: F811
    article = ArticleFactory(submitted=True)
    member = BoardMemberFactory()

    (assignment,) = workflow.review_assign(article=article, reviewers=[member], actor=editor_user())

    sent = NotificationDelivery.objects.filter(
        event_key=f"assigned:{assignment.pk}",
        recipient=member.user,
        status=DeliveryStatus.SENT,
    )
    # the notice is an outbox row of the assignment's transaction: the relay publishes it
    wait_until(lambda: (outbox_relay_once(), sent.exists())[1], "send the assignment notice")
    assert sent.get().subject == f"Please review: {article.title}"
