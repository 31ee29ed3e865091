"""django-axes on the admin login: on in local/production, off in the test settings.

The rest of the suite runs with AXES_ENABLED=False (config.settings.test); these tests turn it
on to show the lockout a person would meet.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "pw-correct-horse"  # UserFactory's


def _log_in(client, username: str, password: str):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
    )


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_admin_login_is_locked_after_repeated_failures_even_with_the_right_password(client):
    editor = UserFactory(username="locked-editor")

    first_two = [_log_in(client, editor.username, "wrong").status_code for _ in range(2)]
    third = _log_in(client, editor.username, "wrong")
    with_right_password = _log_in(client, editor.username, PASSWORD)

    assert first_two == [200, 200]  # the form again, with an error
    assert third.status_code == 429
    assert with_right_password.status_code == 429
    assert b"too many login attempts" in with_right_password.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_lockout_of_one_user_does_not_lock_out_another(client):
    UserFactory(username="locked-editor")
    other = UserFactory(username="other-editor")
    for _ in range(3):
        _log_in(client, "locked-editor", "wrong")

    response = _log_in(client, other.username, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


@pytest.mark.django_db
def test_login_throttling_is_off_in_the_test_settings(client):
    editor = UserFactory(username="clumsy-editor")
    for _ in range(10):
        _log_in(client, editor.username, "wrong")

    response = _log_in(client, editor.username, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)
