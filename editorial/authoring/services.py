"""Content writes for the author UI: articles, sections, citations and new library sources.

Each function: lock the article -> check who (author or editor) and state (draft or changes
requested) and the caller's version token -> validate -> write with history user and reason ->
touch the article, all in one transaction. The article's `updated_at` is the version token:
every content change saves the article, so a second tab holding an older token is refused with
EditConflict instead of silently overwriting the first tab's work.

The article is saved first, its sections and citations after: a version's history row then
precedes the child rows it covers, which is how editorial.authoring.versions rebuilds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.text import slugify

from articles.models import (
    Article,
    Audience,
    Citation,
    Risk,
    Section,
    SectionKind,
    Source,
    SourceKind,
    label_kind_error,
)
from editorial.access.roles import AnyUser, is_author, is_editor
from editorial.audit.attribution import delete_attributed, save_attributed
from editorial.authoring.validation import clean_fields, source_values_normalize
from editorial.workflow import permissions as perms
from reviewers.models import Specialty

ARTICLE_FIELDS = ("title", "summary", "plain_summary", "specialty", "risk")
SECTION_FIELDS = ("kind", "audience", "heading", "body")
CITATION_FIELDS = ("locator", "cited_version")
SOURCE_FIELDS = (
    "kind", "title", "issuer", "url", "doi", "pmid", "pmcid", "nct_id", "dailymed_setid",
    "isbn", "current_version",
)  # fmt: skip


class EditConflict(ValidationError):
    """Someone saved the article after this editor loaded it; `article` is the saved state."""

    def __init__(self, article: Article) -> None:
        self.article = article
        super().__init__(
            "Someone else saved this article while you were editing it. Your changes were not "
            "saved: compare them with the other change below, then save again.",
            code="conflict",
        )


def _lock_for_edit(
    article: Article, actor: AnyUser, expected_updated_at: datetime | None
) -> Article:
    article = Article.objects.select_for_update(of=("self",)).get(pk=article.pk)
    perms.ensure(perms.can_edit(article, actor), "Only the author or an editor can edit it.")
    if not article.is_editable:
        raise ValidationError(
            f"The article is {article.get_status_display().lower()}: it can be edited only as "
            "a draft or after the board requested changes."
        )
    if expected_updated_at is not None and article.updated_at != expected_updated_at:
        raise EditConflict(article)
    return article


def _check_choice(value: str, choices: Sequence[str], field: str, what: str) -> None:
    if value not in choices:
        raise ValidationError({field: f"Choose a valid {what}."})


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100].strip("-") or "article"
    taken = set(Article.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def article_create(
    *,
    author: AnyUser,
    title: str,
    summary: str = "",
    specialty: Specialty | None = None,
    risk: str = Risk.STANDARD,
) -> Article:
    """Start a new draft article written by `author`."""
    perms.ensure(is_author(author) or is_editor(author), "Only authors and editors can write.")
    values = clean_fields(Article, {"title": title, "summary": summary}, required=("title",))
    _check_choice(risk, Risk.values, "risk", "risk level")
    with transaction.atomic():
        article = Article(author=author, specialty=specialty, risk=risk, **values)
        article.slug = _unique_slug(article.title)
        save_attributed(article, actor=author, reason="article created")
    return article


def article_update(
    *,
    article: Article,
    actor: AnyUser,
    data: Mapping[str, Any],
    expected_updated_at: datetime | None,
) -> Article:
    """Save the editor: question, summary, specialty, risk, and optionally the text of sections
    (data["sections"]: {id: {kind, heading, body}}) and citations (data["citations"]:
    {id: {locator, cited_version}}) as one version. Nothing changed: nothing is written."""
    meta = {k: data[k] for k in ARTICLE_FIELDS if k in data}
    if "specialty" in meta:  # compare ids: no query for the current specialty
        meta["specialty_id"] = getattr(meta.pop("specialty"), "pk", None)
    texts: dict[str, Any] = {k: meta[k] for k in ("title", "summary", "plain_summary") if k in meta}
    cleaned = clean_fields(Article, texts, required=("title",))
    if "risk" in meta:
        _check_choice(meta["risk"], Risk.values, "risk", "risk level")
    with transaction.atomic():
        article = _lock_for_edit(article, actor, expected_updated_at)
        if "risk" in meta and meta["risk"] != article.risk:
            perms.ensure(
                perms.can_set_risk(article, actor),
                "Once the article is submitted, only an editor sets its risk level.",
            )
        changed = _apply(article, {**meta, **cleaned})
        children = _changed_children(article, Section, data.get("sections") or {})
        children += _changed_children(article, Citation, data.get("citations") or {})
        changed += [f"{obj._meta.verbose_name}s" for obj in children]
        if changed:
            save_attributed(article, actor=actor, reason=_edit_reason(changed))
            for obj in children:
                save_attributed(obj, actor=actor, reason=f"{obj._meta.verbose_name} {obj} edited")
    return article


def _edit_reason(changed: list[str]) -> str:
    names = dict.fromkeys(name.removesuffix("_id") for name in changed)
    return "edited: " + ", ".join(names)


def _apply(obj: models.Model, values: Mapping[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _changed_children(
    article: Article, model: type[Section] | type[Citation], data: Mapping
) -> list[Section | Citation]:
    """The rows whose values `data` changes, changed in memory (the caller saves them)."""
    if not data:
        return []
    objs = {o.pk: o for o in model.objects.filter(article=article, pk__in=list(data))}
    unknown = set(data) - set(objs)
    if unknown:
        raise ValidationError(f"Unknown {model._meta.verbose_name}: reload the page.")
    return [obj for pk, obj in objs.items() if _apply(obj, _clean_child(model, data[pk]))]


def _clean_child(model: type[Section] | type[Citation], values: Mapping[str, Any]) -> dict:
    fields = SECTION_FIELDS if model is Section else CITATION_FIELDS
    values = {k: values[k] for k in fields if k in values}
    if "kind" in values:
        _check_choice(values["kind"], SectionKind.values, "kind", "section kind")
    if "audience" in values:
        _check_choice(values["audience"], Audience.values, "audience", "audience")
    return clean_fields(model, values)


def section_add(
    *,
    article: Article,
    actor: AnyUser,
    expected_updated_at: datetime | None,
    kind: str = SectionKind.OTHER,
    heading: str = "",
    body: str = "",
    audience: str = Audience.CLINICIAN,
) -> Section:
    """Append a section at the end of the article (of its professional or patient version)."""
    values = _clean_child(
        Section, {"kind": kind, "audience": audience, "heading": heading, "body": body}
    )
    with transaction.atomic():
        article = _lock_for_edit(article, actor, expected_updated_at)
        last = article.sections.aggregate(m=Max("position"))["m"] or 0
        section = Section(article=article, position=last + 1, **values)
        save_attributed(article, actor=actor, reason=f"section added: {section}")
        save_attributed(section, actor=actor, reason="section added")
    return section


def section_update(
    *,
    section: Section,
    actor: AnyUser,
    data: Mapping[str, Any],
    expected_updated_at: datetime | None,
) -> Section:
    """Change one section's kind, heading or body."""
    article = article_update(
        article=section.article,
        actor=actor,
        data={"sections": {section.pk: data}},
        expected_updated_at=expected_updated_at,
    )
    return article.sections.get(pk=section.pk)


def section_remove(
    *, section: Section, actor: AnyUser, expected_updated_at: datetime | None
) -> None:
    """Delete a section (its history stays)."""
    with transaction.atomic():
        article = _lock_for_edit(section.article, actor, expected_updated_at)
        section = _child(Section, article, section.pk)
        label = str(section)
        save_attributed(article, actor=actor, reason=f"section removed: {label}")
        delete_attributed(section, actor=actor, reason="section removed")


def section_reorder(
    *,
    article: Article,
    actor: AnyUser,
    order: Sequence[int],
    expected_updated_at: datetime | None,
) -> list[Section]:
    """Put the article's sections in `order` (every section id, once)."""
    with transaction.atomic():
        article = _lock_for_edit(article, actor, expected_updated_at)
        sections = {s.pk: s for s in article.sections.all()}
        if sorted(order) != sorted(sections) or len(set(order)) != len(order):
            raise ValidationError("The new order must list every section once: reload the page.")
        moved = []
        for position, pk in enumerate(order, start=1):
            if sections[pk].position != position:
                sections[pk].position = position
                moved.append(sections[pk])
        save_attributed(article, actor=actor, reason="sections reordered")
        for section in moved:
            save_attributed(section, actor=actor, reason="sections reordered")
    return [sections[pk] for pk in order]


def _child(model: type[Section] | type[Citation], article: Article, pk: int):
    try:
        return model.objects.get(article=article, pk=pk)
    except model.DoesNotExist:
        raise ValidationError(
            f"That {model._meta.verbose_name} is no longer in the article: reload the page."
        ) from None


def citation_add(
    *,
    article: Article,
    actor: AnyUser,
    expected_updated_at: datetime | None,
    source: Source,
    locator: str = "",
    cited_version: str | None = None,
) -> Citation:
    """Cite a library source under the next free number; pins the source's current version."""
    if not (cited_version or "").strip():  # every citation pins a version
        cited_version = source.current_version
    values = clean_fields(Citation, {"locator": locator, "cited_version": cited_version})
    with transaction.atomic():
        article = _lock_for_edit(article, actor, expected_updated_at)
        if not Source.objects.filter(pk=source.pk).exists():
            raise ValidationError({"source": "That source is not in the library."})
        number = (article.citations.aggregate(m=Max("number"))["m"] or 0) + 1
        citation = Citation(article=article, source=source, number=number, **values)
        save_attributed(article, actor=actor, reason=f"citation [{number}] added")
        save_attributed(citation, actor=actor, reason="citation added")
    return citation


def citation_update(
    *,
    citation: Citation,
    actor: AnyUser,
    data: Mapping[str, Any],
    expected_updated_at: datetime | None,
) -> Citation:
    """Change one citation's locator or pinned version."""
    article = article_update(
        article=citation.article,
        actor=actor,
        data={"citations": {citation.pk: data}},
        expected_updated_at=expected_updated_at,
    )
    return article.citations.get(pk=citation.pk)


def citation_remove(
    *, citation: Citation, actor: AnyUser, expected_updated_at: datetime | None
) -> None:
    """Drop a citation; other numbers stay as they are (the text cites them)."""
    with transaction.atomic():
        article = _lock_for_edit(citation.article, actor, expected_updated_at)
        citation = _child(Citation, article, citation.pk)
        number = citation.number
        save_attributed(article, actor=actor, reason=f"citation [{number}] removed")
        delete_attributed(citation, actor=actor, reason="citation removed")


def source_create(*, actor: AnyUser, data: Mapping[str, Any]) -> Source:
    """Add a source to the library after checking its identifiers' syntax."""
    if not (is_author(actor) or is_editor(actor)):
        raise PermissionDenied("Only authors and editors can add sources.")
    values = {k: data.get(k) or "" for k in SOURCE_FIELDS}
    _check_choice(values["kind"], SourceKind.values, "kind", "source type")
    # Normalised first: a pasted PubMed address is longer than the PMID it holds.
    values, _notes = source_values_normalize(values)
    values = clean_fields(Source, values, required=("kind", "title"))
    label_error = label_kind_error(values["kind"], values["dailymed_setid"])
    if label_error:
        raise ValidationError({"kind": label_error})
    _reject_duplicate(values)
    source = Source(**values)
    with transaction.atomic():
        save_attributed(source, actor=actor, reason="added from the author editor")
    return source


def _reject_duplicate(values: Mapping[str, str]) -> None:
    for field in ("doi", "pmid", "pmcid", "nct_id", "dailymed_setid", "isbn"):
        value = values.get(field)
        if value and Source.objects.filter(**{f"{field}__iexact": value}).exists():
            label = cast(models.Field, Source._meta.get_field(field)).verbose_name
            raise ValidationError(
                {field: f"A source with this {label} is already in the library: search for it."}
            )
