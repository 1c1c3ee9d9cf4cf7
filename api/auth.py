"""Who is asking, and may they: tokens from a header or the inspector-page cookie, and guards.

Every route declares its roles with `allow(...)` (or `PUBLIC`), and `api.app` refuses to build
an app with a route that declares neither, so no route can be left open by omission. Admin
may do everything; the role matrix test holds every route to its declaration.
"""
from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from registry.users import AuthenticatedUser, authenticate

TOKEN_COOKIE = "fairrecruit_token"
ROLES_OPT = "roles"
PUBLIC_OPT = "public"
PUBLIC = {PUBLIC_OPT: True}
OWN_LOGIN_OPT = "own_login"
"""Mounted apps with their own authentication (Piccolo Admin)."""

Guard = Callable[[ASGIConnection, BaseRouteHandler], Coroutine[Any, Any, None]]


def bearer_token(connection: ASGIConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return connection.cookies.get(TOKEN_COOKIE) or None


async def current_user(connection: ASGIConnection) -> AuthenticatedUser | None:
    """Authenticate once per request; the result is cached on the connection's state."""
    if "user" not in connection.state:
        token = bearer_token(connection)
        connection.state["user"] = await authenticate(token) if token else None
    return connection.state["user"]


async def role_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    roles: frozenset[str] = handler.opt.get(ROLES_OPT, frozenset())
    user = await current_user(connection)
    if user is None:
        raise NotAuthorizedException(
            "sign in: send 'Authorization: Bearer TOKEN' (a token from `fairrecruit users create`)",
            headers={"WWW-Authenticate": 'Bearer realm="fairrecruit"'},
        )
    if user.role != "admin" and user.role not in roles:
        raise PermissionDeniedException(f"the {user.role} role may not do this")


def allow(*roles: str) -> dict[str, Any]:
    """Handler keyword arguments for a route open to `roles` (and admin)."""
    return {"guards": [role_guard], "opt": {ROLES_OPT: frozenset(roles)}}


def route_access(handler: BaseRouteHandler) -> str | frozenset[str] | None:
    """'public', 'own_login', the roles a guarded route admits, or None when it declares none."""
    if handler.opt.get(PUBLIC_OPT):
        return "public"
    if handler.opt.get(OWN_LOGIN_OPT):
        return OWN_LOGIN_OPT
    if role_guard in (handler.guards or []) or any(role_guard in (layer.guards or []) for layer in handler.ownership_layers):
        return frozenset(handler.opt.get(ROLES_OPT, frozenset())) | {"admin"}
    return None
