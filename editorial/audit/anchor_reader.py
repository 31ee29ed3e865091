"""Reading the anchor files back (issue 15): every line checked (its MAC, its key, the line
before it), folded into an AnchorIndex that `verify_audit --anchors` compares the chains with.

The index keeps, per chain, one Span per checkpoint that held it: the head (sequence and full
hash) and the fingerprints of the links that checkpoint added. Memory: ~300 bytes a chain and
8 a link (100,000 articles' chains, 300,000 links: ~35 MB), read one line at a time.
"""

from __future__ import annotations

import base64
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from editorial.audit.anchors import (
    PRINT_BYTES,
    anchor_dir,
    anchor_files,
    anchor_mac,
    key_id,
)
from editorial.audit.chain import entry_filter, entry_model
from editorial.models import AnchorReceipt


class AnchorLine(NamedTuple):
    """One checkpoint line, as a report names it."""

    anchor_id: str
    written_at: str
    where: str  # "anchors-2026-12.jsonl line 3"

    def __str__(self) -> str:
        return f"{self.anchor_id} (written {self.written_at}, {self.where})"


class Span(NamedTuple):
    """What one checkpoint holds of one chain: fingerprints of the links from `first` on, and,
    if `digest`, the full hash of entry `last` (its head then)."""

    first: int
    last: int
    digest: bytes  # empty for a run of links that is not the head (a gap when anchored)
    prints: bytes  # PRINT_BYTES per link, `first` to `last`; empty in a format 1 (heads) line
    line: int  # index into AnchorIndex.anchors

    def fingerprint(self, sequence: int) -> str:
        """The anchored fingerprint (hex) of entry `sequence`, or "" if this span has none."""
        offset = (sequence - self.first) * PRINT_BYTES
        if not self.prints or not 0 <= offset < len(self.prints):
            return ""
        return self.prints[offset : offset + PRINT_BYTES].hex()


@dataclass
class AnchorIndex:
    """What the anchor files say: every anchored chain, and every problem with the files."""

    # {chain family: {object id: its span, or its spans when several checkpoints held it}}
    spans: dict[str, dict[int, Span | list[Span]]] = field(default_factory=dict)
    anchors: list[AnchorLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    latest_id: str = ""
    latest_at: str = ""
    seen: set[str] = field(default_factory=set)  # every anchor id a line carries, sound or not

    def anchored(self, chain: str, object_id: int) -> list[Span]:
        """The spans anchored for one chain, oldest checkpoint first."""
        found = self.spans.get(chain, {}).get(object_id)
        if found is None:
            return []
        return found if isinstance(found, list) else [found]

    def line(self, span: Span) -> AnchorLine:
        return self.anchors[span.line]

    def holding(self, chain: str, object_id: int, sequence: int) -> AnchorLine | None:
        """The first checkpoint that held entry `sequence` of this chain (by fingerprint, or as
        a head at or past it), or None if it was never anchored."""
        for span in self.anchored(chain, object_id):
            if span.fingerprint(sequence) or (span.digest and span.last >= sequence):
                return self.line(span)
        return None


def _check_line(raw: bytes, where: str, last: dict | None, index: AnchorIndex) -> dict | None:
    try:
        anchor = json.loads(raw)
        body = {k: v for k, v in anchor.items() if k != "mac"}
        mac = anchor["mac"]
    except (ValueError, KeyError, TypeError, AttributeError):
        index.problems.append(f"{where}: truncated or not a checkpoint (not JSON)")
        return None
    index.seen.add(str(anchor.get("anchor_id")))
    if anchor.get("key_id") != key_id():
        index.problems.append(
            f"{where}: anchor {anchor.get('anchor_id')} signed with another key"
            f" (key id {anchor.get('key_id')}, this server's {key_id()})"
        )
        return None
    if not hmac.compare_digest(str(mac), anchor_mac(body)):
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


def _fold(anchor: dict, number: int, index: AnchorIndex) -> None:
    """Add one verified checkpoint's chains to the index."""
    links = anchor.get("links", {})
    for chain, heads in anchor.get("heads", {}).items():
        family = index.spans.setdefault(chain, {})
        for object_id, (sequence, digest) in heads.items():
            runs = links.get(chain, {}).get(object_id) or [[int(sequence) + 1, ""]]
            key = int(object_id)
            spans = index.anchored(chain, key)
            for position, (first, encoded) in enumerate(runs):
                prints = base64.b64decode(encoded)
                last = int(first) + len(prints) // PRINT_BYTES - 1
                if position == len(runs) - 1:
                    last, head = int(sequence), bytes.fromhex(digest)
                else:
                    head = b""
                spans.append(Span(int(first), last, head, prints, number))
            # one span (the common case) is kept without a list: ~60 bytes a chain less
            family[key] = spans[0] if len(spans) == 1 else spans


def anchor_index() -> AnchorIndex:
    """Read every anchor file, line by line (one line in memory at a time), checking each."""
    index = AnchorIndex()
    # the receipts before the files: a checkpoint written meanwhile has its line already
    receipts = list(AnchorReceipt.objects.values_list("anchor_id", "written_at", "file"))
    files = anchor_files()
    if not files:
        index.problems.append(f"no anchor file in {anchor_dir()}")
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
                index.anchors.append(AnchorLine(anchor["anchor_id"], anchor["written_at"], where))
                _fold(anchor, len(index.anchors) - 1, index)
    if last is not None:
        index.latest_id, index.latest_at = last["anchor_id"], last["written_at"]
    _check_receipts(receipts, index)
    return index


def _check_receipts(receipts: list[tuple[str, datetime, str]], index: AnchorIndex) -> None:
    """Report the checkpoints the database saw written whose lines are gone."""
    gone = [r for r in receipts if r[0] not in index.seen]
    if gone:
        anchor_id, written_at, name = gone[0]
        others = f", and {len(gone) - 1} later one(s)" if len(gone) > 1 else ""
        index.problems.append(
            f"anchor {anchor_id} (written {written_at.isoformat()} to {name}){others}: the"
            f" database has a receipt but {anchor_dir()} has no such line (the newest lines or"
            " files were removed, or the file was truncated)"
        )


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
        if not hmac.compare_digest(str(anchor.get("mac")), anchor_mac(body)):
            return f"Anchor {anchor.get('anchor_id')} does not verify (altered or another key)."
        link = (
            entry_model(chain)
            ._default_manager.filter(sequence=sequence, **entry_filter(chain, object_id))
            .values_list("entry_hash", flat=True)
            .first()
        )
        agrees = "matches" if link == digest else "DOES NOT MATCH"
        return (
            f"Checked against anchor {anchor['anchor_id']} ({anchor['written_at']}): chain entry"
            f" #{sequence} {agrees} the anchored hash {digest[:16]}…"
        )
    return "Not anchored yet: no anchor holds this chain."
