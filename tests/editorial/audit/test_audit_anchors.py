"""Issue 15: chain heads anchored outside the database; `verify_audit --anchors` catches a
chain recomputed after tampering, and reports anchor files that are missing, truncated or
signed with another key. Runs on SQLite and PostgreSQL (the tampering test needs the owner
role on PostgreSQL: the test connection is the owner)."""

import hashlib
import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from articles.models import Section
from editorial.audit.anchor_reader import anchor_index
from editorial.audit.anchors import anchor_burst, anchor_checkpoint, anchor_files
from editorial.audit.chain import entry_hash
from editorial.audit.db import ROW_TRIGGER
from editorial.audit.row_text import ROW_TEXT, ROW_TEXT_V2
from editorial.audit.verify import audit_verify
from editorial.models import AuditEntry, LinkFormat, ObjectAuditEntry
from reviewers.models import Signature
from tests.factories import ArticleFactory, DisclosureFactory

pytestmark = pytest.mark.django_db


def lines() -> list[dict]:
    return [json.loads(raw) for path in anchor_files() for raw in path.read_text().splitlines()]


def verify_with_anchors() -> str:
    try:
        call_command("verify_audit", "--anchors", "--quiet")
    except CommandError as exc:
        return f"FAILED: {exc}"
    return "ok"


def test_audit_anchor_writes_one_keyed_line_holding_every_grown_chain_head():
    article = ArticleFactory()
    call_command("audit_anchor")
    (anchor,) = lines()
    last = AuditEntry.objects.filter(article_id=article.pk).order_by("sequence").last()
    assert anchor["heads"]["articles.article"][str(article.pk)] == [
        last.sequence,
        last.entry_hash,
    ]
    assert len(anchor["mac"]) == 64 and anchor["key_id"]
    assert verify_with_anchors() == "ok"
    call_command("audit_anchor")  # nothing grew: a line with no heads, following the first
    second = lines()[1]
    assert second["heads"] == {} and second["previous"] == anchor["anchor_id"]
    assert verify_with_anchors() == "ok"


def test_a_committed_write_burst_is_anchored_once_and_a_repeat_writes_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        article = ArticleFactory()
        Section.objects.create(article=article, heading="One", position=5)
        Section.objects.create(article=article, heading="Two", position=6)
    # one request for a checkpoint per transaction, not per row
    names = [
        getattr(c, "__name__", getattr(getattr(c, "func", None), "__name__", "")) for c in callbacks
    ]
    assert names.count("_schedule") == 1
    (anchor,) = lines()  # eager Celery: the burst's checkpoint ran on commit
    assert anchor["reason"] == "burst"
    assert str(article.pk) in anchor["heads"]["articles.article"]
    assert anchor_burst() is None  # a second task for the same burst finds nothing grown
    assert len(lines()) == 1


def test_evidence_outside_articles_is_chained_and_anchored():
    disclosure = DisclosureFactory()
    anchor = anchor_checkpoint()
    member_chain = anchor["heads"]["reviewers.boardmember"][str(disclosure.member_id)]
    assert member_chain[0] == 2  # the member's creation, then the disclosure's
    assert ObjectAuditEntry.objects.filter(
        chain="reviewers.boardmember", model_label="reviewers.historicaldisclosure"
    ).exists()


def recompute_chain_as_an_attacker(entries, where: dict) -> None:
    """What someone holding the owner role does after editing a row: rehash every link from
    the first, each in its recorded format, so the chain is consistent again (the ~15 lines
    of SQL of the issue)."""
    prev = ""
    for link in entries.objects.filter(**where).order_by("sequence"):
        model = apps.get_model(link.model_label)
        if connection.vendor == "postgresql":
            function = ROW_TEXT_V2 if link.link_format == LinkFormat.ROW_TEXT else ROW_TEXT
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {function}(%s, t) FROM {model._meta.db_table} t"
                    f" WHERE {model._meta.pk.column} = %s",
                    [link.model_label, link.history_id],
                )
                text = cursor.fetchone()[0]
            digest = hashlib.sha256(f"{prev}|{text}".encode()).hexdigest()
        else:
            values = model._default_manager.filter(pk=link.history_id).values().get()
            digest = entry_hash(prev, link.model_label, values)
        raw_sql(
            f"UPDATE {entries._meta.db_table} SET prev_hash = %s, entry_hash = %s WHERE id = %s",
            [prev, digest, link.pk],
        )
        prev = digest


def raw_sql(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def with_guards_off(tables: list[str]):
    """The owner's move on PostgreSQL: disable the append-only triggers (SQLite has none)."""

    class Off:
        def __enter__(self):
            if connection.vendor == "postgresql":
                raw_sql("SET CONSTRAINTS ALL IMMEDIATE")
                for table in tables:
                    raw_sql(f"ALTER TABLE {table} DISABLE TRIGGER {ROW_TRIGGER}")

        def __exit__(self, *exc):
            if connection.vendor == "postgresql":
                for table in tables:
                    raw_sql(f"ALTER TABLE {table} ENABLE TRIGGER {ROW_TRIGGER}")

    return Off()


def test_an_edited_history_row_and_signature_with_recomputed_chains_contradict_the_anchor():
    article = ArticleFactory(approved=True)
    signature = Signature.objects.get(assignment__article=article)
    anchor = anchor_checkpoint()
    row = article.history.filter(status="submitted").get()
    link = AuditEntry.objects.get(model_label="articles.historicalarticle", history_id=row.pk)
    tables = [
        "articles_historicalarticle",
        "reviewers_signature",
        "editorial_auditentry",
        "editorial_objectauditentry",
    ]
    with with_guards_off(tables):
        raw_sql(
            "UPDATE articles_historicalarticle SET history_change_reason = 'nothing to see'"
            " WHERE history_id = %s",
            [row.pk],
        )
        raw_sql(
            "UPDATE reviewers_signature SET printed_name = 'Someone Else' WHERE id = %s",
            [signature.pk],
        )
        recompute_chain_as_an_attacker(AuditEntry, {"article_id": article.pk})
        recompute_chain_as_an_attacker(
            ObjectAuditEntry,
            {"chain": "reviewers.reviewassignment", "object_id": signature.assignment_id},
        )

    assert audit_verify().is_ok  # the chains alone are fooled: that is why anchors exist
    outcome = verify_with_anchors()
    # the anchor's fingerprints name the edited entry itself, not the head or a range
    assert outcome.startswith(
        f"FAILED: audit chain broken: first break at article '{article.slug}'"
        f" entry #{link.sequence} (articles.historicalarticle history_id={row.pk},"
        f" {row.history_date.isoformat()}): contradicts anchor {anchor['anchor_id']}"
        f" (written {anchor['written_at']}, {anchor_files()[0].name} line 1): the first entry"
        " changed since it was anchored"
    )
    report = [c for c in audit_verify(anchors=anchor_index()).checks if not c.is_ok]
    assert [(c.chain, c.article_id) for c in report] == [
        ("articles.article", article.pk),
        ("reviewers.reviewassignment", signature.assignment_id),
    ]
    signed = report[1].first_break
    assert (signed.model_label, signed.history_id, signed.sequence) == (
        "reviewers.signature",
        signature.pk,
        1,
    )
    assert signed.when == signature.signed_at.isoformat()
    assert f"contradicts anchor {anchor['anchor_id']}" in str(signed)
    assert str(signed).startswith(f"review assignment {signature.assignment_id} entry #1")


def test_a_deleted_disclosure_history_and_its_links_are_caught_by_the_anchor():
    disclosure = DisclosureFactory()
    member_id = disclosure.member_id
    anchor_checkpoint()
    with with_guards_off(["reviewers_historicaldisclosure", "editorial_objectauditentry"]):
        raw_sql("DELETE FROM reviewers_historicaldisclosure WHERE id = %s", [disclosure.pk])
        raw_sql(
            "DELETE FROM editorial_objectauditentry WHERE model_label = %s",
            ["reviewers.historicaldisclosure"],
        )
    assert audit_verify().is_ok
    # the first position that differs: entry #2, the disclosure's, gone
    assert "entry #2: entries missing: the chain ends at #1" in verify_with_anchors()
    assert f"board member {member_id}" in verify_with_anchors()


def test_anchor_files_missing_truncated_or_signed_with_another_key_are_reported(settings):
    ArticleFactory()
    assert "no anchor file in" in verify_with_anchors()
    anchor_checkpoint()
    ArticleFactory()
    anchor_checkpoint()
    (path,) = anchor_files()
    first, second = path.read_text().splitlines()

    path.write_text(first + "\n" + second[: len(second) // 2])
    assert "line 2: truncated" in verify_with_anchors()

    path.write_text(second + "\n")  # the first checkpoint removed
    assert "which is missing (an earlier anchor file was removed)" in verify_with_anchors()

    path.write_text(first + "\n" + second + "\n")
    assert verify_with_anchors() == "ok"
    settings.AUDIT_ANCHOR_KEY = "another-key"
    assert "signed with another key" in verify_with_anchors()


def test_with_a_checkpoint_after_each_burst_the_break_is_named_at_the_rewritten_entry():
    article = ArticleFactory()
    first = anchor_checkpoint()
    Section.objects.create(article=article, heading="Later", position=7)
    second = anchor_checkpoint()
    edited = AuditEntry.objects.filter(article_id=article.pk).order_by("sequence").last()
    with with_guards_off(["articles_historicalsection", "editorial_auditentry"]):
        raw_sql(
            "UPDATE articles_historicalsection SET heading = 'Rewritten' WHERE history_id = %s",
            [edited.history_id],
        )
        recompute_chain_as_an_attacker(AuditEntry, {"article_id": article.pk})
    outcome = verify_with_anchors()
    # the second checkpoint held the rewritten entry; the first never saw it
    assert (
        f"entry #{edited.sequence} (articles.historicalsection history_id={edited.history_id},"
    ) in outcome
    assert f"contradicts anchor {second['anchor_id']} (written {second['written_at']}" in outcome
    assert first["anchor_id"] not in outcome


def test_verify_audit_prints_progress_and_ends_with_the_outcome():
    ArticleFactory()
    anchor_checkpoint()
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit", "--anchors", "--quiet", stdout=out, stderr=err)
    assert "verify_audit: articles.article 1/1 chains" in err.getvalue()
    assert out.getvalue().strip().splitlines()[-1].startswith("audit chains intact:")
