"""A large board in a few bulk inserts (factories would take minutes): members with a
specialty and disclosures, for the 1,000+ row tests and the suggestions benchmark."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import User

from reviewers.models import BoardMember, Disclosure, Specialty


def bulk_board(size: int, *, conflicted_every: int = 0) -> list[BoardMember]:
    """`size` active MDs, each with a specialty and a Medtronic disclosure; every
    `conflicted_every`-th also discloses Pfizer."""
    tag = uuid.uuid4().hex[:8]
    specialty, _ = Specialty.objects.get_or_create(slug="bulk", defaults={"name": "Bulk"})
    users = User.objects.bulk_create(
        User(username=f"bulk-{tag}-{i}", first_name="Bulk", last_name=f"{i:05d}")
        for i in range(size)
    )
    members = BoardMember.objects.bulk_create(BoardMember(user=u, credentials="MD") for u in users)
    through = BoardMember.specialties.through
    through.objects.bulk_create(
        through(boardmember_id=m.pk, specialty_id=specialty.pk) for m in members
    )
    disclosures = [Disclosure(member=m, organisation="Medtronic") for m in members]
    if conflicted_every:
        disclosures += [
            Disclosure(member=m, organisation="Pfizer", kind="consulting")
            for m in members[::conflicted_every]
        ]
    Disclosure.objects.bulk_create(disclosures)
    return members
