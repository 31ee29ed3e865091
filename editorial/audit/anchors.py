"""Anchors: keyed checkpoints of every chain head, kept outside the database (issue 15).

The hash chains alone prove nothing against someone who can rewrite the tables: edit a row,
recompute the chain, and it verifies. A checkpoint holds the head (last sequence and hash) of
every chain that grew since the previous checkpoint, MACed with HMAC-SHA-256 under
AUDIT_ANCHOR_KEY, a secret the database never sees, and appended as one JSON line to a file
in AUDIT_ANCHOR_DIR (one file per month; optionally mailed to AUDIT_ANCHOR_EMAIL). A chain
recomputed after tampering no longer ends in the anchored hash, and without the key nobody can
write a checkpoint that says otherwise.

Each checkpoint names the previous one and repeats its MAC, so a checkpoint (or a whole file)
removed from the middle is seen; `watermarks` are the highest entry ids it covers, so the next
one holds only the chains that grew since (a burst of 10 writes costs a line of 10 heads).

When: after each write burst (editorial.audit.tasks.anchor_after_commit: the first commit
asks for a checkpoint AUDIT_ANCHOR_DEBOUNCE_SECONDS later, which covers everything committed
meanwhile), hourly by beat (editorial.ops.beat_schedules), and now with `manage.py audit_anchor`.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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

logger = logging.getLogger(__name__)

FILE_PATTERN = "anchors-*.jsonl"
PENDING_KEY = "imprimatur:audit-anchor-pending"


def key_id(key: str | None = None) -> str:
    """A public fingerprint of the anchor key: says which key signed a line, reveals nothing."""
    key = settings.AUDIT_ANCHOR_KEY if key is None else key
    return hashlib.sha256(b"imprimatur-anchor-key-id|" + key.encode()).hexdigest()[:16]


def _mac(body: dict[str, Any], key: str | None = None) -> str:
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
            if hmac.compare_digest(anchor["mac"], _mac(body)):
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


def _heads_since(chain: str, since: int) -> tuple[dict[str, list], int]:
    """({object id: [sequence, hash]} of the chains of `chain` grown past entry id `since`,
    the highest entry id): two queries, whatever the number of chains."""
    model = entry_model(chain)
    table = connection.ops.quote_name(model._meta.db_table)
    key = "article_id" if chain == ARTICLE_CHAIN else "object_id"
    where, params = ("", []) if chain == ARTICLE_CHAIN else (" AND chain = %s", [chain])
    outer = "" if chain == ARTICLE_CHAIN else " AND e.chain = %s"
    sql = (
        f"SELECT e.{key}, e.sequence, e.entry_hash FROM {table} e JOIN ("
        f" SELECT {key} AS k, max(sequence) AS s FROM {table} WHERE id > %s{where}"
        f" GROUP BY {key}) t ON e.{key} = t.k AND e.sequence = t.s{outer}"
    )
    heads: dict[str, list] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, *params, *params])
        for object_id, sequence, digest in cursor:
            heads[str(object_id)] = [sequence, digest]
    top = model._default_manager.filter(**({} if chain == ARTICLE_CHAIN else {"chain": chain}))
    return heads, top.aggregate(m=Max("id"))["m"] or 0


def _lock_all_chains() -> None:
    # Exclusive: writers hold the chains' lock (shared) from their first link to their commit,
    # so once we have it every link with a lower id is committed and visible: the watermark
    # is exact. Writers wait only while the heads are read.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_advisory_xact_lock({locks.LOCK_ALL_SQL})")


def anchor_checkpoint(*, reason: str = "command") -> dict[str, Any]:
    """Write one checkpoint now (heads of the chains grown since the last); returns it."""
    with _file_lock():
        previous = _previous()
        marks = (previous or {}).get("watermarks", {})
        heads: dict[str, dict[str, list]] = {}
        watermarks: dict[str, int] = {}
        with transaction.atomic():
            _lock_all_chains()
            for chain in chains():
                grown, watermarks[chain] = _heads_since(chain, int(marks.get(chain, 0)))
                if grown:
                    heads[chain] = grown
        now = datetime.now(UTC)
        body = {
            "anchor_id": f"{now:%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(4)}",
            "written_at": now.isoformat(),
            "reason": reason,
            "previous": (previous or {}).get("anchor_id", ""),
            "previous_mac": (previous or {}).get("mac", ""),
            "key_id": key_id(),
            "watermarks": watermarks,
            "heads": heads,
        }
        anchor = {**body, "mac": _mac(body)}
        line = json.dumps(anchor, sort_keys=True, separators=(",", ":")) + "\n"
        path = anchor_dir() / f"anchors-{now:%Y-%m}.jsonl"
        with path.open("a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
    _mail(anchor, line)
    return anchor


def _mail(anchor: dict[str, Any], line: str) -> None:
    if not settings.AUDIT_ANCHOR_EMAIL:
        return
    try:
        send_mail(
            f"Imprimatur audit anchor {anchor['anchor_id']}",
            "Keep this message: it is a checkpoint of the audit chains.\n\n" + line,
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


@dataclass
class AnchorIndex:
    """What the anchor files say: every anchored head, and every problem with the files."""

    points: dict[tuple[str, int], list[tuple[int, str, str]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    latest_id: str = ""
    latest_at: str = ""
    lines: int = 0

    def anchored(self, chain: str, object_id: int) -> list[tuple[int, str, str]]:
        """[(sequence, hash, anchor id)] anchored for one chain, in sequence order."""
        return self.points.get((chain, object_id), [])


def _check_line(raw: bytes, where: str, last: dict | None, index: AnchorIndex) -> dict | None:
    try:
        anchor = json.loads(raw)
        body = {k: v for k, v in anchor.items() if k != "mac"}
        mac = anchor["mac"]
    except (ValueError, KeyError, TypeError):
        index.problems.append(f"{where}: truncated or not a checkpoint (not JSON)")
        return None
    if anchor.get("key_id") != key_id():
        index.problems.append(
            f"{where}: anchor {anchor.get('anchor_id')} signed with another key"
            f" (key id {anchor.get('key_id')}, this server's {key_id()})"
        )
        return None
    if not hmac.compare_digest(str(mac), _mac(body)):
        index.problems.append(f"{where}: anchor {anchor.get('anchor_id')} altered (MAC mismatch)")
        return None
    if last is not None and (
        anchor.get("previous") != last["anchor_id"] or anchor.get("previous_mac") != last["mac"]
    ):
        index.problems.append(
            f"{where}: anchor {anchor['anchor_id']} does not follow {last['anchor_id']}:"
            " checkpoints between them are missing"
        )
    elif last is None and anchor.get("previous"):
        index.problems.append(
            f"{where}: anchor {anchor['anchor_id']} follows {anchor['previous']}, which is"
            " missing (an earlier anchor file was removed)"
        )
    return anchor


def anchor_index() -> AnchorIndex:
    """Read every anchor file, line by line (one line in memory at a time), checking each."""
    index = AnchorIndex()
    files = anchor_files()
    if not files:
        index.problems.append(f"no anchor file in {anchor_dir()}")
        return index
    last: dict | None = None
    for path in files:
        with path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                where = f"{path.name} line {number}"
                if not raw.endswith(b"\n"):
                    index.problems.append(f"{where}: truncated (the line is incomplete)")
                    continue
                anchor = _check_line(raw, where, last, index)
                if anchor is None:
                    continue
                last = anchor
                index.lines += 1
                for chain, heads in anchor.get("heads", {}).items():
                    for object_id, (sequence, digest) in heads.items():
                        point = (int(sequence), digest, anchor["anchor_id"])
                        index.points.setdefault((chain, int(object_id)), []).append(point)
    if last is not None:
        index.latest_id, index.latest_at = last["anchor_id"], last["written_at"]
    for points in index.points.values():
        points.sort()
    return index


def anchor_statement(chain: str, object_id: int) -> str:
    """One sentence for an export: the latest anchor holding this chain, and whether the
    chain still agrees with it (reads the anchor files newest first, one line at a time)."""
    for path in reversed(anchor_files()):
        found = None
        with path.open("rb") as f:
            for raw in f:
                try:
                    anchor = json.loads(raw)
                except ValueError:
                    continue
                head = anchor.get("heads", {}).get(chain, {}).get(str(object_id))
                if head is not None:
                    found = (anchor, head)
        if found is None:
            continue
        anchor, (sequence, digest) = found
        body = {k: v for k, v in anchor.items() if k != "mac"}
        if not hmac.compare_digest(str(anchor.get("mac")), _mac(body)):
            return f"Anchor {anchor.get('anchor_id')} does not verify (altered or another key)."
        link = (
            entry_model(chain)
            ._default_manager.filter(
                sequence=sequence,
                **(
                    {"article_id": object_id}
                    if chain == ARTICLE_CHAIN
                    else {"chain": chain, "object_id": object_id}
                ),
            )
            .values_list("entry_hash", flat=True)
            .first()
        )
        agrees = "matches" if link == digest else "DOES NOT MATCH"
        return (
            f"Checked against anchor {anchor['anchor_id']} ({anchor['written_at']}): chain entry"
            f" #{sequence} {agrees} the anchored hash {digest[:16]}…"
        )
    return "Not anchored yet: no anchor holds this chain."
