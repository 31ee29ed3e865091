"""The API, version 1 (contract: /api/v1/, /api/v1/openapi.json, /api/v1/docs)."""

from __future__ import annotations

from editorial.api import articles, sources
from editorial.api.problems import install_handlers
from editorial.api.spec import ProblemJsonAPI

api = ProblemJsonAPI(
    title="Imprimatur API",
    version="1",
    description=(
        "Drafts in, review status and approved content out. Authenticate with "
        "`Authorization: Bearer <key>` (an editor creates the client in the admin). Board "
        "decisions are not here: a signature needs the reviewer's re-authentication."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_handlers(api)
api.add_router("", articles.router)
api.add_router("", sources.router)
