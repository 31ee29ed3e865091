"""python manage.py outbox_relay [--once]: publish the outbox to Celery.

Run exactly one (compose service `relay`): two would be safe (rows are locked with SKIP LOCKED),
but one keeps the order and the broker load simple. `--once` publishes everything due and exits
(non-zero when the broker refused, so a cron job or CI notices).
"""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from editorial.ops.heartbeat import heartbeat_record
from editorial.outbox import outbox_purge_sent, outbox_relay_once

MAX_SLEEP_SECONDS = 30.0
PURGE_EVERY_SECONDS = 3600
HEARTBEAT_EVERY_SECONDS = 10


class Command(BaseCommand):
    help = "Publish the outbox (owed notices, reports, pre-renders) to Celery."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Publish everything due, then exit."
        )
        parser.add_argument("--batch", type=int, default=100, help="Rows per transaction.")

    def handle(self, *args: Any, once: bool, batch: int, **options: Any) -> None:
        if once:
            self._once(batch)
            return
        self._stop = False
        signal.signal(signal.SIGTERM, self._request_stop)
        signal.signal(signal.SIGINT, self._request_stop)
        self._loop(batch)

    def _request_stop(self, *_: Any) -> None:
        self._stop = True

    def _once(self, batch: int) -> None:
        total = 0
        while True:
            result = outbox_relay_once(limit=batch)
            total += result.sent
            if result.broker_error:
                raise CommandError(f"{total} published; the broker refused: {result.broker_error}")
            if result.sent + result.failed + result.dead < batch:
                break
        heartbeat_record("relay")
        self.stdout.write(f"{total} outbox message(s) published.")

    def _loop(self, batch: int) -> None:
        failures = 0
        purged_at = beat_at = 0.0
        while not self._stop:
            try:
                close_old_connections()  # a restarted database costs one pass, not the relay
                result = outbox_relay_once(limit=batch)
                if time.monotonic() - beat_at > HEARTBEAT_EVERY_SECONDS:
                    heartbeat_record("relay")
                    beat_at = time.monotonic()
                if time.monotonic() - purged_at > PURGE_EVERY_SECONDS:
                    outbox_purge_sent(older_than=timedelta(days=settings.OUTBOX_KEEP_SENT_DAYS))
                    purged_at = time.monotonic()
            except DatabaseError as exc:
                self.stderr.write(f"{timezone.now():%H:%M:%S} database unavailable: {exc}")
                failures += 1
            else:
                if result.broker_error:
                    self.stderr.write(f"{timezone.now():%H:%M:%S} broker: {result.broker_error}")
                    failures += 1
                else:
                    failures = 0
                    if result.sent + result.failed + result.dead >= batch:
                        continue  # more is due: no sleep
            self._sleep(failures)

    def _sleep(self, failures: int) -> None:
        seconds = settings.OUTBOX_RELAY_INTERVAL
        if failures:
            seconds = min(settings.OUTBOX_RELAY_INTERVAL * 2**failures, MAX_SLEEP_SECONDS)
        deadline = time.monotonic() + seconds
        while not self._stop and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))
