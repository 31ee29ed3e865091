"""Each person chooses their mail at /account/notifications/; editors edit anyone's."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from editorial.models import NotificationPreference
from editorial.reporting.staleness_report import report_frequency_of

pytestmark = pytest.mark.django_db
URL = "/account/notifications/"


def test_without_a_choice_the_report_is_weekly(client, author):
    client.force_login(author)
    response = client.get(URL)

    assert response.status_code == 200
    assert re.search(r'value="weekly"[^>]*checked', response.content.decode())
    assert report_frequency_of(author) == "weekly"
    assert not NotificationPreference.objects.exists()


def test_a_user_switches_to_daily_and_turns_a_notice_off(client, author):
    client.force_login(author)
    response = client.post(
        URL, {"report_frequency": "daily", "notify_assignments": "on"}, follow=True
    )

    assert "Your email preferences were saved." in response.content.decode()
    preference = NotificationPreference.objects.get(user=author)
    assert preference.report_frequency == "daily"
    assert preference.notify_assignments and not preference.notify_workflow


def test_an_unknown_frequency_is_refused_and_changes_nothing(client, author):
    NotificationPreference.objects.create(user=author, report_frequency="none")
    client.force_login(author)

    response = client.post(URL, {"report_frequency": "hourly"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert NotificationPreference.objects.get(user=author).report_frequency == "none"


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_the_admin_index_links_to_the_preferences(client, editor):
    client.force_login(editor)
    assert f'href="{URL}"' in client.get("/admin/").content.decode()


def test_editors_edit_anyones_preferences_in_the_admin(client, editor, author):
    client.force_login(editor)
    response = client.post(
        "/admin/editorial/notificationpreference/add/",
        {"user": author.pk, "report_frequency": "none", "notify_workflow": "on"},
    )

    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=author).report_frequency == "none"


def test_authors_cannot_open_the_preferences_admin(client, author):
    client.force_login(author)
    assert client.get("/admin/editorial/notificationpreference/").status_code == 403
