"""Read side of the registry: answers about a number on a date, histories, bulk snapshots.

Used by the CLI, the API and the lookup index, so an answer is computed in one place: status
comes from `registry.status.status_on` over the record's events, never from a stored field.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from registry import point_reads
from registry.errors import NotFoundError, ValidationError
from registry.numbers import number_norm
from registry.status import StatusEvent, StatusOnDate, recruiting_allowed, status_on
from registry.tables import Agency, Broker, Licence, LicenceEvent, SubLicence, SubLicenceEvent
from registry.writes import read_transaction


def today() -> dt.date:
    return dt.date.today()


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class AgencyRow:
    id: int
    name_en: str
    name_km: str
    address_en: str
    address_km: str
    province: str
    phone: str
    officers: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class LicenceRow:
    id: int
    number: str
    number_norm: str
    agency_id: int
    destinations: tuple[str, ...]
    sectors: tuple[str, ...]
    version: int
    events: tuple[StatusEvent, ...]
    """In recorded order (date, then insertion): same-day events keep their order."""

    def on(self, day: dt.date) -> StatusOnDate:
        return status_on(self.events, day)


@dataclass(frozen=True, slots=True)
class BrokerRow:
    id: int
    name_en: str
    name_km: str
    sex: str
    national_id: str | None
    province: str
    district: str
    phone: str


@dataclass(frozen=True, slots=True)
class SubLicenceRow:
    id: int
    number: str
    number_norm: str
    broker_id: int
    licence_id: int
    version: int
    events: tuple[StatusEvent, ...]

    def on(self, day: dt.date) -> StatusOnDate:
        return status_on(self.events, day)


@dataclass
class RegistrySnapshot:
    """The whole registry in memory, keyed by id; numbers are looked up by normal form."""

    agencies: dict[int, AgencyRow] = field(default_factory=dict)
    licences: dict[int, LicenceRow] = field(default_factory=dict)
    brokers: dict[int, BrokerRow] = field(default_factory=dict)
    sub_licences: dict[int, SubLicenceRow] = field(default_factory=dict)

    def licence_by_norm(self) -> dict[str, LicenceRow]:
        return {row.number_norm: row for row in self.licences.values()}

    def sub_licence_by_norm(self) -> dict[str, SubLicenceRow]:
        return {row.number_norm: row for row in self.sub_licences.values()}

    def as_facts(self):
        """The snapshot as `RegistryFacts` for the compliance rules (exact-name resolution only)."""
        from compliance_rules.registry_facts import InMemoryRegistryFacts, LicenceFacts, SubLicenceFacts

        licences = []
        for row in self.licences.values():
            agency = self.agencies[row.agency_id]
            licences.append(LicenceFacts(row.number, agency.name_en, agency.name_km, row.destinations, row.events))
        subs = []
        for row in self.sub_licences.values():
            broker = self.brokers[row.broker_id]
            subs.append(SubLicenceFacts(
                row.number, broker.name_en, broker.name_km, self.licences[row.licence_id].number, row.events,
            ))
        return InMemoryRegistryFacts(licences=licences, sub_licences=subs)


async def _events_by_owner(table, owner_column) -> dict[int, list[StatusEvent]]:
    rows = await table.select(owner_column, table.event, table.date, table.valid_until).order_by(
        table.date
    ).order_by(table.id)
    grouped: dict[int, list[StatusEvent]] = defaultdict(list)
    for row in rows:
        grouped[row[owner_column._meta.name]].append(StatusEvent(row["event"], row["date"], row["valid_until"]))
    return grouped


async def load_registry_snapshot() -> RegistrySnapshot:
    """Everything in six queries (one per table), for in-memory facts and lookup indexes."""
    snapshot = RegistrySnapshot()
    for row in await Agency.select(
        Agency.id, Agency.name_en, Agency.name_km, Agency.address_en, Agency.address_km,
        Agency.province, Agency.phone, Agency.officers,
    ):
        snapshot.agencies[row["id"]] = AgencyRow(
            row["id"], row["name_en"], row["name_km"], row["address_en"], row["address_km"],
            row["province"], row["phone"], tuple(_json(row["officers"]) or ()),
        )
    licence_events = await _events_by_owner(LicenceEvent, LicenceEvent.licence)
    for row in await Licence.select(
        Licence.id, Licence.number, Licence.number_norm, Licence.agency, Licence.destinations,
        Licence.sectors, Licence.version,
    ):
        snapshot.licences[row["id"]] = LicenceRow(
            row["id"], row["number"], row["number_norm"], row["agency"],
            tuple(_json(row["destinations"]) or ()), tuple(_json(row["sectors"]) or ()),
            row["version"], tuple(licence_events.get(row["id"], ())),
        )
    for row in await Broker.select(
        Broker.id, Broker.name_en, Broker.name_km, Broker.sex, Broker.national_id,
        Broker.province, Broker.district, Broker.phone,
    ):
        snapshot.brokers[row["id"]] = BrokerRow(**row)
    sub_events = await _events_by_owner(SubLicenceEvent, SubLicenceEvent.sub_licence)
    for row in await SubLicence.select(
        SubLicence.id, SubLicence.number, SubLicence.number_norm, SubLicence.broker,
        SubLicence.licence, SubLicence.version,
    ):
        snapshot.sub_licences[row["id"]] = SubLicenceRow(
            row["id"], row["number"], row["number_norm"], row["broker"], row["licence"],
            row["version"], tuple(sub_events.get(row["id"], ())),
        )
    return snapshot


async def licence_events(licence_id: int) -> list[StatusEvent]:
    rows = await LicenceEvent.select(LicenceEvent.event, LicenceEvent.date, LicenceEvent.valid_until).where(
        LicenceEvent.licence == licence_id
    ).order_by(LicenceEvent.date).order_by(LicenceEvent.id)
    return [StatusEvent(r["event"], r["date"], r["valid_until"]) for r in rows]


async def sub_licence_events(sub_licence_id: int) -> list[StatusEvent]:
    rows = await SubLicenceEvent.select(
        SubLicenceEvent.event, SubLicenceEvent.date, SubLicenceEvent.valid_until
    ).where(SubLicenceEvent.sub_licence == sub_licence_id).order_by(SubLicenceEvent.date).order_by(SubLicenceEvent.id)
    return [StatusEvent(r["event"], r["date"], r["valid_until"]) for r in rows]


async def find_licence(number: str) -> dict[str, Any] | None:
    return await Licence.select(
        Licence.id, Licence.number, Licence.destinations, Licence.sectors, Licence.version,
        Licence.agency, Licence.agency.name_en, Licence.agency.name_km,
    ).where(Licence.number_norm == number_norm(number)).first()


async def find_sub_licence(number: str) -> dict[str, Any] | None:
    return await SubLicence.select(
        SubLicence.id, SubLicence.number, SubLicence.version, SubLicence.licence,
        SubLicence.broker.name_en, SubLicence.broker.name_km,
    ).where(SubLicence.number_norm == number_norm(number)).first()


def _key(number: str) -> str:
    key = number_norm(number)
    if not key:
        raise ValidationError(f"not a licence or sub-licence number: {number!r}")
    return key


async def licence_answer(number: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """The `registry show --json` answer for a licence or sub-licence number on a date.

    For a sub-licence, `status` is its own status and `agency_status` that of the parent
    licence on the same date; `may_recruit` is true only when both are in force. Served on a
    kept connection in one statement for a licence (and one more for a sub-licence: the row
    with both histories), because this is the public "is this number licensed" check.
    """
    key = _key(number)
    day = as_of or today()
    return await _licence_answer(key, day) or await _sub_licence_answer(number, key, day)


_LICENCE_ANSWER_SQL = (
    "SELECT l.number AS number, l.destinations AS destinations, l.version AS version, a.name_en AS name_en,"
    " a.name_km AS name_km, e.event AS event, e.date AS date, e.valid_until AS valid_until"
    " FROM licence l JOIN agency a ON a.id = l.agency LEFT JOIN licence_event e ON e.licence = l.id"
    " WHERE l.number_norm = {} ORDER BY e.date, e.id"
)
_SUB_LICENCE_PART = (
    "SELECT s.id AS sub_id, s.number AS sub_number, s.version AS sub_version, b.name_en AS broker_en,"
    " b.name_km AS broker_km, p.number AS parent_number, p.destinations AS parent_destinations,"
    " pa.name_en AS agency_en, {own} AS own, e.event AS event, e.date AS date, e.valid_until AS valid_until,"
    " e.id AS event_id FROM sub_licence s JOIN broker b ON b.id = s.broker JOIN licence p ON p.id = s.licence"
    " JOIN agency pa ON pa.id = p.agency {join} WHERE s.number_norm = {{}}"
)
_SUB_LICENCE_ANSWER_SQL = (
    _SUB_LICENCE_PART.format(own=0, join="LEFT JOIN sub_licence_event e ON e.sub_licence = s.id")
    + " UNION ALL "
    + _SUB_LICENCE_PART.format(own=1, join="JOIN licence_event e ON e.licence = s.licence")
    + " ORDER BY 9, 11, 13"
)
"""The sub-licence, its broker and agency, and both histories (own = 0: the sub-licence's,
1: its agency licence's) in one statement, so the two statuses come from the same snapshot."""


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _event(event: str, date: Any, valid_until: Any) -> StatusEvent:
    return StatusEvent(event, _date(date), _date(valid_until))


async def _licence_answer(key: str, day: dt.date) -> dict[str, Any] | None:
    found = await point_reads.rows(_LICENCE_ANSWER_SQL, key)
    if not found:
        return None
    number, destinations, version, name_en, name_km = found[0][:5]
    state = status_on([_event(*r[5:]) for r in found if r[5] is not None], day)
    return {
        "number": number,
        "kind": "licence",
        "name": name_en,
        "name_km": name_km,
        "status": state.status,
        "since": state.since,
        "as_of": day,
        "valid_until": state.valid_until,
        "destinations": list(_json(destinations) or []),
        "agency": number,
        "agency_status": state.status,
        "may_recruit": state.in_force,
        "version": version,
    }


async def _sub_licence_answer(number: str, key: str, day: dt.date) -> dict[str, Any]:
    found = await point_reads.rows(_SUB_LICENCE_ANSWER_SQL, key, key)
    if not found:
        raise NotFoundError(f"no licence or sub-licence numbered {number!r} is registered")
    _, sub_number, version, name_en, name_km, parent_number, destinations, agency_name = found[0][:8]
    state = status_on([_event(*r[9:12]) for r in found if r[8] == 0 and r[9] is not None], day)
    parent_state = status_on([_event(*r[9:12]) for r in found if r[8] == 1], day)
    return {
        "number": sub_number,
        "kind": "sub_licence",
        "name": name_en,
        "name_km": name_km,
        "status": state.status,
        "since": state.since,
        "as_of": day,
        "valid_until": state.valid_until,
        "destinations": list(_json(destinations) or []),
        "agency": parent_number,
        "agency_name": agency_name,
        "agency_status": parent_state.status,
        "agency_valid_until": parent_state.valid_until,
        "may_recruit": recruiting_allowed(state, parent_state),
        "version": version,
    }


async def history(number: str) -> dict[str, Any]:
    """Every recorded event of a licence or sub-licence, in effect order, with who and why."""
    _key(number)
    async with read_transaction():
        return await _history(number)


async def _history(number: str) -> dict[str, Any]:
    licence = await find_licence(number)
    if licence is not None:
        table, owner, kind, record = LicenceEvent, LicenceEvent.licence, "licence", licence
        extra = {"name": licence["agency.name_en"], "agency": licence["number"]}
    else:
        sub = await find_sub_licence(number)
        if sub is None:
            raise NotFoundError(f"no licence or sub-licence numbered {number!r} is registered")
        parent = await Licence.select(Licence.number).where(Licence.id == sub["licence"]).first()
        table, owner, kind, record = SubLicenceEvent, SubLicenceEvent.sub_licence, "sub_licence", sub
        extra = {"name": sub["broker.name_en"], "agency": parent["number"]}
    rows = await table.select(
        table.event, table.date, table.valid_until, table.reason, table.actor, table.recorded_at
    ).where(owner == record["id"]).order_by(table.date).order_by(table.id)
    return {"number": record["number"], "kind": kind, **extra, "version": record["version"], "events": rows}
