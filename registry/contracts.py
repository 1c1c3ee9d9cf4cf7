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

from registry.db import current_engine, is_sqlite
from registry.numbers import number_norm
from registry.tables import Contract, Flag, FlagEvent, Licence, SubLicence
from registry.writes import write_transaction

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
    """Run the reads inside on one connection. Outside a transaction Piccolo opens a connection
    for every query (on SQLite, with a thread of its own): more CPU than the query itself."""
    async with current_engine().transaction():
        yield


async def find_contract(sha256: str) -> dict[str, Any] | None:
    return await Contract.select().where(Contract.sha256 == sha256).first().output(load_json=True)


async def flags_of_contract(contract_id: int) -> list[dict[str, Any]]:
    return await Flag.select().where(Flag.contract == contract_id).order_by(Flag.id).output(load_json=True)


async def contracts_with_passport(passport_hash: str, *, exclude_sha256: str) -> list[dict[str, Any]]:
    return await Contract.select(Contract.sha256, Contract.terms).where(
        (Contract.passport_hash == passport_hash) & (Contract.sha256 != exclude_sha256)
    ).output(load_json=True)


async def _id_by_number(table, number: str | None) -> int | None:
    if not number:
        return None
    row = await table.select(table.id).where(table.number_norm == number_norm(number)).first()
    return None if row is None else row["id"]


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
    All or nothing: the caller sees either everything stored or nothing."""
    async with write_transaction():
        licence_id = await _id_by_number(Licence, licence_number)
        sub_licence_id = await _id_by_number(SubLicence, sub_licence_number)
        contract = Contract(
            sha256=sha256,
            file_name=file_name,
            pages=pages,
            status="checked",
            language=language,
            signing_date=signing_date,
            licence=licence_id,
            sub_licence=sub_licence_id,
            passport_hash=passport_hash,
            terms=terms,
        )
        await contract.save()
        await _raise_flags(contract.id, licence_id, sub_licence_id, findings, actor)
        for other_sha, other_findings in related_findings.items():
            other = await Contract.select(
                Contract.id, Contract.licence, Contract.sub_licence
            ).where(Contract.sha256 == other_sha).first()
            if other is not None:
                await _raise_flags(
                    other["id"], other["licence"], other["sub_licence"], other_findings, actor
                )
        return contract.id


async def _raise_flags(
    contract_id: int,
    licence_id: int | None,
    sub_licence_id: int | None,
    findings: list[FindingRecord],
    actor: str,
) -> None:
    """The flags in one statement and their `raised` events in another (two statements per
    document instead of two per finding)."""
    if not findings:
        return
    flags = [
        Flag(
            contract=contract_id,
            rule=finding.rule,
            severity=finding.severity,
            title=finding.title,
            explanation=finding.explanation,
            evidence=finding.evidence,
            licence=licence_id,
            sub_licence=sub_licence_id,
            status="open",
        )
        for finding in findings
    ]
    if _insert_returns_ids():
        await Flag.insert(*flags).returning(Flag.id)  # the ids land on the instances
    else:
        for flag in flags:
            await flag.save()
    await FlagEvent.insert(*(
        FlagEvent(flag=flag.id, action="raised", to_status="open", actor=actor, note=INGEST_ACTOR_NOTE)
        for flag in flags
    ))


def _insert_returns_ids() -> bool:
    """A multi-row insert gives back every row's id (RETURNING) on PostgreSQL and on SQLite from
    3.35; an older SQLite reports only the last one."""
    engine = current_engine()
    return not is_sqlite(engine) or engine.get_version_sync() >= 3.35


async def rules_by_contract() -> dict[str, set[str]]:
    """sha256 -> rule IDs of the flags raised on that contract (any status)."""
    rows = await Flag.select(Flag.contract.sha256, Flag.rule)
    out: dict[str, set[str]] = {}
    for row in rows:
        out.setdefault(row["contract.sha256"], set()).add(row["rule"])
    return out
