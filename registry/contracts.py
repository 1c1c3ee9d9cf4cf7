"""Storing checked contracts and raising their findings as flags, in one transaction.

The contract is keyed by the sha256 of its bytes (the same file twice is one contract). Worker
identity is not stored: the passport number only as a keyed hash (inside `Terms`), and the
contract text not at all — only the extracted terms and the quoted evidence of findings.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from piccolo.utils.encoding import dump_json, load_json

from registry import point_reads
from registry.db import current_engine, is_sqlite
from registry.numbers import number_norm
from registry.tables import Contract, Flag
from registry.writes import statement, transaction_connection, write_transaction

INGEST_ACTOR_NOTE = "raised by contract ingest"


@dataclass(frozen=True)
class FindingRecord:
    """A finding as stored: plain data, so this module does not depend on compliance_rules."""

    rule: str
    severity: str
    title: str
    explanation: str
    evidence: list[dict[str, Any]]


@asynccontextmanager
async def reads_together() -> AsyncIterator[None]:
    """Run the reads inside on one connection. On PostgreSQL that is a transaction: outside one
    Piccolo (and `point_reads` without a pool) opens a connection per query. On SQLite the point
    reads below already share the process's kept connection, and a transaction would open one
    more, with a thread of its own: more CPU than the queries themselves."""
    if is_sqlite(current_engine()):
        yield
        return
    async with current_engine().transaction():
        yield


async def find_contract(sha256: str) -> dict[str, Any] | None:
    return await Contract.select().where(Contract.sha256 == sha256).first().output(load_json=True)


async def contract_id(sha256: str) -> int | None:
    """The stored contract's id: ingest asks this for every document and rarely needs the row."""
    found = await point_reads.rows('SELECT id FROM "contract" WHERE sha256 = {}', sha256)
    return found[0][0] if found else None


async def flags_of_contract(contract_id: int) -> list[dict[str, Any]]:
    return await Flag.select().where(Flag.contract == contract_id).order_by(Flag.id).output(load_json=True)


async def contracts_with_passport(passport_hash: str, *, exclude_sha256: str) -> list[dict[str, Any]]:
    """`{"sha256", "terms"}` of the worker's other contracts (a point read: one per document)."""
    found = await point_reads.rows(
        'SELECT sha256, terms FROM "contract" WHERE passport_hash = {} AND sha256 <> {}',
        passport_hash, exclude_sha256,
    )
    return [{"sha256": sha256, "terms": _json_value(terms)} for sha256, terms in found]


def _json_value(stored: Any) -> Any:
    """A JSON column as read by the driver (text on both engines without a codec)."""
    return load_json(stored) if isinstance(stored, (str, bytes)) else stored


async def store_checked_contract(
    *,
    sha256: str,
    file_name: str,
    pages: int,
    language: str,
    signing_date: dt.date | None,
    licence_number: str | None,
    sub_licence_number: str | None,
    passport_hash: str | None,
    terms: dict[str, Any],
    findings: list[FindingRecord],
    related_findings: dict[str, list[FindingRecord]],
    actor: str,
) -> int:
    """Insert the contract, a flag per finding, and the flags that this contract raises on
    earlier contracts (`related_findings`: sha256 -> findings, e.g. FRD001 on the partner).
    All or nothing: the caller sees either everything stored or nothing.

    Plain SQL through the transaction's connection: building Piccolo queries for the half
    dozen statements of a document cost more CPU than running them."""
    async with write_transaction():
        licence_id, sub_licence_id = await _registry_ids(licence_number, sub_licence_number)
        new_id = await _insert_one("contract", {
            "sha256": sha256, "file_name": file_name, "pages": pages, "status": "checked",
            "language": language, "signing_date": signing_date, "licence": licence_id,
            "sub_licence": sub_licence_id, "passport_hash": passport_hash, "terms": dump_json(terms),
            "ingested_at": _now(),
        })
        await _raise_flags(new_id, licence_id, sub_licence_id, findings, actor)
        for other_sha, other_findings in related_findings.items():
            other = await point_reads.rows(
                'SELECT id, licence, sub_licence FROM "contract" WHERE sha256 = {}', other_sha
            )
            if other:
                await _raise_flags(*other[0], other_findings, actor)
        return new_id


async def _registry_ids(licence_number: str | None, sub_licence_number: str | None) -> tuple[int | None, int | None]:
    """Ids of the licence and sub-licence with these numbers (in any printed form), in one query."""
    if not licence_number and not sub_licence_number:
        return None, None
    found = await point_reads.rows(
        'SELECT (SELECT id FROM "licence" WHERE number_norm = {} LIMIT 1), '
        '(SELECT id FROM "sub_licence" WHERE number_norm = {} LIMIT 1)',
        number_norm(licence_number) if licence_number else None,
        number_norm(sub_licence_number) if sub_licence_number else None,
    )
    return found[0][0], found[0][1]


async def _raise_flags(
    contract_id: int,
    licence_id: int | None,
    sub_licence_id: int | None,
    findings: list[FindingRecord],
    actor: str,
) -> None:
    """The flags in one statement and their `raised` events in another (two statements per
    document instead of two per finding). The events differ only in their flag, so which id
    came back for which row does not matter."""
    if not findings:
        return
    now = _now()
    rows = [
        (contract_id, f.rule, f.severity, f.title, f.explanation, dump_json(f.evidence),
         licence_id, sub_licence_id, "open", "", now, 0)
        for f in findings
    ]
    if _insert_returns_ids():
        flag_ids = [found[0] for found in await statement(
            _insert_sql("flag", _FLAG_COLUMNS, len(rows)) + " RETURNING id",
            *(value for row in rows for value in row),
        )]
    else:
        flag_ids = [await _insert_one("flag", dict(zip(_FLAG_COLUMNS, row))) for row in rows]
    events = [(flag_id, "raised", "", "open", INGEST_ACTOR_NOTE, actor, now) for flag_id in flag_ids]
    await statement(
        _insert_sql("flag_event", _EVENT_COLUMNS, len(events)), *(value for row in events for value in row)
    )


_FLAG_COLUMNS = ("contract", "rule", "severity", "title", "explanation", "evidence", "licence",
                 "sub_licence", "status", "assignee", "created_at", "version")
_EVENT_COLUMNS = ("flag", "action", "from_status", "to_status", "note", "actor", "at")


def _insert_sql(table: str, columns: tuple[str, ...], count: int) -> str:
    """`INSERT` of `count` rows with `{}` placeholders (see `registry.writes.statement`)."""
    row = "(" + ", ".join("{}" for _ in columns) + ")"
    column_list = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({column_list}) VALUES ' + ", ".join(row for _ in range(count))


async def _insert_one(table: str, values: dict[str, Any]) -> int:
    """Insert a row in the current transaction and return its id (SQLite before 3.35 has no
    RETURNING; its cursor knows the row id)."""
    sql = _insert_sql(table, tuple(values), 1)
    if _insert_returns_ids():
        return (await statement(sql + " RETURNING id", *values.values()))[0][0]
    cursor = await transaction_connection().execute(sql.replace("{}", "?"), tuple(values.values()))
    return cursor.lastrowid


def _now() -> dt.datetime:
    """The default Piccolo gives `Timestamptz` columns (TimestamptzNow)."""
    return dt.datetime.now(tz=dt.timezone.utc)


def _insert_returns_ids() -> bool:
    """`INSERT ... RETURNING` works on PostgreSQL and on SQLite from 3.35."""
    engine = current_engine()
    return not is_sqlite(engine) or engine.get_version_sync() >= 3.35


async def rules_by_contract() -> dict[str, set[str]]:
    """sha256 -> rule IDs of the flags raised on that contract (any status)."""
    rows = await Flag.select(Flag.contract.sha256, Flag.rule)
    out: dict[str, set[str]] = {}
    for row in rows:
        out.setdefault(row["contract.sha256"], set()).add(row["rule"])
    return out
