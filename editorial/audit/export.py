"""CSV and PDF exports of an article's audit timeline and approval signatures (ReportLab)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.tables import TableStyle

from editorial.audit.timeline import ArticleAudit

TIMELINE_HEADER = [
    "sequence",
    "time (UTC)",
    "record",
    "record id",
    "action",
    "changes",
    "who",
    "why",
    "history model",
    "history id",
    "entry hash",
]
SIGNATURE_HEADER = [
    "sign-off reference",
    "printed name",
    "credentials",
    "meaning",
    "signed at (UTC)",
    "content hash",
    "round",
]


def _time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def timeline_rows(audit: ArticleAudit) -> list[list[str]]:
    """The timeline as text rows (header first): what the CSV holds, cell for cell."""
    rows = [TIMELINE_HEADER]
    for e in audit.entries:
        rows.append(
            [
                "" if e.sequence is None else str(e.sequence),
                _time(e.at),
                e.kind,
                str(e.object_id),
                e.action,
                e.changes,
                e.who,
                e.why,
                e.model_label,
                str(e.history_id),
                e.entry_hash,
            ]
        )
    return rows


def signature_rows(audit: ArticleAudit) -> list[list[str]]:
    """The approval signatures as text rows (header first)."""
    rows = [SIGNATURE_HEADER]
    for s in audit.signatures:
        rows.append(
            [
                s.reference,
                s.printed_name,
                s.credentials,
                s.meaning,
                _time(s.signed_at),
                s.content_hash,
                str(s.round),
            ]
        )
    return rows


# OWASP "CSV injection": a spreadsheet runs a cell starting with one of these as a formula
# (`=HYPERLINK(...)` in a user name). Such a cell gets a leading apostrophe: shown as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(cell: str) -> str:
    """The cell as a spreadsheet shows it as text, never runs it (OWASP CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([csv_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def timeline_csv(audit: ArticleAudit) -> str:
    """The timeline as CSV text."""
    return _csv(timeline_rows(audit))


def signatures_csv(audit: ArticleAudit) -> str:
    """The approval signatures as CSV text."""
    return _csv(signature_rows(audit))


def _table(rows: list[list[str]], widths: list[float], style) -> LongTable:
    cells = [[Paragraph(escape(cell), style) for cell in row] for row in rows]
    table = LongTable(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def audit_pdf(audit: ArticleAudit, generated_at: datetime, anchor: str = "") -> bytes:
    """A landscape A4 PDF: signatures first (what an inspector asks for), then the timeline."""
    buffer = io.BytesIO()
    article = audit.article
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=f"Audit trail: {article.title}",
        author="Imprimatur",
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8.5)
    story = [
        Paragraph(escape(f"Audit trail: {article.title}"), styles["Title"]),
        Paragraph(
            escape(
                f"Article {article.pk} ({article.slug}), status {article.get_status_display()}."
                f" Generated {_time(generated_at)}."
            ),
            styles["BodyText"],
        ),
        Paragraph(escape(anchor or "Chain head: not checked against an anchor."), small),
        Spacer(1, 4 * mm),
        Paragraph("Approval signatures", styles["Heading2"]),
    ]
    if audit.signatures:
        story.append(
            _table(
                signature_rows(audit),
                [38 * mm, 30 * mm, 20 * mm, 55 * mm, 35 * mm, 85 * mm, 12 * mm],
                small,
            )
        )
    else:
        story.append(Paragraph("No approvals recorded.", styles["BodyText"]))
    story += [Spacer(1, 4 * mm), Paragraph("Timeline", styles["Heading2"])]
    rows = [[r[0], r[1], r[2], r[4], r[5], r[6], r[7], r[10][:16]] for r in timeline_rows(audit)]
    rows[0][-1] = "entry hash (first 16)"
    widths = [12 * mm, 30 * mm, 24 * mm, 14 * mm, 85 * mm, 26 * mm, 55 * mm, 30 * mm]
    story.append(_table(rows, widths, small))
    doc.build(story)
    return buffer.getvalue()
