"""Errors as RFC 9457 problem details (application/problem+json), each naming the field when
one is at fault: the API never answers a client's mistake with a 500 or an HTML page."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

CONTENT_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request body too large",
    422: "Unprocessable content",
    428: "Precondition required",
    429: "Too many requests",
}


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []
    problems: list[str] = []


class ApiProblem(Exception):
    """Raise to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: Iterable[tuple[str, str]] = (),
        problems: Iterable[str] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)
        self.problems = list(problems)
        self.headers = dict(headers or {})


def problem_response(exc: ApiProblem) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(exc.status, "Error"),
        "status": exc.status,
        "detail": exc.detail,
        "errors": [{"field": f, "message": m} for f, m in exc.errors],
        "problems": exc.problems,
    }
    response = HttpResponse(json.dumps(body), status=exc.status, content_type=CONTENT_TYPE)
    for name, value in exc.headers.items():
        response[name] = value
    return response


def field_errors(exc: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    """A Django ValidationError as (field path, sentence) pairs under `prefix`."""
    if hasattr(exc, "error_dict"):
        pairs = []
        for name, errors in exc.message_dict.items():
            path = name if name != "__all__" else ""
            full = ".".join(p for p in (prefix, path) if p)
            pairs += [(full, message) for message in errors]
        return pairs
    return [(prefix, message) for message in exc.messages]


def validation_problem(exc: ValidationError, prefix: str = "", status: int = 422) -> ApiProblem:
    errors = field_errors(exc, prefix)
    fields = ", ".join(dict.fromkeys(f for f, _ in errors if f))
    detail = "Nothing was saved: " + " ".join(m for _, m in errors)
    return ApiProblem(status, detail + (f" ({fields})" if fields else ""), errors=errors)


def _schema_errors(exc: SchemaError) -> ApiProblem:
    errors = []
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "header"):
            loc = loc[1:]
        if loc and loc[0] == "payload":  # the body parameter's own name
            loc = loc[1:]
        errors.append((".".join(loc), error.get("msg", "Invalid value.")))
    names = ", ".join(dict.fromkeys(f or "body" for f, _ in errors))
    return ApiProblem(422, f"The request is not valid: {names}.", errors=errors)


def install_handlers(api) -> None:
    """Every error the API can meet, as a problem document."""

    def handle(exc_type, make) -> None:
        api.add_exception_handler(
            exc_type, lambda request, exc: problem_response(make(request, exc))
        )

    handle(ApiProblem, lambda r, e: e)
    handle(SchemaError, lambda r, e: _schema_errors(e))
    handle(
        AuthenticationError,
        lambda r, e: ApiProblem(
            401,
            "Send a valid API key: Authorization: Bearer <key>.",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        ),
    )
    handle(HttpError, lambda r, e: ApiProblem(e.status_code, str(e)))
    handle(Http404, lambda r, e: ApiProblem(404, str(e) or "Not found."))
    handle(PermissionDenied, lambda r, e: ApiProblem(403, str(e) or "Not allowed."))
    handle(ValidationError, lambda r, e: validation_problem(e))
