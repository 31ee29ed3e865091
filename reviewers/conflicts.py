"""Conflicts of interest: a member conflicts with an article when one of their current
disclosures names the issuer of a source the article cites (a drug label's manufacturer, a trial
sponsor, a guideline body). Pure functions over prefetched rows.

Both names are normalised before they are compared, so "Pfizer" is matched by "Pfizer Inc.",
"PFIZER", "Pfi\u200bzer" or "\u0420fizer" (a Cyrillic Er): Unicode NFKC, invisible characters
stripped, letters of other scripts that look like Latin ones folded to them (Unicode's
confusables data), case folded, punctuation dropped and company suffixes ignored. A disclosure
naming the parent ("Pfizer") also matches a subsidiary whose name starts with it
("Pfizer Oncology")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from confusable_homoglyphs import categories, confusables
from django.db.models import OuterRef, Prefetch, Subquery

from articles.aggregates import from_json_rows, json_rows
from articles.models import Article, Citation, Source
from reviewers.models import DISCLOSURE_PHRASES, BoardMember, Disclosure

# Legal forms and trade words that do not tell two companies apart ("Pfizer Inc." is Pfizer).
COMPANY_SUFFIXES = frozenset(
    {
        "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "plc", "gmbh", "ag", "sa",
        "sas", "sarl", "spa", "srl", "nv", "bv", "kg", "kgaa", "se", "oy", "ab", "as", "pty",
        "kk", "co", "corp", "corporation", "company", "group", "holding", "holdings",
        "pharmaceutical", "pharmaceuticals", "pharma", "laboratories", "labs", "&", "and",
    }
)  # fmt: skip
# Characters that print nothing but would make two equal names differ.
INVISIBLE = {"\u034f", "\u115f", "\u1160", "\u3164", "\uffa0"}
_DOTS = re.compile("[.\u00b7'\u2019]")
_SEPARATORS = re.compile(r"[^\w&]+")


@lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str:
    """The Latin letter `char` (of another script) is confusable with, else `char`."""
    if char.isascii() or categories.alias(char) in ("LATIN", "COMMON"):
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    for homoglyph in found[0]["homoglyphs"] if found else []:
        if homoglyph["n"].startswith("LATIN") and len(homoglyph["c"]) == 1:
            return homoglyph["c"]
    return char


def organisation_key(name: str) -> str:
    """The form of an organisation's name used for matching ("" when nothing is left)."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(
        _latin_lookalike(c) for c in text if unicodedata.category(c) != "Cf" and c not in INVISIBLE
    )
    text = _DOTS.sub("", unicodedata.normalize("NFKC", text).casefold())
    words = _SEPARATORS.sub(" ", text).split()
    while len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    return " ".join(words)


def names_match(disclosed_key: str, issuer_key: str) -> bool:
    """The disclosure names the issuer, or its parent (the issuer's name starts with it)."""
    if not disclosed_key or not issuer_key:
        return False
    return issuer_key == disclosed_key or issuer_key.startswith(disclosed_key + " ")


def article_issuers(article: Article) -> dict[str, str]:
    """The issuers of the article's cited sources: matching key -> name as written (1 query)."""
    issuers = Source.objects.filter(citations__article=article).values_list("issuer", flat=True)
    return _keyed(issuers)


def _keyed(issuers: Iterable[str]) -> dict[str, str]:
    keyed = {organisation_key(i): " ".join(i.split()) for i in issuers if i and i.strip()}
    keyed.pop("", None)
    return keyed


def issuers_of(sources: Iterable[Source]) -> dict[str, str]:
    """article_issuers from the cited sources already read (the snapshot's), no query; in the
    order article_issuers reads them (Source's ordering: title)."""
    return _keyed(s.issuer for s in sorted(sources, key=lambda s: s.title))


def cited_issuers_json(article_pk: int) -> Subquery:
    """The article's cited sources as one JSON array of {title, issuer} (NULL when it cites
    none): an annotation for a query the caller runs anyway, read back with issuers_from_json
    (saves article_issuers' query)."""
    cited = Citation.objects.filter(article_id=article_pk)
    return json_rows(cited, "article_id", title="source__title", issuer="source__issuer")


def issuers_from_json(rows: list[dict] | None) -> dict[str, str]:
    """What cited_issuers_json read, as article_issuers returns it."""
    ordered = sorted(rows or (), key=lambda row: row["title"])
    return _keyed(row["issuer"] for row in ordered)


def new_issuer_names(article: Article) -> list[str]:
    """Issuers the article cites that no other source in the library and no disclosure names
    (after normalisation): a new name, or a misspelt one, that the editor should check before
    trusting the conflict check with it (3 queries)."""
    cited = Source.objects.filter(citations__article=article)
    mine = {
        " ".join(name.split())
        for name in cited.values_list("issuer", flat=True)
        if name and organisation_key(name)
    }
    if not mine:
        return []
    known_names = (
        Source.objects.exclude(pk__in=cited.values("pk"))
        .exclude(issuer="")
        .values_list("issuer", flat=True)
        .distinct()
    )
    known = {organisation_key(n) for n in known_names}
    known |= {
        organisation_key(n)
        for n in Disclosure.objects.values_list("organisation", flat=True).distinct()
    }
    return sorted(n for n in mine if organisation_key(n) not in known)


def current_disclosures_prefetch(on: date | None = None) -> Prefetch:
    """Prefetch a member's current disclosures into `member.current_disclosures`."""
    return Prefetch(
        "disclosures",
        queryset=Disclosure.objects.current(on).order_by("organisation", "pk"),
        to_attr="current_disclosures",
    )


# what member_conflicts reads, in the model's field order (from_db expects it)
DISCLOSURE_FIELDS = tuple(
    field.attname
    for field in Disclosure._meta.concrete_fields
    if field.attname in {"id", "member_id", "organisation", "kind"}
)


def current_disclosures_json(member: OuterRef | int, on: date | None = None) -> Subquery:
    """A member's current disclosures as one JSON array (NULL when none): an annotation for a
    query that reads the member anyway, read back with disclosures_from_json (saves the
    prefetch's query)."""
    current = Disclosure.objects.current(on).filter(member_id=member)
    return json_rows(current, "member_id", **{name: name for name in DISCLOSURE_FIELDS})


def disclosures_from_json(member: BoardMember, rows: list[dict] | None) -> BoardMember:
    """Put what current_disclosures_json read on `member.current_disclosures`, as
    current_disclosures_prefetch does (ordered by organisation, then pk); returns the member."""
    found = from_json_rows(Disclosure, DISCLOSURE_FIELDS, rows, member._state.db or "default")
    member.current_disclosures = sorted(found, key=lambda d: (d.organisation, d.pk))
    return member


def member_conflicts(member: BoardMember, issuers: dict[str, str]) -> list[str]:
    """Sentences naming each conflict (the disclosure and the issuer it matched); needs
    `current_disclosures` prefetched."""
    conflicts = []
    for disclosure in member.current_disclosures:
        disclosed = organisation_key(disclosure.organisation)
        for key, issuer in issuers.items():
            if names_match(disclosed, key):
                phrase = DISCLOSURE_PHRASES.get(disclosure.kind, "a relationship with")
                named = " ".join(disclosure.organisation.split())
                also = "" if disclosed == key else f" (disclosed as “{named}”)"
                conflicts.append(
                    f"{member} discloses {phrase} {issuer}{also}, the issuer of a cited source"
                )
    return conflicts
