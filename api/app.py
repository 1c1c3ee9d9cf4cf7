"""The web application: JSON API under /api/v1, worker and inspector pages, Piccolo Admin.

`create_app` refuses to build when any route declares neither roles nor `PUBLIC` (see
`api.auth`), so a forgotten guard is a start-up error, not an open door.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from litestar import Litestar, asgi
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.template import TemplateConfig
from litestar.types import Receive, Scope, Send

from api.auth import OWN_LOGIN_OPT, PUBLIC, route_access
from api.errors import EXCEPTION_HANDLERS
from api.openapi_problems import document_problems
from api.rate_limit import RouteRateLimits
from api.signing import Signer
from registry import change_feed
from registry.db import ensure_schema
from registry.settings import data_dir

PAGES = Path(__file__).parent / "pages"
JSON_BODY_LIMIT = 64 * 1024
"""Default ceiling for every request body; the contract upload route sets its own."""


@dataclass(frozen=True)
class Limits:
    public_rate: tuple[str, int] = ("minute", 60)
    """Requests per client address to public routes (lookup, verify, feed, pages)."""
    login_rate: tuple[str, int] = ("minute", 10)
    """Login attempts per client address on the inspector login form."""
    body_bytes: int = JSON_BODY_LIMIT

    @classmethod
    def from_env(cls) -> "Limits":
        """`FAIRRECRUIT_PUBLIC_RATE` / `FAIRRECRUIT_LOGIN_RATE` as `COUNT/UNIT` (unit: second,
        minute, hour, day), e.g. `100000/second` to lift the public limit for a load test."""
        import os

        def rate(name: str, default: tuple[str, int]) -> tuple[str, int]:
            raw = os.environ.get(name)
            if not raw:
                return default
            count, _, unit = raw.partition("/")
            if unit not in ("second", "minute", "hour", "day") or not count.isdigit() or int(count) < 1:
                raise ValueError(f"{name} must look like 60/minute, not {raw!r}")
            return (unit, int(count))

        return cls(public_rate=rate("FAIRRECRUIT_PUBLIC_RATE", cls.public_rate),
                   login_rate=rate("FAIRRECRUIT_LOGIN_RATE", cls.login_rate))


class _BodyLimit:
    """Runs a mounted ASGI app (which reads the raw stream, past Litestar's own body limit) so
    that a body over `limit` bytes, declared or streamed, gets a 413 problem instead: the app
    is told the client left, and whatever it answers is dropped."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = dict(scope.get("headers", [])).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.limit:
            raise self.too_large()
        seen, over = 0, False

        async def bounded_receive() -> dict:
            nonlocal seen, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                over = seen > self.limit
                if over:
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: dict) -> None:
            if not over:
                await send(message)

        try:
            await self.app(scope, bounded_receive, guarded_send)
        except Exception:  # noqa: BLE001 - the app's reaction to the cut-off body is not our answer
            if not over:
                raise
        if over:
            raise self.too_large()

    def too_large(self) -> HTTPException:
        return HTTPException(status_code=413, detail=f"the request body is over {self.limit} bytes")


def _admin_mount(production: bool, body_bytes: int):
    from api.admin import admin_asgi_app

    admin = _BodyLimit(admin_asgi_app(production=production), body_bytes)

    # Not PUBLIC: its single-page app makes many requests, and its login has its own limiter.
    @asgi("/admin", is_mount=True, copy_scope=True, opt={OWN_LOGIN_OPT: True})
    async def admin_app(scope: Scope, receive: Receive, send: Send) -> None:
        await admin(scope, receive, send)

    return admin_app


def create_app(*, limits: Limits | None = None, key_dir: Path | None = None, debug: bool = False,
               with_admin: bool = True, secure_cookies: bool = False, change_feed_hooks: bool = False) -> Litestar:
    """`secure_cookies`: mark Piccolo Admin's session cookie Secure (serve over HTTPS only).
    `change_feed_hooks`: a served process (not an in-test client) opens a PostgreSQL pool and
    listens for other processes' registry changes (`registry.change_feed`)."""
    from api.routes.contracts import ContractController
    from api.routes.flags import FlagController
    from api.routes.inspections import InspectionController
    from api.routes.inspector_pages import InspectorPages
    from api.routes.pages import WorkerPages, static_file
    from api.routes.registry import RegistryController
    from api.routes.public import PublicApiController, well_known_signing_key
    from api.routes.users import UserController

    limits = limits or Limits()
    handlers: list = [FlagController, UserController, PublicApiController, well_known_signing_key, WorkerPages,
                      RegistryController, ContractController, InspectorPages, InspectionController,
                      static_file]
    if with_admin:
        handlers.append(_admin_mount(production=secure_cookies, body_bytes=limits.body_bytes))
    app = Litestar(
        route_handlers=handlers,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[DefineMiddleware(RouteRateLimits, limits={"public": limits.public_rate, "login": limits.login_rate})],
        # PostgreSQL: a connection pool and a LISTEN task that keeps this process's lookup
        # index current with writes made by every other process (no-ops on SQLite).
        on_startup=[ensure_schema, *([change_feed.start_serving] if change_feed_hooks else [])],
        on_shutdown=[change_feed.stop_serving] if change_feed_hooks else [],
        openapi_config=OpenAPIConfig(
            title="fairrecruit", version="1", path="/schema",
            render_plugins=[SwaggerRenderPlugin(), ScalarRenderPlugin()],
        ),
        template_config=TemplateConfig(directory=PAGES / "templates", engine=JinjaTemplateEngine),
        state=State({"signer": Signer.from_data_dir(key_dir or data_dir())}),
        request_max_body_size=limits.body_bytes,
        debug=debug,
    )
    _refuse_undeclared_routes(app)
    document_problems(app)
    return app


def _refuse_undeclared_routes(app: Litestar) -> None:
    schema_paths = {"/schema"}
    for route in app.routes:
        handlers = getattr(route, "route_handlers", None) or [route.route_handler]
        for handler in handlers:
            if any(route.path.startswith(p) for p in schema_paths) or _is_automatic_options(handler):
                continue
            if route_access(handler) is None:
                raise RuntimeError(f"route {route.path} ({handler.handler_name}) declares no roles and is not PUBLIC")


def _is_automatic_options(handler) -> bool:
    """Litestar's generated OPTIONS answers list allowed methods and return no data."""
    return getattr(handler, "http_methods", None) == {"OPTIONS"}


def app_from_environment() -> Litestar:
    """uvicorn's factory (`serve`): settings from FAIRRECRUIT_* variables, in every worker."""
    import os

    from registry.db import engine_from_url, use_engine
    from registry.settings import database_url

    use_engine(engine_from_url(database_url()))
    return create_app(limits=Limits.from_env(), secure_cookies=bool(os.environ.get("FAIRRECRUIT_SECURE_COOKIES")),
                      change_feed_hooks=True)
