"""Anchors: keyed checkpoints of every chain, kept outside the database (issue 15).

The hash chains alone prove nothing against someone who can rewrite the tables: edit a row,
recompute the chain, and it verifies. A checkpoint holds, for every chain that grew since the
previous checkpoint, its head (last sequence and full hash) and a fingerprint of each new link
(the first PRINT_BYTES bytes of its entry hash), MACed with HMAC-SHA-256 under
AUDIT_ANCHOR_KEY, a secret the database never sees, and appended as one JSON line to a file in
AUDIT_ANCHOR_DIR (one file per month; optionally mailed to AUDIT_ANCHOR_EMAIL). A chain
recomputed after tampering no longer ends in the anchored hash, and without the key nobody can
write a checkpoint that says otherwise. The fingerprints locate the change: the running hash
of every entry before the first changed one is unchanged, and from that entry on every one
differs, so the first entry whose recomputed hash disagrees with its anchored fingerprint is
the first one edited, inserted or removed (editorial.audit.verify). The head's full hash is
the proof; a fingerprint only says where: to move that place by one entry, a forger would have
to find a 64-bit partial collision, and the head still would not match.

Each checkpoint names the previous one and repeats its MAC, so a checkpoint (or a whole file)
removed from the middle is seen. The newest ones removed (a file cut at a line boundary, the
latest file deleted) would leave a series that merely ends early, so the database keeps a
receipt of each line written (AnchorReceipt) and the reader reports a receipt whose line is
gone. `watermarks` are the highest entry ids a checkpoint covers, so the next one holds only
the chains and links added since (a burst of 10 writes costs a line of 10 heads and their
links: ~100 bytes a chain plus ~11 a link).

When: after each write burst (editorial.audit.tasks.anchor_after_commit: the first commit
asks for a checkpoint AUDIT_ANCHOR_DEBOUNCE_SECONDS later, which covers everything committed
meanwhile), hourly by beat (editorial.ops.beat_schedules), and now with `manage.py audit_anchor`.
Reading them back: editorial.audit.anchor_reader.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Max

from editorial.audit import locks
from editorial.audit.chain import ARTICLE_CHAIN, chains, entry_model
from editorial.models import AnchorReceipt

logger = logging.getLogger(__name__)

FILE_PATTERN = "anchors-*.jsonl"
PENDING_KEY = "imprimatur:audit-anchor-pending"
FORMAT = 2  # 1: heads only; 2: heads and every new link's fingerprint ("links")
PRINT_BYTES = 8  # a link's fingerprint: the first 8 bytes of its entry hash
# a line holds at most this many chains, or about this many characters of fingerprints
PART_CHAINS = 10_000
PART_CHARS = 2_000_000


def key_id(key: str | None = None) -> str:
    """A public fingerprint of the anchor key: says which key signed a line, reveals nothing."""
    key = settings.AUDIT_ANCHOR_KEY if key is None else key
    return hashlib.sha256(b"imprimatur-anchor-key-id|" + key.encode()).hexdigest()[:16]


def anchor_mac(body: dict[str, Any], key: str | None = None) -> str:
    key = settings.AUDIT_ANCHOR_KEY if key is None else key
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def anchor_dir() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR)


def anchor_files() -> list[Path]:
    """The anchor files, oldest first (the month is in the name)."""
    directory = anchor_dir()
    return sorted(directory.glob(FILE_PATTERN)) if directory.is_dir() else []


def _last_line(path: Path) -> bytes:
    """The last complete line of a file, read backwards (a first checkpoint may be MBs)."""
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        end = f.tell()
        data = b""
        position = end
        while position > 0:
            step = min(65536, position)
            position -= step
            f.seek(position)
            data = f.read(step) + data
            lines = data.rstrip(b"\n").split(b"\n")
            if len(lines) > 1 or position == 0:
                return lines[-1]
    return b""


def _previous() -> dict[str, Any] | None:
    """The latest checkpoint, if its line is intact and ours; None starts a fresh series."""
    for path in reversed(anchor_files()):
        line = _last_line(path)
        if not line:
            continue
        try:
            anchor = json.loads(line)
            body = {k: v for k, v in anchor.items() if k != "mac"}
            if hmac.compare_digest(anchor["mac"], anchor_mac(body)):
                return anchor
        except (ValueError, KeyError, TypeError):
            pass
        logger.error("audit anchor: the last line of %s does not verify; starting afresh", path)
        return None
    return None


@contextmanager
def _file_lock() -> Iterator[None]:
    directory = anchor_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _stream(chain: str, since: int, top: int) -> Iterator[tuple[str, list, list]]:
    """(object id, [head sequence, head hash], [[first sequence, fingerprints]]) of every chain
    of `chain` with links in (since, top], one chain at a time: one query, read in chunks."""
    model = entry_model(chain)
    table = connection.ops.quote_name(model._meta.db_table)
    key = "article_id" if chain == ARTICLE_CHAIN else "object_id"
    where, params = ("", []) if chain == ARTICLE_CHAIN else (" AND chain = %s", [chain])
    sql = (
        f"SELECT {key}, sequence, entry_hash FROM {table} WHERE id > %s AND id <= %s{where}"
        f" ORDER BY {key}, sequence"
    )
    current: Any = None
    head: list = []
    runs: list[list] = []
    with transaction.atomic(), connection.chunked_cursor() as cursor:  # a server-side cursor
        cursor.execute(sql, [since, top, *params])
        while rows := cursor.fetchmany(5000):
            for object_id, sequence, digest in rows:
                if object_id != current:
                    if current is not None:
                        yield str(current), head, _encoded(runs)
                    current, runs = object_id, []
                # links past a watermark continue their chain: one run, unless a link is
                # missing already (then the fingerprints say where the gap was)
                if not runs or runs[-1][0] + len(runs[-1][1]) // PRINT_BYTES != sequence:
                    runs.append([sequence, bytearray()])
                runs[-1][1] += bytes.fromhex(digest[: PRINT_BYTES * 2])
                head = [sequence, digest]
    if current is not None:
        yield str(current), head, _encoded(runs)


def _encoded(runs: list[list]) -> list[list]:
    return [[first, base64.b64encode(prints).decode()] for first, prints in runs]


def _watermarks() -> dict[str, int]:
    """{chain family: its highest entry id}, read under the chains' lock (exclusive): writers
    hold it (shared) from their first link to their commit, so every link at or below a
    watermark is committed and visible, and reading them afterwards, without the lock, gives
    exactly those. Writers wait only for these few queries."""
    marks = {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT pg_advisory_xact_lock({locks.LOCK_ALL_SQL})")
        for chain in chains():
            rows = entry_model(chain)._default_manager.all()
            if chain != ARTICLE_CHAIN:
                rows = rows.filter(chain=chain)
            marks[chain] = rows.aggregate(m=Max("id"))["m"] or 0
    return marks


class CheckpointLines:
    """Writes one checkpoint as one line, or several of at most PART_CHAINS chains and about
    PART_CHARS of fingerprints (a first checkpoint of 100,000 chains: 10 lines of ~1.3 MB): the
    reader then parses one bounded line at a time. Each line is a checkpoint of its own (id,
    MAC, previous); only the last one carries the new watermarks, so a checkpoint cut short is
    done again from the old ones."""

    def __init__(self, previous: dict[str, Any] | None, reason: str, marks: dict) -> None:
        self.previous, self.reason, self.marks = previous or {}, reason, marks
        self.heads: dict[str, dict[str, list]] = {}
        self.links: dict[str, dict[str, list]] = {}
        self.chains = self.grown = self.parts = self.size = 0
        self.written: list[str] = []

    def add(self, chain: str, object_id: str, head: list, runs: list) -> None:
        self.heads.setdefault(chain, {})[object_id] = head
        self.links.setdefault(chain, {})[object_id] = runs
        self.chains += 1
        self.size += sum(len(encoded) for _, encoded in runs)
        if self.chains >= PART_CHAINS or self.size >= PART_CHARS:
            self.flush()

    def flush(self, watermarks: dict[str, int] | None = None) -> dict[str, Any]:
        now = datetime.now(UTC)
        self.grown, self.parts = self.grown + self.chains, self.parts + 1
        body = {
            "anchor_id": f"{now:%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(4)}",
            "written_at": now.isoformat(),
            "reason": self.reason,
            "format": FORMAT,
            "part": self.parts,
            "final": watermarks is not None,
            "previous": self.previous.get("anchor_id", ""),
            "previous_mac": self.previous.get("mac", ""),
            "key_id": key_id(),
            "watermarks": self.marks if watermarks is None else watermarks,
            "heads": self.heads,
            "links": self.links,
        }
        anchor = {**body, "mac": anchor_mac(body)}
        line = json.dumps(anchor, sort_keys=True, separators=(",", ":")) + "\n"
        path = anchor_dir() / f"anchors-{now:%Y-%m}.jsonl"
        _append(path, line)
        # after the line: a receipt never names a line that was not written
        AnchorReceipt.objects.create(anchor_id=body["anchor_id"], written_at=now, file=path.name)
        if settings.AUDIT_ANCHOR_EMAIL:
            self.written.append(line)
        self.previous, self.heads, self.links, self.chains, self.size = anchor, {}, {}, 0, 0
        return anchor


def anchor_checkpoint(*, reason: str = "command") -> dict[str, Any]:
    """Write one checkpoint now (the chains grown since the last: heads and every new link's
    fingerprint); returns its last line, with `grown` (chains) and `parts` (lines) added."""
    with _file_lock():
        previous = _previous()
        marks = (previous or {}).get("watermarks", {})
        # a series begun before fingerprints (format 1): this checkpoint takes every link once
        catch_up = previous is not None and int(previous.get("format", 1)) < FORMAT
        tops = _watermarks()
        lines = CheckpointLines(previous, reason, marks)
        for chain in chains():
            since = 0 if catch_up else int(marks.get(chain, 0))
            for object_id, head, runs in _stream(chain, since, tops[chain]):
                lines.add(chain, object_id, head, runs)
        anchor = lines.flush(watermarks=tops)
    _mail(anchor, lines.written)
    return {**anchor, "grown": lines.grown, "parts": lines.parts}


def _append(path: Path, line: str) -> None:
    with path.open("ab") as f:
        # after a truncated last line, start a new one: the truncation stays reported, and
        # this checkpoint stays readable
        if f.tell() and _last_byte(path) != b"\n":
            line = "\n" + line
        f.write(line.encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())


def _last_byte(path: Path) -> bytes:
    with path.open("rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1)


def _mail(anchor: dict[str, Any], lines: list[str]) -> None:
    if not settings.AUDIT_ANCHOR_EMAIL:
        return
    try:
        send_mail(
            f"Imprimatur audit anchor {anchor['anchor_id']}",
            "Keep this message: it is a checkpoint of the audit chains.\n\n" + "".join(lines),
            None,
            [settings.AUDIT_ANCHOR_EMAIL],
        )
    except Exception:  # the file holds it; a mail relay down must not fail the checkpoint
        logger.exception("audit anchor %s: mailing failed", anchor["anchor_id"])


def anchor_burst() -> dict[str, Any] | None:
    """The debounced checkpoint: write one unless nothing grew since the last."""
    cache.delete(PENDING_KEY)
    previous = _previous()
    if previous is not None and not _grown_since(previous.get("watermarks", {})):
        return None
    return anchor_checkpoint(reason="burst")


def _grown_since(marks: dict[str, int]) -> bool:
    for chain in chains():
        model = entry_model(chain)
        rows = model._default_manager.filter(id__gt=int(marks.get(chain, 0)))
        if chain != ARTICLE_CHAIN:
            rows = rows.filter(chain=chain)
        if rows.exists():
            return True
    return False
