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


# --- the address the lock counts, behind a reverse proxy ---

PROXY = "10.0.0.2"  # the TLS proxy's address, as gunicorn sees every request


def _log_in_via_proxy(client, username: str, password: str, forwarded_for: str):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_an_attacker_cannot_lock_the_editor_out(client):
    editor = UserFactory(username="targeted-editor")
    for _ in range(3):  # from the attacker's address, whatever it claims further left
        _log_in_via_proxy(client, editor.username, "wrong", "198.51.100.7, 203.0.113.66")
    locked = _log_in_via_proxy(client, editor.username, PASSWORD, "203.0.113.66")
    assert locked.status_code == 429

    response = _log_in_via_proxy(client, editor.username, PASSWORD, "192.0.2.10")

    assert response.status_code == 302  # the editor, from their own address
    assert client.session["_auth_user_id"] == str(editor.pk)


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_a_forged_forwarded_entry_does_not_escape_the_lock(client):
    editor = UserFactory(username="guessed-editor")
    # each attempt claims a new address on the left; the proxy appends the real one
    for n in range(3):
        _log_in_via_proxy(client, editor.username, "wrong", f"192.0.2.{n}, 203.0.113.66")

    response = _log_in_via_proxy(client, editor.username, PASSWORD, "192.0.2.99, 203.0.113.66")

    assert response.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"HTTP_X_FORWARDED_FOR": "203.0.113.66"}, PROXY),  # no proxy: header ignored
        (1, {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.66"}, "203.0.113.66"),
        (2, {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.66, 10.0.0.9"}, "203.0.113.66"),
        (1, {}, PROXY),  # reached gunicorn without the proxy
        (2, {"HTTP_X_FORWARDED_FOR": "203.0.113.66"}, PROXY),  # shorter than the chain
        (1, {"HTTP_X_FORWARDED_FOR": "1.1.1.1, not-an-address"}, PROXY),
        (1, {"HTTP_X_FORWARDED_FOR": "2001:db8::1"}, "2001:db8::1"),
    ],
)
def test_client_address(rf, settings, proxies, meta, expected):
    from editorial.access.client_address import client_address

    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(rf.get("/", REMOTE_ADDR=PROXY, **meta)) == expected
