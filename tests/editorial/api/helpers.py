"""Shared by the API tests: a client with a key, requests with it, a valid draft body."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from editorial.api.keys import api_client_ensure, api_key_issue
from editorial.models import ApiClient

ALL_SCOPES = "drafts:write,articles:read,sources:write,webhooks:manage"


def make_key(user, scopes: str = ALL_SCOPES, name: str = "pipeline") -> tuple[ApiClient, str]:
    client = api_client_ensure(name=name, user=user, scopes=scopes)
    return client, api_key_issue(client=client)


class Api:
    """Django's test client speaking to /api/v1 with a bearer key."""

    def __init__(self, key: str | None) -> None:
        self.key = key
        self.http = Client()

    def call(self, method: str, path: str, body: Any = None, **headers: str):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        if self.key:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.key}"
        data = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
        return getattr(self.http, method.lower())(
            f"/api/v1{path}", data=data, content_type="application/json", **extra
        )

    def get(self, path: str, **headers: str):
        return self.call("GET", path, **headers)

    def post(self, path: str, body: Any = None, **headers: str):
        return self.call("POST", path, body if body is not None else {}, **headers)

    def patch(self, path: str, body: Any, **headers: str):
        return self.call("PATCH", path, body, **headers)


def draft_body(sections: int = 2, citations: int = 2, title: str = "Does drug X help?") -> dict:
    return {
        "title": title,
        "summary": "Yes, in adults.",
        "risk": "standard",
        "sections": [
            {
                "kind": "research",
                "heading": f"Finding {i + 1}",
                "body": " ".join(f"Drug X helps [{n + 1}]." for n in range(citations)),
            }
            for i in range(sections)
        ],
        "citations": [
            {
                "number": n + 1,
                "locator": "Table 2",
                "source": {
                    "kind": "journal_article",
                    "title": f"A trial of drug X, part {n + 1}",
                    "issuer": "NEJM",
                    "doi": f"10.1056/NEJMoa{2000000 + n}",
                },
            }
            for n in range(citations)
        ],
    }
