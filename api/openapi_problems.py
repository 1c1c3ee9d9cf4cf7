"""The OpenAPI document states the errors the API really gives: RFC 9457 problem details
(`application/problem+json`, see `api.errors`) under every status an operation can answer.

Litestar documents only a 400 in its own error shape, which our error map never sends, so a
client generated from the schema (or schemathesis, tests/test_hostile_schema_fuzz.py) would
call every real error a contract violation. Which statuses apply follows from what the route
declares: guarded routes can refuse (401/403), public ones are rate-limited (429), routes with
a body have a size limit (413), writes can conflict (409).
"""
from __future__ import annotations

from litestar import Litestar
from litestar.openapi.spec import Components, OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Reference, Schema

from api.auth import route_access
from api.errors import PROBLEM_MEDIA_TYPE

PROBLEM = "Problem"
_METHODS = ("get", "put", "post", "delete", "patch")
_ALWAYS = {"400": "The request is malformed.", "404": "No such record (or a path value of the wrong type).",
           "422": "The input is well-formed but not acceptable."}
_GUARDED = {"401": "No valid token: sign in.", "403": "Your role may not do this."}
_PUBLIC = {"429": "Too many requests from this address; retry later."}
_BODY = {"413": "The request body is over its size limit."}
_WRITE = {"409": "The action conflicts with the record's current state."}


def _problem_schema() -> Schema:
    text = Schema(type=OpenAPIType.STRING)
    return Schema(
        type=OpenAPIType.OBJECT,
        required=["type", "title", "status", "detail", "instance"],
        properties={"type": text, "title": text, "status": Schema(type=OpenAPIType.INTEGER), "detail": text,
                    "instance": text},
        description="RFC 9457 problem details; `errors` (request validation) or `problems` (rejected imports) "
                    "may add detail.",
    )


def document_problems(app: Litestar) -> None:
    """Rewrite the error responses of every operation in `app`'s (cached) OpenAPI document."""
    handlers = {
        (route.path_format, method.lower()): handler
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        for method in getattr(handler, "http_methods", ())
    }
    openapi = app.openapi_schema
    openapi.components = openapi.components or Components()
    openapi.components.schemas = {**(openapi.components.schemas or {}), PROBLEM: _problem_schema()}
    content = {PROBLEM_MEDIA_TYPE: OpenAPIMediaType(schema=Reference(ref=f"#/components/schemas/{PROBLEM}"))}
    for path, item in (openapi.paths or {}).items():
        for method in _METHODS:
            operation = getattr(item, method, None)
            handler = handlers.get((path, method))
            if operation is None or handler is None:
                continue
            statuses = dict(_ALWAYS)
            statuses.update(_PUBLIC if route_access(handler) == "public" else _GUARDED)
            if operation.request_body is not None:
                statuses.update(_BODY)
            if method != "get":
                statuses.update(_WRITE)
            responses = {code: r for code, r in (operation.responses or {}).items() if not code.startswith("4")}
            for code, description in sorted(statuses.items()):
                responses[code] = OpenAPIResponse(description=description, content=content)
            operation.responses = responses
