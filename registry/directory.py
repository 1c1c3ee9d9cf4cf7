"""Paged listings for officers and inspectors (agencies, brokers) and the registry's change history.

Single-record answers (status on a date, event history) live in `registry.queries`; this
module only pages through rows, so a screen never loads the whole registry.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from registry.errors import NotFoundError, ValidationError
from registry.tables import Agency, AuditLog, Broker, Contract, Licence, SubLicence

MAX_PAGE = 500


def _page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise ValidationError(f"limit is 1 to {MAX_PAGE} and offset is not negative")


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def list_agencies(*, name: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """`name` is a plain substring filter (case-insensitive); fuzzy matching is `lookup`'s job."""
    _page(limit, offset)
    query = Agency.select(Agency.id, Agency.name_en, Agency.name_km, Agency.province)
    if name:
        query = query.where(Agency.name_en.ilike(f"%{name}%") | Agency.name_km.ilike(f"%{name}%"))
    agencies = await query.order_by(Agency.id).limit(limit).offset(offset)
    ids = [row["id"] for row in agencies]
    licences = await Licence.select(Licence.agency, Licence.number).where(Licence.agency.is_in(ids)) if ids else []
    numbers: dict[int, list[str]] = {}
    for row in licences:
        numbers.setdefault(row["agency"], []).append(row["number"])
    return [{**row, "licences": numbers.get(row["id"], [])} for row in agencies]


async def get_agency(agency_id: int) -> dict[str, Any]:
    row = await Agency.select().where(Agency.id == agency_id).first()
    if row is None:
        raise NotFoundError(f"no agency with id {agency_id}")
    licences = await Licence.select(Licence.number).where(Licence.agency == agency_id).order_by(Licence.id)
    return {**row, "officers": _json(row["officers"]) or [], "licences": [r["number"] for r in licences]}


async def get_broker(broker_id: int) -> dict[str, Any]:
    """The broker with the numbers of their sub-licences; the national ID is not returned."""
    row = await Broker.select(
        Broker.id, Broker.name_en, Broker.name_km, Broker.sex, Broker.province, Broker.district, Broker.phone,
    ).where(Broker.id == broker_id).first()
    if row is None:
        raise NotFoundError(f"no broker with id {broker_id}")
    subs = await SubLicence.select(SubLicence.number, SubLicence.licence.number.as_alias("agency")).where(
        SubLicence.broker == broker_id).order_by(SubLicence.id)
    return {**row, "sub_licences": subs}


async def change_history(
    *, entity: str | None = None, key: str | None = None, since: dt.datetime | None = None,
    limit: int = 100, offset: int = 0,
) -> list[dict[str, Any]]:
    """Who changed what and when, newest first (the audit log, read-only)."""
    _page(limit, offset)
    query = AuditLog.select(
        AuditLog.id, AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.entity, AuditLog.entity_key,
        AuditLog.before, AuditLog.after,
    )
    if entity:
        query = query.where(AuditLog.entity == entity)
    if key:
        query = query.where(AuditLog.entity_key == key)
    if since is not None:
        query = query.where(AuditLog.at > since)
    rows = await query.order_by(AuditLog.id, ascending=False).limit(limit).offset(offset)
    return [{**row, "before": _json(row["before"]), "after": _json(row["after"])} for row in rows]


async def list_contracts(*, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    _page(limit, offset)
    return await Contract.select(*_CONTRACT_COLUMNS).order_by(Contract.id, ascending=False).limit(limit).offset(offset)


async def get_contract(contract_id: int) -> dict[str, Any]:
    """The stored contract (extracted terms, never the worker's passport number)."""
    row = await Contract.select(*_CONTRACT_COLUMNS, Contract.terms).where(Contract.id == contract_id).first()
    if row is None:
        raise NotFoundError(f"no contract with id {contract_id}")
    return {**row, "terms": _json(row["terms"]) or {}}


_CONTRACT_COLUMNS = (
    Contract.id, Contract.sha256, Contract.file_name, Contract.pages, Contract.status, Contract.language,
    Contract.signing_date, Contract.ingested_at, Contract.licence.number.as_alias("licence_number"),
    Contract.sub_licence.number.as_alias("sub_licence_number"),
)


async def find_contract_id(sha256: str) -> int | None:
    row = await Contract.select(Contract.id).where(Contract.sha256 == sha256).first()
    return None if row is None else row["id"]
