"""The error answers every operation may give, written into the OpenAPI document so the contract is true.

FastAPI documents only an operation's success and, when it takes input, 422. The services also answer
400 (a body that cannot be read: not UTF-8), 401 (no or a bad token), 403 (a role that may not),
404 (a path id the caller may not know of) and 409 (a change that conflicts with the current state);
each answer is ``{"detail": "why"}`` or ``{"detail": [{"loc": [...], "msg": "why", "type": "..."}]}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

ERROR_ANSWER = "ErrorAnswer"
ERROR_SCHEMA: dict[str, Any] = {
    "title": ERROR_ANSWER,
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["loc", "msg", "type"],
                        "properties": {
                            "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                            "msg": {"type": "string"},
                            "type": {"type": "string"},
                        },
                    },
                },
            ]
        }
    },
}

BAD_BODY = "The body cannot be read (e.g. it is not UTF-8)"
UNAUTHENTICATED = "No bearer token, or one that is not valid"
FORBIDDEN = "Your role or organisation may not do this"
NOT_FOUND = "Nothing of that id that you may see"
CONFLICT = "The change conflicts with the current state (each conflict named)"
STATE_CHANGING = {"post", "put", "patch", "delete"}


def _add(operation: dict[str, Any], status: int, description: str) -> None:
    response = operation.setdefault("responses", {}).setdefault(str(status), {"description": description})
    response.setdefault("content", {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_ANSWER}"}}})


def add_error_answers(document: dict[str, Any], *, conflicts: bool) -> None:
    """Add the error answers to every operation of an OpenAPI ``document`` that can give them."""
    document.setdefault("components", {}).setdefault("schemas", {})[ERROR_ANSWER] = ERROR_SCHEMA
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            if "requestBody" in operation:
                _add(operation, 400, BAD_BODY)
            if operation.get("security"):
                _add(operation, 401, UNAUTHENTICATED)
                _add(operation, 403, FORBIDDEN)
            if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                _add(operation, 404, NOT_FOUND)
            if conflicts and method in STATE_CHANGING:
                _add(operation, 409, CONFLICT)


def document_errors(app: FastAPI, *, conflicts: bool = True) -> None:
    """Serve ``app``'s OpenAPI document with the error answers (``conflicts``: whether 409 is among them)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            add_error_answers(generate(), conflicts=conflicts)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]
