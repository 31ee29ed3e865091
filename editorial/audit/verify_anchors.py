"""Comparing a recomputed chain with what the anchors hold (issue 15, `verify_audit --anchors`).

After a rewrite recomputed consistently, every stored hash matches its row: only the values
kept outside the database locate the change. A checkpoint holds a fingerprint of every link
it saw and the full hash of each head (editorial.audit.anchors). Entries before the first
changed one keep their running hash; from it on every entry has another one. So the first
entry whose hash differs from its anchored fingerprint is the first entry edited, inserted or
removed, and the checkpoint that held it is the anchor it contradicts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from editorial.audit.anchor_reader import AnchorIndex, AnchorLine, Span
from editorial.audit.anchors import PRINT_BYTES
from editorial.audit.findings import ArticleCheck, AuditBreak, Sound, break_at


def earliest_break(
    internal: AuditBreak | None,
    hit: tuple[int, AuditBreak] | None,
    anchors: AnchorIndex | None,
    check: ArticleCheck,
) -> AuditBreak | None:
    """The break at the lower position: the chain's own (then the anchor holding that entry,
    if any, is named too) or the first entry contradicting an anchor."""
    first = internal.sequence if internal is not None else None
    if internal is not None and first is not None and (hit is None or first <= hit[0]):
        line = anchors.holding(check.chain, check.article_id, first) if anchors else None
        if line is None:
            return internal
        return replace(internal, problem=f"{internal.problem}; contradicts anchor {line}")
    if hit is not None:
        return hit[1]
    return internal


def anchor_break(
    check: ArticleCheck,
    spans: list[Span],
    sound: list[Sound],
    index: AnchorIndex,
    *,
    whole: bool,
) -> tuple[int, AuditBreak] | None:
    """(position, break) of the first entry of this chain that disagrees with what an anchor
    holds, or None. `sound`: the chain's links before its first internal break, in order;
    `whole`: there is no such break (then an anchored entry past the end is missing; otherwise
    the internal break comes first).

    After a rewrite recomputed consistently every stored hash matches its row, so only the
    anchored values locate the change: entries before the first changed one keep their
    running hash, every entry from it on has another. The first entry whose hash differs from
    its anchored fingerprint is therefore the first one edited, inserted or removed."""
    found = None
    for span in spans:
        hit = _span_break(check, span, sound, index.line(span), whole)
        if hit is not None and (found is None or hit[0] < found[0]):
            found = hit
    return found


def _span_break(
    check: ArticleCheck, span: Span, sound: list[Sound], line: AnchorLine, whole: bool
) -> tuple[int, AuditBreak] | None:
    size = PRINT_BYTES * 2
    prints = span.prints.hex()
    for offset in range(0, len(prints), size):
        sequence = span.first + offset // size
        if sequence > len(sound):
            return _missing(check, span, len(sound), line) if whole else None
        link, anchored = sound[sequence - 1], prints[offset : offset + size]
        if link.entry.entry_hash[:size] != anchored:
            return sequence, _contradiction(check, link, line, anchored, exact=True)
    if not span.digest:
        return None
    if span.last > len(sound):
        return _missing(check, span, len(sound), line) if whole else None
    link = sound[span.last - 1]
    if link.entry.entry_hash != span.digest.hex():
        anchored = span.digest.hex()
        return span.last, _contradiction(check, link, line, anchored, exact=bool(span.prints))
    return None


def _contradiction(
    check: ArticleCheck, link: Sound, line: AnchorLine, anchored: str, *, exact: bool
) -> AuditBreak:
    found = f"anchored {anchored[:16]}…, recomputed {link.entry.entry_hash[:16]}…"
    if exact:
        problem = (
            f"contradicts anchor {line}: the first entry changed since it was anchored (its"
            f" row edited, or an entry inserted or removed at this position): {found}"
        )
    else:  # a format 1 line holds the head alone
        problem = (
            f"contradicts anchor {line}, which holds only this head: the chain was rewritten"
            f" at or before this entry: {found}"
        )
    return break_at(check, link.entry, link.when, problem)


def _missing(
    check: ArticleCheck, span: Span, length: int, line: AnchorLine
) -> tuple[int, AuditBreak]:
    problem = (
        f"entries missing: the chain ends at #{length} but anchor {line} holds entries up to"
        f" #{span.last}" + (f" ({span.digest.hex()[:16]}…)" if span.digest else "")
    )
    return length + 1, AuditBreak(check.article_id, check.article, "", 0, length + 1, problem)


def lost_chains(chain: str, present: set[int], anchors: AnchorIndex) -> Iterator[ArticleCheck]:
    for object_id in sorted(anchors.spans.get(chain, {})):
        if object_id in present:
            continue
        last = max(anchors.anchored(chain, object_id), key=lambda span: span.last)
        check = ArticleCheck(object_id, f"{chain} {object_id}", chain=chain)
        check.first_break = AuditBreak(
            object_id,
            check.article,
            "",
            0,
            1,
            f"chain missing: anchor {anchors.line(last)} holds entries #1 to #{last.last}"
            f" ({last.digest.hex()[:16]}…), the database has none",
        )
        yield check
