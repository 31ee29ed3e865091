"""The address a login attempt comes from, as django-axes counts it (AXES_CLIENT_IP_CALLABLE).

Behind N trusted reverse proxies (DJANGO_TRUSTED_PROXY_COUNT), each proxy appends the address it
received the request from to X-Forwarded-For, so the client is the N-th entry from the right.
Entries further left are whatever the client sent: never trusted, or anyone could pick their own
lockout bucket. With no proxy (0, the default) the address is REMOTE_ADDR and the header is
ignored. A header shorter than the proxy chain, or an entry that is not an address, means the
request did not come through the proxies as configured: REMOTE_ADDR again.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in header.split(",") if part.strip()]
    if len(chain) < proxies:
        return remote
    candidate = chain[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
