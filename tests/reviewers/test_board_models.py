from datetime import date

import pytest
import time_machine

from reviewers.models import BoardMember, Disclosure
from tests.factories import BoardMemberFactory, DisclosureFactory

pytestmark = pytest.mark.django_db


def test_disclosure_without_dates_is_current():
    disclosure = DisclosureFactory()
    assert list(Disclosure.objects.current(on=date(2001, 1, 1))) == [disclosure]
    assert disclosure.is_current(date(2050, 1, 1))


def test_disclosure_is_current_only_between_since_and_until():
    d = DisclosureFactory(since=date(2024, 1, 1), until=date(2024, 12, 31))
    assert list(Disclosure.objects.current(on=date(2024, 6, 1))) == [d]
    assert list(Disclosure.objects.current(on=date(2024, 12, 31))) == [d]
    assert not Disclosure.objects.current(on=date(2023, 12, 31)).exists()
    assert not Disclosure.objects.current(on=date(2025, 1, 1)).exists()


@time_machine.travel("2026-11-24 12:00Z")
def test_current_defaults_to_today():
    ended = DisclosureFactory(until=date(2026, 11, 23))
    ongoing = DisclosureFactory(since=date(2026, 11, 24))
    current = set(Disclosure.objects.current())
    assert ongoing in current and ended not in current


def test_disclosure_changes_are_kept_in_history():
    disclosure = DisclosureFactory(organisation="Medtronic")
    disclosure.until = date(2025, 1, 1)
    disclosure.save()
    assert disclosure.history.count() == 2


@time_machine.travel("2026-11-24 12:00Z")
def test_licence_is_due_when_never_verified_or_older_than_reverify_days(settings):
    settings.LICENCE_REVERIFY_DAYS = 730
    never = BoardMemberFactory(licence_verified_on=None)
    old = BoardMemberFactory(licence_verified_on=date(2024, 11, 23))  # 731 days ago
    edge = BoardMemberFactory(licence_verified_on=date(2024, 11, 24))  # exactly 730 days ago
    recent = BoardMemberFactory(licence_verified_on=date(2026, 1, 5))
    assert [never.is_licence_due(), old.is_licence_due()] == [True, True]
    assert [edge.is_licence_due(), recent.is_licence_due()] == [False, False]
    assert set(BoardMember.objects.licence_due()) == {never, old}


@time_machine.travel("2026-11-24 12:00Z")
def test_licence_reverify_days_is_a_setting(settings):
    member = BoardMemberFactory(licence_verified_on=date(2026, 1, 5))
    settings.LICENCE_REVERIFY_DAYS = 30
    assert member.is_licence_due()
    assert list(BoardMember.objects.licence_due()) == [member]


def test_credentials_tell_physicians_from_pharmacists():
    assert BoardMemberFactory(credentials="MD").is_physician
    assert BoardMemberFactory(credentials="DO").is_physician
    pharmacist = BoardMemberFactory(credentials="PharmD")
    assert pharmacist.is_pharmacist and not pharmacist.is_physician
    dual = BoardMemberFactory(credentials="MD, PharmD")
    assert dual.is_pharmacist and dual.is_physician
