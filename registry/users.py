"""API users and their tokens.

A token is shown once, when it is made; only its SHA-256 is stored, so a copy of the database
does not let anyone in. Tokens are long random strings, so an unsalted hash is enough (there
is nothing to brute-force), and the stored hash is compared in constant time.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from registry import audit
from registry.audit import AuditRecord
from registry.errors import ConflictError, NotFoundError, ValidationError
from registry.tables import ROLES, ApiUser
from registry.writes import write_transaction


@dataclass(frozen=True, slots=True)
class AuthenticatedUser:
    name: str
    role: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user_dict(row: dict) -> dict:
    return {
        "name": row["name"],
        "role": row["role"],
        "active": row["active"],
        "expires_at": row["expires_at"],
        "created_at": row["created_at"],
    }


async def create_user(
    name: str, role: str, *, actor: str, expires_at: dt.datetime | None = None
) -> tuple[dict, str]:
    """Make a user and return (the user, the token). The token cannot be recovered later."""
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationError("a user name is 1 to 200 characters")
    if role not in ROLES:
        raise ValidationError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if expires_at is not None and expires_at.tzinfo is None:
        raise ValidationError("expires_at must carry a time zone")
    token = secrets.token_urlsafe(32)
    async with write_transaction():
        if await ApiUser.exists().where(ApiUser.name == name):
            raise ConflictError(f"a user named {name!r} already exists")
        await ApiUser(name=name, role=role, token_hash=token_hash(token), expires_at=expires_at).save()
        await _audit(actor, "user.create", name, {}, {"role": role, "expires_at": expires_at})
    created = await ApiUser.select().where(ApiUser.name == name).first()
    return _user_dict(created), token


async def revoke_user(name: str, *, actor: str) -> dict:
    """Refuse the user's token from now on; the row stays so the audit trail keeps its name."""
    row = await ApiUser.select().where(ApiUser.name == name).first()
    if row is None:
        raise NotFoundError(f"no user named {name!r}")
    async with write_transaction():
        await ApiUser.update({ApiUser.active: False}).where(ApiUser.name == name)
        await _audit(actor, "user.revoke", name, {"active": row["active"]}, {"active": False})
    return _user_dict({**row, "active": False})


async def list_users() -> list[dict]:
    rows = await ApiUser.select().order_by(ApiUser.name)
    return [_user_dict(row) for row in rows]


async def authenticate(token: str, *, now: dt.datetime | None = None) -> AuthenticatedUser | None:
    """The active, unexpired user holding `token`, or None."""
    if not token or len(token) > 200:
        return None
    digest = token_hash(token)
    row = await ApiUser.select(
        ApiUser.name, ApiUser.role, ApiUser.token_hash, ApiUser.active, ApiUser.expires_at
    ).where(ApiUser.token_hash == digest).first()
    if row is None or not hmac.compare_digest(row["token_hash"], digest):
        return None
    if not row["active"]:
        return None
    now = now or dt.datetime.now(dt.timezone.utc)
    expires_at = row["expires_at"]
    if expires_at is not None:
        if expires_at.tzinfo is None:  # SQLite hands back naive UTC
            expires_at = expires_at.replace(tzinfo=dt.timezone.utc)
        if expires_at <= now:
            return None
    return AuthenticatedUser(name=row["name"], role=row["role"])


async def _audit(actor: str, action: str, key: str, before: dict, after: dict) -> None:
    await audit.append(AuditRecord(actor, action, "api_user", key, before, after))
