"""Issue 15, point 3: `verify_audit --anchors` names the FIRST entry that changed since it was
anchored (table, chain, history id, sequence, time) and the anchor it contradicts (id, time,
file and line), even after the attacker recomputed the whole chain consistently: every
checkpoint holds a fingerprint of each link it saw. Edits, deletions and insertions in the
middle of a chain, a chain cut short, anchors written before fingerprints existed, and anchor
files altered, removed or cut. Runs on SQLite and PostgreSQL (there as the owner role)."""

import base64
import json
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection

from articles.models import Section
from editorial.audit import anchors as anchors_module
from editorial.audit.anchor_reader import anchor_index
from editorial.audit.anchors import anchor_checkpoint, anchor_files, anchor_mac
from editorial.audit.pg import CHAIN_TRIGGER
from editorial.audit.verify import audit_verify
from editorial.models import AuditEntry, ObjectAuditEntry
from tests.editorial.audit.test_audit_anchors import (
    lines,
    raw_sql,
    recompute_chain_as_an_attacker,
    verify_with_anchors,
    with_guards_off,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TABLES = ["articles_historicalsection", "editorial_auditentry"]
SECTION = "articles.historicalsection"


def article_with_sections(count: int = 6):
    article = ArticleFactory()
    for n in range(count):
        Section.objects.create(article=article, heading=f"Part {n}", position=20 + n)
    return article


def links(article) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(article_id=article.pk).order_by("sequence"))


def section_row(history_id: int):
    return Section.history.get(history_id=history_id)


@contextmanager
def chain_trigger_off(table: str):
    """The owner also stops the database from chaining a row it inserts behind its back."""
    if connection.vendor == "postgresql":
        raw_sql(f"ALTER TABLE {table} DISABLE TRIGGER {CHAIN_TRIGGER}")
    yield
    if connection.vendor == "postgresql":
        raw_sql(f"ALTER TABLE {table} ENABLE TRIGGER {CHAIN_TRIGGER}")


def renumber(article, sequences: list[int], step: int) -> None:
    for sequence in sequences:
        raw_sql(
            "UPDATE editorial_auditentry SET sequence = %s WHERE article_id = %s AND sequence = %s",
            [sequence + step, article.pk, sequence],
        )


def expected_entry(article, sequence: int, history_id: int) -> str:
    when = section_row(history_id).history_date.isoformat()
    return (
        f"first break at article '{article.slug}' entry #{sequence}"
        f" ({SECTION} history_id={history_id}, {when}): contradicts anchor"
    )


def test_an_entry_edited_in_the_middle_of_a_recomputed_chain_is_named_exactly():
    article = article_with_sections()
    anchor = anchor_checkpoint()
    chain = links(article)
    edited = [link for link in chain if link.model_label == SECTION][2]
    with with_guards_off(TABLES):
        raw_sql(
            "UPDATE articles_historicalsection SET heading = 'Dose halved' WHERE history_id = %s",
            [edited.history_id],
        )
        recompute_chain_as_an_attacker(AuditEntry, {"article_id": article.pk})

    assert audit_verify().is_ok  # consistent again: only the anchor can tell
    outcome = verify_with_anchors()
    assert expected_entry(article, edited.sequence, edited.history_id) in outcome
    assert (
        f"contradicts anchor {anchor['anchor_id']} (written {anchor['written_at']},"
        f" {anchor_files()[0].name} line 1): the first entry changed since it was anchored"
    ) in outcome
    assert edited.sequence < len(chain)  # not the head: the head was not what changed


def test_an_entry_removed_from_the_middle_names_the_first_position_that_differs():
    article = article_with_sections()
    anchor_checkpoint()
    chain = links(article)
    removed = [link for link in chain if link.model_label == SECTION][1]
    after = chain[removed.sequence]  # the entry that moves up into the gap
    with with_guards_off(TABLES):
        raw_sql(
            "DELETE FROM articles_historicalsection WHERE history_id = %s", [removed.history_id]
        )
        raw_sql("DELETE FROM editorial_auditentry WHERE id = %s", [removed.pk])
        renumber(article, [link.sequence for link in chain[removed.sequence :]], -1)
        recompute_chain_as_an_attacker(AuditEntry, {"article_id": article.pk})

    assert audit_verify().is_ok
    # position #k now holds what was #k+1: that is the first position that differs
    assert expected_entry(article, removed.sequence, after.history_id) in verify_with_anchors()


def test_an_entry_inserted_into_the_middle_is_named_at_its_position():
    article = article_with_sections()
    anchor_checkpoint()
    chain = links(article)
    before = [link for link in chain if link.model_label == SECTION][3]
    columns = [
        f.column for f in Section.history.model._meta.concrete_fields if f.column != "history_id"
    ]
    listed = ", ".join(columns)
    copied = listed.replace("heading", "'A paragraph nobody reviewed'")
    with with_guards_off(TABLES), chain_trigger_off("articles_historicalsection"):
        raw_sql(
            f"INSERT INTO articles_historicalsection ({listed}) SELECT {copied}"
            " FROM articles_historicalsection WHERE history_id = %s",
            [before.history_id],
        )
        forged = Section.history.order_by("-history_id").values_list("history_id", flat=True)[0]
        renumber(article, [link.sequence for link in reversed(chain[before.sequence :])], +1)
        AuditEntry.objects.create(
            article_id=article.pk,
            sequence=before.sequence + 1,
            model_label=SECTION,
            history_id=forged,
            prev_hash="",
            entry_hash="",
        )
        recompute_chain_as_an_attacker(AuditEntry, {"article_id": article.pk})

    assert audit_verify().is_ok
    assert expected_entry(article, before.sequence + 1, forged) in verify_with_anchors()


def test_a_chain_cut_short_names_the_first_missing_position_and_the_anchor():
    article = article_with_sections(3)
    anchor = anchor_checkpoint()
    chain = links(article)
    with with_guards_off(TABLES):
        for link in chain[-2:]:
            raw_sql(
                "DELETE FROM articles_historicalsection WHERE history_id = %s", [link.history_id]
            )
            raw_sql("DELETE FROM editorial_auditentry WHERE id = %s", [link.pk])

    assert audit_verify().is_ok
    kept = len(chain) - 2
    assert (
        f"article '{article.slug}' entry #{kept + 1}: entries missing: the chain ends at"
        f" #{kept} but anchor {anchor['anchor_id']}"
    ) in verify_with_anchors()


def as_format_1(path) -> None:
    """Rewrite the checkpoints as the heads-only lines written before fingerprints existed."""
    rewritten = []
    for raw in path.read_text().splitlines():
        anchor = json.loads(raw)
        body = {k: v for k, v in anchor.items() if k not in ("mac", "links", "format")}
        rewritten.append(json.dumps({**body, "mac": anchor_mac(body)}))
    path.write_text("\n".join(rewritten) + "\n")


def test_after_heads_only_anchors_the_next_checkpoint_fingerprints_every_link_once():
    article = article_with_sections(3)
    anchor_checkpoint()
    as_format_1(anchor_files()[0])
    catch_up = anchor_checkpoint()  # nothing grew, yet every link is taken once
    chain = links(article)
    first, encoded = catch_up["links"]["articles.article"][str(article.pk)][0]
    assert first == 1 and len(base64.b64decode(encoded)) == 8 * len(chain)
    assert catch_up["format"] == 2
    assert anchor_checkpoint()["links"] == {}  # and not again

    edited = chain[1]
    with with_guards_off(["articles_historicalarticle", "editorial_auditentry", *TABLES]):
        raw_sql(
            f"UPDATE {edited.model_label.replace('.', '_')} SET history_change_reason = 'x'"
            " WHERE history_id = %s",
            [edited.history_id],
        )
        recompute_chain_as_an_attacker(AuditEntry, {"article_id": article.pk})
    outcome = verify_with_anchors()
    # the heads-only line contradicts the head; the catch-up line names the entry itself
    assert f"entry #{edited.sequence} ({edited.model_label} history_id={edited.history_id}" in (
        outcome
    )
    assert f"contradicts anchor {catch_up['anchor_id']}" in outcome


def test_a_heads_only_anchor_alone_still_catches_the_rewrite_at_its_head():
    article = article_with_sections(2)
    anchor = anchor_checkpoint()
    as_format_1(anchor_files()[0])
    head = links(article)[-1]
    with with_guards_off(TABLES):
        raw_sql(
            "UPDATE articles_historicalsection SET heading = 'x' WHERE history_id = %s",
            [head.history_id],
        )
        recompute_chain_as_an_attacker(AuditEntry, {"article_id": article.pk})
    assert (
        f"entry #{head.sequence} ({SECTION} history_id={head.history_id}"
    ) in verify_with_anchors()
    assert f"contradicts anchor {anchor['anchor_id']}" in verify_with_anchors()
    assert "which holds only this head" in verify_with_anchors()


def test_an_anchor_line_altered_by_hand_is_reported_and_not_trusted():
    article = ArticleFactory()
    anchor_checkpoint()
    (path,) = anchor_files()
    anchor = json.loads(path.read_text())
    anchor["heads"]["articles.article"][str(article.pk)][1] = "0" * 64
    path.write_text(json.dumps(anchor) + "\n")
    outcome = verify_with_anchors()
    assert f"line 1: anchor {anchor['anchor_id']} altered (MAC mismatch)" in outcome
    assert anchor_index().anchored("articles.article", article.pk) == []


def test_a_removed_month_file_is_reported():
    with time_machine.travel(datetime(2026, 11, 30, 12, tzinfo=UTC), tick=False):
        ArticleFactory()
        anchor_checkpoint()
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False):
        ArticleFactory()
        anchor_checkpoint()
    november, december = anchor_files()
    assert (november.name, december.name) == ("anchors-2026-11.jsonl", "anchors-2026-12.jsonl")
    assert verify_with_anchors() == "ok"
    november.unlink()
    assert (
        "anchors-2026-12.jsonl line 1: anchor" in verify_with_anchors()
        and "which is missing (an earlier anchor file was removed)" in verify_with_anchors()
    )


def test_a_checkpoint_written_after_a_cut_line_starts_a_line_of_its_own():
    ArticleFactory()
    anchor_checkpoint()
    (path,) = anchor_files()
    text = path.read_text()
    path.write_text(text[: len(text) // 2])  # the disk filled up mid-write
    ArticleFactory()
    fresh = anchor_checkpoint()
    index = anchor_index()
    assert index.latest_id == fresh["anchor_id"]  # readable, not glued to the cut line
    assert [p for p in index.problems if "line 1" in p]
    assert len(lines_of(path)) == 2


def lines_of(path) -> list[str]:
    return path.read_text().splitlines()


def test_a_checkpoint_costs_a_few_bytes_per_new_link():
    article = article_with_sections(20)
    anchor_checkpoint()
    chain = links(article)
    (line,) = lines_of(anchor_files()[0])
    anchor = json.loads(line)
    encoded = anchor["links"]["articles.article"][str(article.pk)]
    assert encoded[0][0] == 1 and len(encoded[0][1]) <= 11 * len(chain) + 4
    assert lines()[0]["heads"]["articles.article"][str(article.pk)] == [
        chain[-1].sequence,
        chain[-1].entry_hash,
    ]


def test_the_newest_checkpoints_removed_at_a_line_boundary_are_reported_by_their_receipts():
    ArticleFactory()
    anchor_checkpoint()
    ArticleFactory()
    second = anchor_checkpoint()
    anchor_checkpoint()
    (path,) = anchor_files()
    kept = lines_of(path)[:1]
    path.write_text("\n".join(kept) + "\n")  # a series that merely ends early
    outcome = verify_with_anchors()
    assert (
        f"audit anchors unusable: anchor {second['anchor_id']} (written {second['written_at']}"
        f" to {path.name}), and 1 later one(s): the database has a receipt but"
    ) in outcome


def test_the_newest_month_file_removed_is_reported_by_its_receipt():
    with time_machine.travel(datetime(2026, 11, 30, 12, tzinfo=UTC), tick=False):
        ArticleFactory()
        anchor_checkpoint()
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False):
        ArticleFactory()
        december = anchor_checkpoint()
    anchor_files()[-1].unlink()
    assert f"anchor {december['anchor_id']} (written" in verify_with_anchors()
    assert "anchors-2026-12.jsonl): the database has a receipt" in verify_with_anchors()


def chain_count() -> int:
    articles = AuditEntry.objects.values("article_id").distinct().count()
    return articles + ObjectAuditEntry.objects.values("chain", "object_id").distinct().count()


def heads_in(line: dict) -> int:
    return sum(len(heads) for heads in line["heads"].values())


def test_a_big_checkpoint_is_split_into_bounded_lines_that_still_name_the_entry(monkeypatch):
    monkeypatch.setattr("editorial.audit.anchors.PART_CHAINS", 2)
    articles = [article_with_sections(1) for _ in range(5)]
    anchor = anchor_checkpoint()
    written = lines()
    assert anchor["grown"] == chain_count() == sum(heads_in(line) for line in written)
    # full lines of two, then the final one with the rest (perhaps none) and the watermarks
    assert anchor["parts"] == len(written) == chain_count() // 2 + 1
    assert [line["final"] for line in written] == [False] * (len(written) - 1) + [True]
    assert max(heads_in(line) for line in written) == 2
    assert all(line["watermarks"] == {} for line in written[:-1])  # the old marks: none yet
    assert verify_with_anchors() == "ok"

    article = articles[2]
    (number,) = [
        n
        for n, line in enumerate(written, start=1)
        if str(article.pk) in line["heads"].get("articles.article", {})
    ]
    edited = links(article)[-1]
    with with_guards_off(TABLES):
        raw_sql(
            "UPDATE articles_historicalsection SET heading = 'x' WHERE history_id = %s",
            [edited.history_id],
        )
        recompute_chain_as_an_attacker(AuditEntry, {"article_id": article.pk})
    outcome = verify_with_anchors()
    assert expected_entry(article, edited.sequence, edited.history_id) in outcome
    assert f"contradicts anchor {written[number - 1]['anchor_id']}" in outcome
    assert f"{anchor_files()[0].name} line {number})" in outcome


def test_a_checkpoint_cut_short_is_done_again_by_the_next_one(monkeypatch):
    monkeypatch.setattr("editorial.audit.anchors.PART_CHAINS", 2)
    for _ in range(5):
        ArticleFactory()
    flush = anchors_module.CheckpointLines.flush

    def dies_on_the_last_line(self, watermarks=None):
        if watermarks is not None:
            raise OSError("worker killed")
        return flush(self, watermarks)

    monkeypatch.setattr(anchors_module.CheckpointLines, "flush", dies_on_the_last_line)
    with pytest.raises(OSError):
        anchor_checkpoint()
    monkeypatch.setattr(anchors_module.CheckpointLines, "flush", flush)
    cut = lines()
    assert cut and not any(line["final"] for line in cut)  # parts written, no final line
    again = anchor_checkpoint()
    assert again["grown"] == chain_count()  # everything again, from the old watermarks
    assert verify_with_anchors() == "ok"  # one unbroken series; the repeats are harmless
