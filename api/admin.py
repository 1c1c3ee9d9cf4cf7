"""Piccolo Admin at /admin for the registry tables, behind Piccolo's own session login.

Every create, edit and delete made there is written to the audit log (`registry.audit`) by a
pre-hook, with the admin user's name as the actor. Known limit: Piccolo offers hooks only
before the write, so an edit that the database then refuses still leaves its audit entry
("requested" in the action name says so).
"""
from __future__ import annotations

from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo.table import Table
from piccolo_admin.endpoints import TableConfig, create_admin
from piccolo_api.crud.hooks import Hook, HookType

from registry import audit
from registry.audit import AuditRecord
from registry.errors import ConflictError, ValidationError
from registry.tables import Agency, Broker, Inspection, Licence, LicenceEvent, SubLicence, SubLicenceEvent

ADMIN_TABLES: tuple[type[Table], ...] = (
    Agency, Licence, LicenceEvent, Broker, SubLicence, SubLicenceEvent, Inspection,
)
"""Registry tables an officer may correct by hand. Not here: the audit log (append-only), API
users (tokens are made by `fairrecruit users`), contracts and flags (their own workflows)."""


def _actor(request: Any) -> str:
    user = getattr(request, "user", None)
    name = getattr(getattr(user, "user", None), "username", None) or getattr(user, "display_name", "")
    return f"admin:{name or 'unknown'}"


def _plain(values: dict) -> dict:
    return {str(getattr(key, "_meta", None) and key._meta.name or key): value for key, value in values.items()}


def _hooks(table: type[Table]) -> list[Hook]:
    entity = table._meta.tablename

    async def on_save(row: Table, request: Any) -> Table:
        await audit.append(AuditRecord(_actor(request), f"admin.create_requested.{entity}", entity, "new",
                                       {}, _plain(row.to_dict())))
        return row

    async def on_patch(row_id: Any, values: dict, request: Any) -> dict:
        before = await table.select().where(table._meta.primary_key == row_id).first() or {}
        changed = _plain(values)
        await audit.append(AuditRecord(_actor(request), f"admin.update_requested.{entity}", entity, str(row_id),
                                       {k: before.get(k) for k in changed}, changed))
        return values

    async def on_delete(row_id: Any, request: Any) -> None:
        before = await table.select().where(table._meta.primary_key == row_id).first() or {}
        await audit.append(AuditRecord(_actor(request), f"admin.delete_requested.{entity}", entity, str(row_id),
                                       before, {}))

    return [
        Hook(HookType.pre_save, on_save),
        Hook(HookType.pre_patch, on_patch),
        Hook(HookType.pre_delete, on_delete),
    ]


def admin_asgi_app(*, production: bool) -> Any:
    configs = [TableConfig(table, hooks=_hooks(table)) for table in ADMIN_TABLES]
    return create_admin(configs, site_name="fairrecruit registry", production=production,
                        auto_include_related=False)


async def create_admin_login(username: str, password: str, *, actor: str) -> None:
    """A Piccolo Admin login (separate from API tokens): active, admin and superuser."""
    if await BaseUser.exists().where(BaseUser.username == username):
        raise ConflictError(f"an admin login named {username!r} already exists")
    try:
        await BaseUser.create_user(username=username, password=password, email=f"{username}@localhost",
                                   active=True, admin=True, superuser=True)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    await audit.append(AuditRecord(actor, "admin_login.create", "admin_login", username, {}, {"superuser": True}))
