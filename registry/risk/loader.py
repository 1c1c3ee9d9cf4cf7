"""Load the facts the risk scorer needs, in a handful of queries.

Why only "relevant" licences and sub-licences: an entity with no flag, contract, inspection or
disciplinary event scores zero and never appears in a plan, and a national registry holds about a
million sub-licences. Loading the relevant ones keeps planning proportional to what happened.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from registry.risk.model import (
    ContractFact,
    EntityFact,
    FlagFact,
    InspectionFact,
    RiskInputs,
)
from registry.risk.weights import Weights
from registry.status import StatusEvent
from registry.tables import (
    Contract,
    Flag,
    FlagEvent,
    Inspection,
    Licence,
    LicenceEvent,
    SubLicence,
    SubLicenceEvent,
)

CHUNK = 500


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    ordered = sorted(set(ids))
    return [ordered[i:i + CHUNK] for i in range(0, len(ordered), CHUNK)]


async def _rows_in(query_for, ids: Iterable[int]) -> list[dict]:
    rows: list[dict] = []
    for chunk in _chunks(ids):
        rows.extend(await query_for(chunk))
    return rows


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _printed_agency_name(stored: object) -> str | None:
    """The agency name printed on a contract, from the stored terms JSON: the ingest envelope
    {"fields": {"agency_name": "..."}, "terms": {...}}, or a bare Terms dump
    {"agency_name": {"value": "...", "source": ...}}."""
    if not isinstance(stored, dict):
        return None
    fields = stored.get("fields")
    value = fields.get("agency_name") if isinstance(fields, dict) else None
    if value is None:
        terms = stored.get("terms") if isinstance(stored.get("terms"), dict) else stored
        value = terms.get("agency_name")
        if isinstance(value, dict):
            value = value.get("value")
    return value if isinstance(value, str) and value.strip() else None


async def load_inputs(
    as_of: dt.date,
    weights: Weights,
    *,
    licence_ids: Sequence[int] | None = None,
    sub_licence_ids: Sequence[int] | None = None,
) -> RiskInputs:
    """Everything needed to score the registry on `as_of`; restricted to the given licences and
    sub-licences when either list is given (scoring one entity)."""
    restricted = licence_ids is not None or sub_licence_ids is not None
    flags, contracts = await _load_flags_and_contracts()
    inspections = await _load_inspections()

    wanted_licences = set(licence_ids or ())
    wanted_subs = set(sub_licence_ids or ())
    if not restricted:
        wanted_licences |= {f.licence_id for f in flags if f.licence_id is not None}
        wanted_licences |= {c.licence_id for c in contracts.values() if c.licence_id is not None}
        wanted_licences |= {i.licence_id for i in inspections if i.licence_id is not None}
        wanted_subs |= {f.sub_licence_id for f in flags if f.sub_licence_id is not None}
        wanted_subs |= {c.sub_licence_id for c in contracts.values() if c.sub_licence_id is not None}
        wanted_subs |= {i.sub_licence_id for i in inspections if i.sub_licence_id is not None}
        wanted_licences |= await _ids_with_events(LicenceEvent, LicenceEvent.licence, weights.licence_history_points)
        wanted_subs |= await _ids_with_events(SubLicenceEvent, SubLicenceEvent.sub_licence, weights.sub_licence_history_points)

    else:
        # An agency's score looks at the sub-licences of the brokers named in its contracts.
        wanted_subs |= {
            c.sub_licence_id for c in contracts.values()
            if c.licence_id in wanted_licences and c.sub_licence_id is not None
        }
    brokers = await _load_brokers(wanted_subs)
    # A broker's status needs its agency's licence events even when the agency scores nothing.
    wanted_licences |= {b.parent_licence_id for b in brokers if b.parent_licence_id is not None}
    agencies = await _load_agencies(wanted_licences)
    if restricted:
        flags = [f for f in flags if f.licence_id in wanted_licences or f.sub_licence_id in wanted_subs]
        inspections = [i for i in inspections if i.licence_id in wanted_licences or i.sub_licence_id in wanted_subs]
    return RiskInputs(
        as_of=as_of,
        entities=[*agencies, *brokers],
        flags=flags,
        contracts=contracts,
        inspections=inspections,
    )


async def _ids_with_events(table, fk, points_for: dict) -> set[int]:
    if not points_for:
        return set()
    rows = await table.select(fk.as_alias("owner")).where(table.event.is_in(list(points_for))).distinct()
    return {row["owner"] for row in rows}


async def _load_flags_and_contracts() -> tuple[list[FlagFact], dict[int, ContractFact]]:
    """Dismissed flags are loaded only to know which rules a contract was already flagged for."""
    flag_rows = await Flag.select(
        Flag.id, Flag.contract, Flag.rule, Flag.severity, Flag.status, Flag.title,
        Flag.created_at, Flag.licence, Flag.sub_licence,
    ).order_by(Flag.id)
    closed_ids = [r["id"] for r in flag_rows if r["status"] == "closed"]
    confirmed = {
        row["flag"]
        for row in await _rows_in(
            lambda chunk: FlagEvent.select(FlagEvent.flag).where(
                FlagEvent.flag.is_in(chunk) & (FlagEvent.to_status == "confirmed")
            ),
            closed_ids,
        )
    }
    contract_rows = await Contract.select(
        Contract.id, Contract.sha256, Contract.file_name, Contract.signing_date,
        Contract.licence, Contract.sub_licence, Contract.passport_hash, Contract.ingested_at,
    )
    unresolved = [r["id"] for r in contract_rows if r["licence"] is None]
    printed = {
        row["id"]: _printed_agency_name(row["terms"])
        for row in await _rows_in(
            lambda chunk: Contract.select(Contract.id, Contract.terms).where(Contract.id.is_in(chunk)).output(load_json=True),
            unresolved,
        )
    }
    rules_by_contract: dict[int, set[str]] = defaultdict(set)
    for row in flag_rows:
        rules_by_contract[row["contract"]].add(row["rule"])
    contracts = {
        row["id"]: ContractFact(
            id=row["id"],
            sha256=row["sha256"],
            file_name=row["file_name"],
            signing_date=_as_date(row["signing_date"]) if row["signing_date"] else None,
            licence_id=row["licence"],
            sub_licence_id=row["sub_licence"],
            passport_hash=row["passport_hash"],
            ingested=_as_date(row["ingested_at"]),
            agency_name_printed=printed.get(row["id"]),
            flagged_rules=frozenset(rules_by_contract.get(row["id"], ())),
        )
        for row in contract_rows
    }
    flags = []
    for row in flag_rows:
        flags.append(FlagFact(
            id=row["id"],
            contract_id=row["contract"],
            rule=row["rule"],
            severity=row["severity"],
            status=row["status"],
            title=row["title"],
            day=_as_date(row["created_at"]),
            licence_id=row["licence"],
            sub_licence_id=row["sub_licence"],
            was_confirmed=row["id"] in confirmed,
        ))
    return flags, contracts


async def _load_inspections() -> list[InspectionFact]:
    rows = await Inspection.select().order_by(Inspection.date).order_by(Inspection.id)
    return [
        InspectionFact(
            id=row["id"], day=_as_date(row["date"]), inspector=row["inspector"],
            outcome=row["outcome"], notes=row["notes"],
            licence_id=row["licence"], sub_licence_id=row["sub_licence"],
        )
        for row in rows
    ]


def _event(row: dict) -> StatusEvent:
    return StatusEvent(
        event=row["event"],
        date=_as_date(row["date"]),
        valid_until=_as_date(row["valid_until"]) if row["valid_until"] else None,
    )


async def _load_agencies(ids: set[int]) -> list[EntityFact]:
    rows = await _rows_in(
        lambda chunk: Licence.select(
            Licence.id, Licence.number,
            Licence.agency.name_en.as_alias("name"),
            Licence.agency.name_km.as_alias("name_km"),
            Licence.agency.province.as_alias("province"),
        ).where(Licence.id.is_in(chunk)),
        ids,
    )
    events: dict[int, list[StatusEvent]] = defaultdict(list)
    for row in await _rows_in(
        lambda chunk: LicenceEvent.select(
            LicenceEvent.licence, LicenceEvent.event, LicenceEvent.date, LicenceEvent.valid_until
        ).where(LicenceEvent.licence.is_in(chunk)).order_by(LicenceEvent.date).order_by(LicenceEvent.id),
        ids,
    ):
        events[row["licence"]].append(_event(row))
    return [
        EntityFact(
            kind="agency", id=row["id"], number=row["number"], name=row["name"],
            name_km=row["name_km"] or "", province=row["province"] or "",
            events=tuple(sorted(events[row["id"]], key=lambda e: e.date)),
        )
        for row in sorted(rows, key=lambda r: r["id"])
    ]


async def _load_brokers(ids: set[int]) -> list[EntityFact]:
    rows = await _rows_in(
        lambda chunk: SubLicence.select(
            SubLicence.id, SubLicence.number, SubLicence.licence,
            SubLicence.licence.number.as_alias("agency_number"),
            SubLicence.broker.name_en.as_alias("name"),
            SubLicence.broker.name_km.as_alias("name_km"),
            SubLicence.broker.province.as_alias("province"),
        ).where(SubLicence.id.is_in(chunk)),
        ids,
    )
    events: dict[int, list[StatusEvent]] = defaultdict(list)
    for row in await _rows_in(
        lambda chunk: SubLicenceEvent.select(
            SubLicenceEvent.sub_licence, SubLicenceEvent.event, SubLicenceEvent.date,
            SubLicenceEvent.valid_until,
        ).where(SubLicenceEvent.sub_licence.is_in(chunk)).order_by(SubLicenceEvent.date).order_by(SubLicenceEvent.id),
        ids,
    ):
        events[row["sub_licence"]].append(_event(row))
    return [
        EntityFact(
            kind="broker", id=row["id"], number=row["number"], name=row["name"],
            name_km=row["name_km"] or "", province=row["province"] or "",
            events=tuple(sorted(events[row["id"]], key=lambda e: e.date)),
            parent_licence_id=row["licence"], parent_number=row["agency_number"],
        )
        for row in sorted(rows, key=lambda r: r["id"])
    ]
