"""Append-only, hash-chained audit log.

Each entry's `entry_hash` is SHA-256 over a canonical JSON of its content plus the previous
entry's hash, so editing, deleting or reordering any entry breaks every later link, and
`verify()` names the first broken one. Appends happen inside the caller's transaction (the
change and its audit entry commit together); on PostgreSQL an advisory lock serialises
appenders so two sessions never chain onto the same predecessor.

Known limit: deleting the newest entries leaves a shorter but valid chain; anchor the latest
hash elsewhere (e.g. a signed export) to detect truncation.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from registry.tables import AuditLog
from registry.writes import advisory_lock, bulk_insert, fetch, write_transaction

AUDIT_LOCK_KEY = 0x6661_6972_6175  # "fairau": one advisory lock for the whole chain
VERIFY_BATCH = 5000
COLUMNS = ("at", "actor", "action", "entity", "entity_key", "before", "after", "prev_hash", "entry_hash")


@dataclass(frozen=True)
class AuditRecord:
    """What changed, by whom; `before`/`after` hold the relevant state (JSON-compatible)."""

    actor: str
    action: str
    entity: str
    entity_key: str
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    why: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "broken_id": self.broken_id, "why": self.why}


def _plain(value: Any) -> Any:
    """JSON-compatible copy (dates as ISO text) so the hash is over exactly what is stored."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=_iso))


def _iso(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable in an audit entry: {type(value).__name__}")


def _timestamp(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def entry_hash(prev_hash: str, at: dt.datetime, record: AuditRecord) -> str:
    canonical = json.dumps(
        {
            "prev_hash": prev_hash,
            "at": _timestamp(at),
            "actor": record.actor,
            "action": record.action,
            "entity": record.entity,
            "entity_key": record.entity_key,
            "before": record.before,
            "after": record.after,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


async def _last_hash() -> str:
    rows = await fetch('SELECT entry_hash FROM "audit_log" ORDER BY id DESC LIMIT 1')
    return rows[0]["entry_hash"] if rows else ""


async def append_many(records: Sequence[AuditRecord]) -> list[str]:
    """Chain and insert entries in the current (or a new) transaction; returns their hashes."""
    if not records:
        return []
    async with write_transaction():
        await advisory_lock(AUDIT_LOCK_KEY)
        prev = await _last_hash()
        at = dt.datetime.now(dt.timezone.utc)
        rows, hashes = [], []
        for record in records:
            clean = AuditRecord(
                record.actor, record.action, record.entity, record.entity_key,
                _plain(record.before), _plain(record.after),
            )
            digest = entry_hash(prev, at, clean)
            rows.append((
                at, clean.actor, clean.action, clean.entity, clean.entity_key,
                json.dumps(clean.before, ensure_ascii=False), json.dumps(clean.after, ensure_ascii=False),
                prev, digest,
            ))
            hashes.append(digest)
            prev = digest
        await bulk_insert(AuditLog, COLUMNS, rows)
    return hashes


async def append(record: AuditRecord) -> str:
    return (await append_many([record]))[0]


def _as_dict(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def verify() -> VerifyResult:
    """Walk the chain in id order and return the first entry whose link or content is wrong."""
    prev, checked, last_id = "", 0, 0
    while True:
        rows = await fetch(
            'SELECT id, at, actor, action, entity, entity_key, before, after, prev_hash, entry_hash '
            'FROM "audit_log" WHERE id > {} ORDER BY id LIMIT ' + str(VERIFY_BATCH),
            last_id,
        )
        if not rows:
            return VerifyResult(ok=True, checked=checked)
        for row in rows:
            if row["prev_hash"] != prev:
                return VerifyResult(False, checked, row["id"], "prev_hash does not match the previous entry's hash (an entry was removed, reordered or changed)")
            record = AuditRecord(
                row["actor"], row["action"], row["entity"], row["entity_key"],
                _as_dict(row["before"]), _as_dict(row["after"]),
            )
            if entry_hash(prev, _parse_at(row["at"]), record) != row["entry_hash"]:
                return VerifyResult(False, checked, row["id"], "entry content does not match its hash (the entry was edited)")
            prev = row["entry_hash"]
            checked += 1
            last_id = row["id"]


def _parse_at(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
