"""The one error map: every domain error and every HTTP error becomes RFC 9457 problem details.

Handlers never catch domain errors themselves; they let them rise to here, so the same input
mistake gets the same status and `type` everywhere. Unexpected exceptions become a 500 that
says nothing about internals (the traceback goes to the log only).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from asyncpg.exceptions import DataError
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from registry import errors

log = logging.getLogger("fairrecruit.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"


@dataclass(frozen=True, slots=True)
class ProblemType:
    status: int
    slug: str
    title: str


ERROR_MAP: dict[type[errors.FairrecruitError], ProblemType] = {
    errors.NotFoundError: ProblemType(404, "not-found", "Not found"),
    errors.InvalidTransitionError: ProblemType(409, "invalid-transition", "Action not allowed in the current state"),
    errors.ConflictError: ProblemType(409, "conflict", "Conflict"),
    errors.ValidationError: ProblemType(422, "invalid-input", "Invalid input"),
    errors.ImportRejectedError: ProblemType(422, "import-rejected", "File rejected"),
    errors.CheckFailedError: ProblemType(500, "check-failed", "The contract could not be checked"),
}
FALLBACK = ProblemType(400, "bad-request", "Bad request")


def problem_for(exc: errors.FairrecruitError) -> ProblemType:
    for cls in type(exc).__mro__:
        if cls in ERROR_MAP:
            return ERROR_MAP[cls]
    return FALLBACK


def _wants_html(request: Request) -> bool:
    """Pages (not /api/...) asked for by a browser get the same problem as an HTML page."""
    path = request.url.path
    return not path.startswith(("/api/", "/schema", "/.well-known/")) and "text/html" in request.headers.get("accept", "")


def problem_response(status: int, type_: str, title: str, detail: str, request: Request, **extra: Any) -> Response:
    body = {"type": type_, "title": title, "status": status, "detail": detail, "instance": request.url.path, **extra}
    if _wants_html(request):
        from litestar.response import Template

        from api.pages.i18n import context, language

        page = context(language(request.query_params.get("lang")), request.url.path, {})
        return Template("error.html", context={**page, "problem": body}, status_code=status)
    return Response(content=body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def domain_error_handler(request: Request, exc: errors.FairrecruitError) -> Response:
    problem = problem_for(exc)
    extra: dict[str, Any] = {}
    if isinstance(exc, errors.ImportRejectedError):
        extra["problems"] = [p.as_dict() for p in exc.problems]
    return problem_response(problem.status, PROBLEM_BASE + problem.slug, problem.title, str(exc), request, **extra)


def http_error_handler(request: Request, exc: HTTPException) -> Response:
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationException) and exc.extra:
        extra["errors"] = exc.extra
    response = problem_response(exc.status_code, "about:blank", _title(exc.status_code), str(exc.detail), request, **extra)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def out_of_range_handler(request: Request, exc: Exception) -> Response:
    """A number in the request no column can hold (an id of 2**70): the database driver refuses
    to encode it (SQLite: OverflowError; asyncpg: DataError). That is bad input, not a fault."""
    log.info("out-of-range value on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(422, PROBLEM_BASE + "invalid-input", "Invalid input",
                            "a number in the request is out of range", request)


def internal_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(
        HTTP_500_INTERNAL_SERVER_ERROR, "about:blank", "Internal server error",
        "the server failed to answer; the error was logged", request,
    )


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


EXCEPTION_HANDLERS = {
    errors.FairrecruitError: domain_error_handler,
    HTTPException: http_error_handler,
    OverflowError: out_of_range_handler,
    DataError: out_of_range_handler,
    Exception: internal_error_handler,
}
