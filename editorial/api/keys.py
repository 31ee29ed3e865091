"""API clients and keys: a key is shown once and stored as its SHA-256 (keys are 256 random
bits, so a fast hash is enough: nothing to brute-force)."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from editorial.access.roles import AnyUser
from editorial.audit.attribution import attribute, save_attributed
from editorial.models import ApiClient, ApiKey

SCOPES = ("drafts:write", "articles:read", "sources:write", "webhooks:manage")
KEY_PREFIX = "imp_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def scopes_clean(scopes: list[str] | str) -> list[str]:
    """The scopes, checked; a comma-separated string is accepted."""
    if isinstance(scopes, str):
        scopes = [s.strip() for s in scopes.split(",") if s.strip()]
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ValidationError(
            {"scopes": f"Unknown scope {', '.join(unknown)}; choose from {', '.join(SCOPES)}."}
        )
    return list(dict.fromkeys(scopes))


def api_key_issue(*, client: ApiClient, actor: AnyUser = None) -> str:
    """A new key for `client`; the caller shows it once (only its hash is kept)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(client=client, prefix=key[:12], key_hash=key_hash(key))
    save_attributed(row, actor=actor, reason=f"API key {row.prefix}… issued")
    return key


def api_key_revoke(*, key: ApiKey, actor: AnyUser = None) -> bool:
    """Revoke a key, once (a revoked key keeps its time); its history row names who."""
    with transaction.atomic():
        row = ApiKey.objects.select_for_update().get(pk=key.pk)
        if row.revoked_at is not None:
            return False
        row.revoked_at = timezone.now()
        attribute(row, actor=actor, reason=f"API key {row.prefix}… revoked")
        row.save(update_fields=["revoked_at"])
    return True


def api_client_ensure(*, name: str, user: User, scopes: list[str] | str) -> ApiClient:
    """The client called `name` (created acting as `user` with `scopes` if new; an existing
    one keeps its user and gets the scopes)."""
    scopes = scopes_clean(scopes)
    with transaction.atomic():
        client, created = ApiClient.objects.select_for_update().get_or_create(
            name=name, defaults={"user": user, "scopes": scopes}
        )
        if not created and client.user_id != user.pk:
            raise ValidationError({"user": f"The client {name} acts as {client.user}, not {user}."})
        if not created and client.scopes != scopes:
            client.scopes = scopes
            client.save(update_fields=["scopes"])
    return client
