"""The OpenAPI side: every error an operation can answer is documented as a problem document
(application/problem+json), so clients and the schema test know each response's shape."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from editorial.api.problems import CONTENT_TYPE, Problem


def errors(*codes: int) -> dict[int, type[Problem]]:
    return dict.fromkeys(codes, Problem)


class ProblemJsonAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document gives 4xx responses the problem+json media type."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(code).startswith("4") and "application/json" in content:
                        response["content"] = {CONTENT_TYPE: content["application/json"]}
        return schema
