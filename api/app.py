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
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.template import TemplateConfig
from litestar.types import Receive, Scope, Send

from api.auth import OWN_LOGIN_OPT, PUBLIC, route_access
from api.errors import EXCEPTION_HANDLERS
from api.signing import Signer
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


def _is_public(request) -> bool:
    return bool(request.route_handler.opt.get("public"))


def _is_login(request) -> bool:
    return bool(request.route_handler.opt.get("login"))


def _admin_mount(production: bool):
    from api.admin import admin_asgi_app

    admin = admin_asgi_app(production=production)

    # Not PUBLIC: its single-page app makes many requests, and its login has its own limiter.
    @asgi("/admin", is_mount=True, copy_scope=True, opt={OWN_LOGIN_OPT: True})
    async def admin_app(scope: Scope, receive: Receive, send: Send) -> None:
        await admin(scope, receive, send)

    return admin_app


def create_app(*, limits: Limits | None = None, key_dir: Path | None = None, debug: bool = False,
               with_admin: bool = True, secure_cookies: bool = False) -> Litestar:
    """`secure_cookies`: mark Piccolo Admin's session cookie Secure (serve over HTTPS only)."""
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
        handlers.append(_admin_mount(production=secure_cookies))
    public_limit = RateLimitConfig(rate_limit=limits.public_rate, check_throttle_handler=_is_public,
                                   store="public_rate_limit")
    login_limit = RateLimitConfig(rate_limit=limits.login_rate, check_throttle_handler=_is_login,
                                  store="login_rate_limit")
    app = Litestar(
        route_handlers=handlers,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[public_limit.middleware, login_limit.middleware],
        on_startup=[ensure_schema],
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
    return create_app(secure_cookies=bool(os.environ.get("FAIRRECRUIT_SECURE_COOKIES")))
