"""The small tables every public page names: board members (name, credentials, disclosures in
force today) and specialties. Read once and cached, so a page view does not join them again.

The cache entries are dropped whenever a board member, a user, a disclosure or a specialty is
saved or deleted (signals wired in editorial.apps); PUBLIC_PAGE_CACHE_SECONDS bounds what a drop
in one process cannot reach (another worker's per-process cache, a QuerySet.update()), as it
does for the rendered pages. The keys name the day, as "in force" does.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone

from editorial.public.page_cache import shared_cache as cache
from reviewers.models import BoardMember, DisclosureKind, Specialty

_BOARD_KEY = "public-board:v1:{day}"
_BOARD_DIGEST_KEY = "public-board-digest:v1:{day}"
_SPECIALTIES_KEY = "public-specialties:v1"


@dataclass(frozen=True)
class PublicDisclosure:
    organisation: str
    kind: str
    kind_label: str


@dataclass(frozen=True)
class PublicMember:
    name: str
    credentials: str
    disclosures: tuple[PublicDisclosure, ...]


@dataclass(frozen=True)
class PublicSpecialties:
    by_id: dict[int, Specialty]
    by_name: list[Specialty]
    # changes when a specialty's name or slug does: part of the index page's ETag
    digest: str


def board_for_public(
    *, refresh: bool = False, members: Iterable[int] = ()
) -> dict[int, PublicMember]:
    """Every board member's public face, by member id (1 query when not cached). Reloaded once
    when it lacks one of `members` (newer than the cache, perhaps saved in another process)."""
    day = timezone.localdate().isoformat()
    board = None if refresh else cache.get(_BOARD_KEY.format(day=day))
    if board is not None and any(pk not in board for pk in members):
        board = None
    if board is None:
        board = _load_board()
        digest = hashlib.sha1(repr(sorted(board.items())).encode(), usedforsecurity=False)
        cache.set_many(
            {
                _BOARD_KEY.format(day=day): board,
                _BOARD_DIGEST_KEY.format(day=day): digest.hexdigest(),
            },
            settings.PUBLIC_PAGE_CACHE_SECONDS,
        )
    return board


def specialty_for_public(*, pk: int | None = None, slug: str = "") -> Specialty | None:
    """One specialty by id or by slug, from the cached list; reloaded once for one it does not
    know (created since, perhaps in another process)."""

    def find(specialties: PublicSpecialties) -> Specialty | None:
        if pk is not None:
            return specialties.by_id.get(pk)
        return next((s for s in specialties.by_name if s.slug == slug), None)

    return find(specialties_for_public()) or find(specialties_for_public(refresh=True))


def board_digest() -> str:
    """Changes whenever the cached board does: part of the article page's ETag, so a page
    rendered from a board never outlives that board in the cache (a small key: the ETag is
    computed on every page view).

    Every page view asks for it, so each process keeps what it read for
    PUBLIC_BOARD_DIGEST_MEMO_SECONDS (a cache round trip costs a cached page as much as the
    rest of its work): another process's board change reaches this one's pages that much
    later; this process's own changes at once (_drop_directory clears the memo)."""
    key = _BOARD_DIGEST_KEY.format(day=timezone.localdate().isoformat())
    digest = _memo_get(key)
    if digest is None:
        digest = cache.get(key)
        if digest is None:
            board_for_public(refresh=True)
            digest = cache.get(key, "")
        if digest:
            _memo_set(key, digest)
    return digest


def specialties_for_public(*, refresh: bool = False) -> PublicSpecialties:
    """Every specialty, by id and by name (1 query when not cached; kept in this process like
    board_digest, as every index view needs their digest)."""
    specialties = None if refresh else _memo_get(_SPECIALTIES_KEY)
    if specialties is None:
        specialties = None if refresh else cache.get(_SPECIALTIES_KEY)
        if specialties is None:
            specialties = _load_specialties()
            cache.set(_SPECIALTIES_KEY, specialties, settings.PUBLIC_PAGE_CACHE_SECONDS)
        _memo_set(_SPECIALTIES_KEY, specialties)
    return specialties


# {cache key: (value, monotonic expiry)}: this process's short-lived copy of what every page
# view reads from the shared cache (the board digest, the specialties)
_DIGEST_MEMO: dict[str, tuple[Any, float]] = {}


def _memo_get(key: str) -> Any:
    memo = _DIGEST_MEMO.get(key)
    return memo[0] if memo is not None and memo[1] > time.monotonic() else None


def _memo_set(key: str, value: Any) -> None:
    seconds = settings.PUBLIC_BOARD_DIGEST_MEMO_SECONDS
    if seconds > 0:
        if len(_DIGEST_MEMO) > 8:  # yesterday's keys: the day is part of the board's
            _DIGEST_MEMO.clear()
        _DIGEST_MEMO[key] = (value, time.monotonic() + seconds)


def directory_changed(**kwargs: Any) -> None:
    """Signal receiver: a member, a user, a disclosure or a specialty changed. Dropped now and
    again once the change commits: a page view between the two would otherwise cache what the
    database still showed before the commit."""
    _drop_directory()
    transaction.on_commit(_drop_directory)


def _drop_directory() -> None:
    _DIGEST_MEMO.clear()
    day = timezone.localdate().isoformat()
    cache.delete_many(
        [_BOARD_KEY.format(day=day), _BOARD_DIGEST_KEY.format(day=day), _SPECIALTIES_KEY]
    )


def _load_board() -> dict[int, PublicMember]:
    # one row per member and disclosure in force (a LEFT JOIN): one query
    on = timezone.localdate()
    in_force = Q(
        Q(disclosures__since__isnull=True) | Q(disclosures__since__lte=on),
        Q(disclosures__until__isnull=True) | Q(disclosures__until__gte=on),
    )
    rows = (
        BoardMember.objects.annotate(disclosure=FilteredRelation("disclosures", condition=in_force))
        .order_by("pk", "disclosure__organisation", "disclosure__pk")
        .values_list(
            "pk",
            "credentials",
            "user__first_name",
            "user__last_name",
            "user__username",
            "disclosure__organisation",
            "disclosure__kind",
        )
    )
    kinds = dict(DisclosureKind.choices)
    names: dict[int, tuple[str, str]] = {}
    disclosures: dict[int, list[PublicDisclosure]] = {}
    for pk, credentials, first, last, username, organisation, kind in rows:
        full_name = f"{first} {last}".strip()  # as User.get_full_name()
        names[pk] = (full_name or username, credentials)
        found = disclosures.setdefault(pk, [])
        if organisation is not None:
            found.append(PublicDisclosure(organisation, kind, kinds.get(kind, kind)))
    return {
        pk: PublicMember(name=name, credentials=credentials, disclosures=tuple(disclosures[pk]))
        for pk, (name, credentials) in names.items()
    }


def _load_specialties() -> PublicSpecialties:
    by_name = list(Specialty.objects.order_by("name", "pk").only("name", "slug"))
    return PublicSpecialties(
        by_id={s.pk: s for s in by_name},
        by_name=by_name,
        digest=hashlib.sha1(
            repr([(s.pk, s.name, s.slug) for s in by_name]).encode(), usedforsecurity=False
        ).hexdigest(),
    )
