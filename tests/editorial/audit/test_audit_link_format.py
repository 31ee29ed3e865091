"""Link formats (editorial.audit.row_text): every link records which canonical text of its row it
hashes. Since migration 0038 PostgreSQL's triggers write format 2 (`row::text`); links of
format 1 (`to_jsonb`, or the Python path's JSON on SQLite) verify as before, both in one
chain; an edited row is caught in either format, and so is a link whose recorded format was
changed (a link is only ever checked against its own format's text).

The format-1 triggers are installed inside the test's transaction (DDL is transactional on
PostgreSQL: rolled back with the test).
"""

import hashlib

import pytest
from django.db import connection

from articles.models import Section
from editorial.audit.pg import (
    install_chain_triggers,
    install_chain_triggers_as_migrated,
    install_object_chain_triggers,
)
from editorial.audit.row_text import ROW_TEXT_V2
from editorial.audit.verify import CONTENT_CHANGED, UNKNOWN_FORMAT, audit_verify
from editorial.models import AuditEntry, LinkFormat, ObjectAuditEntry
from tests.editorial.audit.test_audit_anchors import raw_sql, with_guards_off
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db
GUARDED = ["articles_historicalarticle", "articles_historicalsection", "editorial_auditentry"]
HISTORICAL_SECTION = "articles.historicalsection"


def links_of(article) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(article_id=article.pk).order_by("sequence"))


def json_triggers() -> None:
    """The triggers as before migration 0038: links of format 1."""
    install_chain_triggers(connection, link_format=LinkFormat.JSON)
    install_object_chain_triggers(connection, link_format=LinkFormat.JSON)


def section_edits(article, headings: list[str]) -> None:
    section = Section.objects.create(article=article, heading=headings[0], position=90)
    for heading in headings[1:]:
        section.heading = heading
        section.save()


def edit_history_row(model_label: str, history_id: int) -> None:
    table = "articles_historicalarticle"
    if model_label == HISTORICAL_SECTION:
        table = "articles_historicalsection"
    with with_guards_off(GUARDED):
        raw_sql(
            f"UPDATE {table} SET history_change_reason = 'rewritten' WHERE history_id = %s",
            [history_id],
        )


def set_format(link: AuditEntry, link_format: int) -> None:
    with with_guards_off(GUARDED):
        raw_sql(
            "UPDATE editorial_auditentry SET link_format = %s WHERE id = %s",
            [link_format, link.pk],
        )


@pytest.mark.postgres
def test_new_links_hash_the_rows_text_under_pinned_settings():
    article = ArticleFactory()
    source = SourceFactory()
    # settings a session may have that would change a row's text if they were not pinned
    # (psycopg reads timestamps in ISO only: the writes below return ids alone)
    raw_sql("SET LOCAL DateStyle TO 'SQL, DMY'")
    raw_sql("SET LOCAL TimeZone TO 'Asia/Kolkata'")
    raw_sql("SET LOCAL IntervalStyle TO 'sql_standard'")
    raw_sql("SET LOCAL extra_float_digits TO -3")
    raw_sql("SET LOCAL bytea_output TO 'escape'")
    Section.objects.create(article=article, heading="Dose", position=90)
    raw_sql("SET LOCAL DateStyle TO 'ISO, DMY'")
    raw_sql("SET LOCAL TimeZone TO 'America/Los_Angeles'")

    links = links_of(article)
    assert links and {link.link_format for link in links} == {LinkFormat.ROW_TEXT}
    last = links[-1]
    assert last.model_label == HISTORICAL_SECTION
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {ROW_TEXT_V2}(%s, h) FROM articles_historicalsection h WHERE history_id = %s",
            [last.model_label, last.history_id],
        )
        (text,) = cursor.fetchone()
    assert text.startswith(f"{HISTORICAL_SECTION}|(")
    assert "+00" in text  # the row's time in UTC, ISO, whatever the sessions said
    assert last.entry_hash == hashlib.sha256(f"{last.prev_hash}|{text}".encode()).hexdigest()
    source_links = ObjectAuditEntry.objects.filter(chain="articles.source", object_id=source.pk)
    assert {link.link_format for link in source_links} == {LinkFormat.ROW_TEXT}
    assert audit_verify().is_ok


@pytest.mark.postgres
def test_a_row_text_link_catches_an_edited_row():
    article = ArticleFactory()
    section_edits(article, ["Dose", "Dosing", "Dosage"])
    victim = links_of(article)[-2]
    assert victim.link_format == LinkFormat.ROW_TEXT

    edit_history_row(victim.model_label, victim.history_id)

    found = audit_verify([article.slug]).first_break
    assert found is not None
    assert (found.sequence, found.problem) == (victim.sequence, CONTENT_CHANGED)


@pytest.mark.postgres
def test_json_and_row_text_links_in_one_chain_verify_and_each_catches_an_edit():
    json_triggers()
    article = ArticleFactory()
    section_edits(article, ["Dose", "Dosing"])
    install_chain_triggers_as_migrated(connection)  # migration 0038 applied: format 2
    section_edits(article, ["Risks", "Harms"])

    links = links_of(article)
    formats = [link.link_format for link in links]
    assert LinkFormat.JSON in formats and LinkFormat.ROW_TEXT in formats
    assert formats == sorted(formats)  # the old links first, then the new ones
    assert audit_verify([article.slug]).is_ok

    old = next(link for link in links if link.link_format == LinkFormat.JSON)
    new = next(link for link in links if link.link_format == LinkFormat.ROW_TEXT)
    for victim in (new, old):  # the later one first: each edit moves the first break back
        edit_history_row(victim.model_label, victim.history_id)
        found = audit_verify([article.slug]).first_break
        assert found is not None
        assert (found.sequence, found.problem) == (victim.sequence, CONTENT_CHANGED)


@pytest.mark.postgres
def test_changing_a_links_recorded_format_is_caught_either_way():
    json_triggers()
    article = ArticleFactory()
    install_chain_triggers_as_migrated(connection)
    section_edits(article, ["Dose", "Dosing"])
    links = links_of(article)
    old = next(link for link in links if link.link_format == LinkFormat.JSON)
    new = next(link for link in links if link.link_format == LinkFormat.ROW_TEXT)

    for victim, flipped in ((new, LinkFormat.JSON), (old, LinkFormat.ROW_TEXT)):
        set_format(victim, flipped)
        found = audit_verify([article.slug]).first_break
        assert found is not None
        assert (found.sequence, found.problem) == (victim.sequence, CONTENT_CHANGED)


def test_changing_the_recorded_format_of_a_link_is_caught():
    # on SQLite the Python path writes format 1, on PostgreSQL the trigger format 2: the
    # other format's text never matches the stored hash
    article = ArticleFactory()
    victim = links_of(article)[0]
    other = LinkFormat.JSON if victim.link_format == LinkFormat.ROW_TEXT else LinkFormat.ROW_TEXT
    assert audit_verify([article.slug]).is_ok

    set_format(victim, other)

    found = audit_verify([article.slug]).first_break
    assert found is not None
    assert (found.sequence, found.problem) == (victim.sequence, CONTENT_CHANGED)


def test_a_link_of_an_unknown_format_is_named():
    article = ArticleFactory()
    victim = links_of(article)[0]

    set_format(victim, 7)

    found = audit_verify([article.slug]).first_break
    assert found is not None
    assert (found.sequence, found.problem) == (victim.sequence, UNKNOWN_FORMAT.format(7))
