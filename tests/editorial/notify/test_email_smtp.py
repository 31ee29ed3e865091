"""The staleness report through a real SMTP server (aiosmtpd, started by the test)."""

from __future__ import annotations

import email
import socket
from datetime import UTC, datetime
from email.policy import default as default_policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.test import override_settings

from editorial.reporting.staleness_report import staleness_report_send
from tests.editorial.email_world import build_world

pytestmark = pytest.mark.django_db


class Inbox:
    """aiosmtpd handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    # aiosmtpd cannot bind port 0 and report it (STACK-NOTES): ask the OS for one first.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_report_travels_through_smtp_with_text_and_html_parts(smtp_server):
    inbox, port = smtp_server
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), tick=False):
        world = build_world()
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
    }
    with (
        override_settings(**smtp),
        time_machine.travel(datetime(2026, 11, 23, 7, 0, tzinfo=UTC), tick=False),
    ):
        run = staleness_report_send()

    assert run.sent == len(inbox.messages) > 0
    assert sorted(r for rcpts, _ in inbox.messages for r in rcpts).count(world.author.email) == 1
    raw = next(content for rcpts, content in inbox.messages if rcpts == [world.author.email])
    message = email.message_from_bytes(raw, policy=default_policy)
    assert message["Subject"] == (
        "Imprimatur: 1 stale article, 1 periodic review due, 0 review assignments late or due soon"
    )
    assert message["To"] == world.author.email
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Cystitis in women" in text and "2018 -> 2024" in text
    assert f'href="http://127.0.0.1:8000/author/articles/{world.stale_mine.pk}/"' in html
