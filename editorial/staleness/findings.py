"""Registry findings: ask the resolvers of CITATION_RESOLVERS about a source (outside any
transaction: no row lock is held while waiting on the web), store what each said, read the
latest back for the source admin and the citation check."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.utils import timezone

from articles.identifiers import LABELS, canonical_or_none
from articles.models import Article, FindingOutcome, RegistryFinding, Source
from articles.resolvers import NotFound, Resolver, ResolverError, SourceMetadata, resolver_name
from articles.resolvers.compare import compare


@dataclass(frozen=True)
class Lookup:
    resolver: str  # dotted path
    registry: str
    kind: str
    identifier: str
    outcome: str  # FindingOutcome
    messages: tuple[str, ...] = ()
    meta: SourceMetadata | None = None


def source_lookup(source: Source, resolvers: Sequence[Resolver]) -> list[Lookup]:
    """What each resolver says about the source's identifier (resolvers whose field is empty
    are skipped; an identifier that breaks its rule is not sent)."""
    found = []
    for resolver in resolvers:
        raw = (getattr(source, resolver.field, "") or "").strip()
        if raw:
            found.append(_ask(source, resolver, raw))
    return found


def _ask(source: Source, resolver: Resolver, raw: str) -> Lookup:
    name, registry, kind = resolver_name(resolver), resolver.registry, resolver.kind
    identifier = canonical_or_none(kind, raw)
    if identifier is None:
        reason = f"{raw} is not a valid {LABELS[kind]}; {registry} was not asked."
        return Lookup(name, registry, kind, raw, FindingOutcome.FAILED, (reason,))
    try:
        meta = resolver.resolve(identifier)
    except NotFound:
        reason = (
            f"{registry} has no record of {LABELS[kind]} {identifier}: the reference may be "
            "invented or mistyped."
        )
        return Lookup(name, registry, kind, identifier, FindingOutcome.NOT_FOUND, (reason,))
    except ResolverError as exc:
        reason = f"{registry} could not be asked: {exc}."
        return Lookup(name, registry, kind, identifier, FindingOutcome.FAILED, (reason,))
    result = compare(source, meta, kind)
    return Lookup(name, registry, kind, identifier, result.outcome, result.messages, meta)


def registry_findings_record(source: Source, lookups: Iterable[Lookup]) -> list[RegistryFinding]:
    """Store one finding per lookup (one INSERT); safe to run twice: findings are a log."""
    now = timezone.now()
    rows = [
        RegistryFinding(
            source=source,
            resolver=lookup.resolver[:200],
            registry=lookup.registry[:50],
            identifier=lookup.identifier[:200],
            checked_at=now,
            outcome=lookup.outcome,
            matched_title=(lookup.meta.title if lookup.meta else "")[:1000],
            matched_authors="; ".join(lookup.meta.authors) if lookup.meta else "",
            matched_year=lookup.meta.year if lookup.meta else None,
            detail=" ".join(lookup.messages),
        )
        for lookup in lookups
    ]
    return RegistryFinding.objects.bulk_create(rows)


def _latest(findings: QuerySet[RegistryFinding]) -> QuerySet[RegistryFinding]:
    newest = findings.values("source", "resolver").annotate(newest=Max("pk")).values("newest")
    return (
        RegistryFinding.objects.filter(pk__in=newest)
        .select_related("source")
        .order_by("source__title", "source_id", "registry")
    )


def finding_list_for_source(source: Source) -> list[RegistryFinding]:
    """The latest finding of each resolver about the source (one query)."""
    return list(_latest(RegistryFinding.objects.filter(source=source)))


def finding_list_for_article(article: Article) -> list[RegistryFinding]:
    """The latest finding of each resolver about each source the article cites (one query)."""
    cited = RegistryFinding.objects.filter(source__citations__article=article)
    return list(_latest(cited))
