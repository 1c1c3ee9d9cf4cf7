"""Read side of the registry: answers about a number on a date, histories, bulk snapshots.

Used by the CLI, the API and the lookup index, so an answer is computed in one place: status
comes from `registry.status.status_on` over the record's events, never from a stored field.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from registry import collector, point_reads
from registry.db import current_engine, is_sqlite
from registry.errors import NotFoundError, ValidationError
from registry.numbers import number_norm
from registry.status import StatusEvent, StatusOnDate, recruiting_allowed, status_on
from registry.tables import Licence, LicenceEvent, SubLicence, SubLicenceEvent
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
    phone: str | None
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
    sex: str | None
    national_id: str | None
    province: str
    district: str
    phone: str | None


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


class _Events(dict[tuple[Any, Any, Any], StatusEvent]):
    """One `StatusEvent` per distinct (event, date, valid until) read: they are frozen, and
    brokers granted on the same day for the same term share their events (more than half of
    the rows of the scale registry), which then cost one dictionary look-up instead of an
    object and, on SQLite, two ISO dates parsed."""

    def __missing__(self, key: tuple[Any, Any, Any]) -> StatusEvent:
        found = self[key] = _event(*key)
        return found


def _json_tuple(value: Any, parsed: dict[str, tuple[Any, ...]]) -> tuple[Any, ...]:
    """A JSON list column as a tuple, each distinct text parsed once (`parsed`): most licences
    share their destinations and sectors."""
    if not isinstance(value, str):
        return tuple(value or ())
    found = parsed.get(value)
    if found is None:
        found = parsed[value] = tuple(_json(value) or ())
    return found


async def _plain_rows(table: str, columns: str, order: str = "") -> list[tuple[Any, ...]]:
    """`SELECT columns FROM table` as plain tuples, in the caller's read transaction.

    On SQLite the engine's connection turns each row into a dictionary and passes every
    INTEGER and DATE value through a Python converter: at a million rows that cost several
    times the read. Columns written `+"name"` (SQLite's no-op unary plus) carry no declared
    type, so no converter runs (dates come back as ISO text, which `_date` parses), and the
    dictionary factory is set aside for the one statement.
    """
    engine = current_engine()
    ordered = f' FROM "{table}"' + (f" ORDER BY {order}" if order else "")
    if not is_sqlite(engine):
        return await point_reads.rows(f"SELECT {columns}{ordered}")
    names = ", ".join(f'+"{name.strip()}"' for name in columns.split(","))
    connection = engine.current_transaction.get().connection
    factory, connection.row_factory = connection.row_factory, None
    try:
        return await connection.execute_fetchall(f"SELECT {names}{ordered}")
    finally:
        connection.row_factory = factory


async def _events_by_owner(table: str, owner_column: str, events: _Events) -> dict[int, list[StatusEvent]]:
    """The table's events grouped by owner, grouped in a worker thread as the snapshot's rows
    are made into objects (`load_registry_snapshot`)."""
    rows = await _plain_rows(table, f"{owner_column}, event, date, valid_until", "date, id")

    def group() -> dict[int, list[StatusEvent]]:
        grouped: dict[int, list[StatusEvent]] = defaultdict(list)
        for row in rows:
            grouped[row[0]].append(events[row[1:]])
        return grouped

    return await asyncio.to_thread(group)


async def load_registry_snapshot(*, contacts: bool = True) -> RegistrySnapshot:
    """Everything in six queries (one per table) on one connection, read as plain rows
    (`_plain_rows`), not Piccolo's per-row dictionaries: a re-import spent more on those than
    on planning. With the garbage collector paused (`registry.collector`): at national scale
    its full collections over the growing snapshot took 6-9 s of a 16-19 s load.

    Each table's rows become objects in a worker thread while the event loop goes on: at
    national scale that is seconds of CPU, and a served process that rebuilds its lookup index
    after a bulk import kept every request waiting meanwhile (a status request waited 9.3 s).

    `contacts=False` (the public lookup): agencies' phones and officers and brokers' sex,
    national ID and phone are left out (None, no officers). The lookup never shows them, and a
    public-facing process then holds no national ID or phone number of a million brokers."""
    snapshot, events, lists = RegistrySnapshot(), _Events(), {}
    agency_columns = "id, name_en, name_km, address_en, address_km, province" + (", phone, officers" if contacts else "")
    broker_columns = "id, name_en, name_km, sex, national_id, province, district, phone" if contacts else "id, name_en, name_km, province, district"

    def agencies(rows: list[tuple[Any, ...]]) -> None:
        for row in rows:
            snapshot.agencies[row[0]] = (
                AgencyRow(*row[:7], tuple(_json(row[7]) or ())) if contacts else AgencyRow(*row, None)
            )

    def licences(rows: list[tuple[Any, ...]], by_licence: dict[int, list[StatusEvent]]) -> None:
        for row in rows:
            snapshot.licences[row[0]] = LicenceRow(
                *row[:4], _json_tuple(row[4], lists), _json_tuple(row[5], lists), row[6],
                tuple(by_licence.get(row[0], ())),
            )

    def brokers(rows: list[tuple[Any, ...]]) -> None:
        for row in rows:
            snapshot.brokers[row[0]] = BrokerRow(*row) if contacts else BrokerRow(*row[:3], None, None, *row[3:], None)

    def sub_licences(rows: list[tuple[Any, ...]], by_sub: dict[int, list[StatusEvent]]) -> None:
        for row in rows:
            snapshot.sub_licences[row[0]] = SubLicenceRow(*row, tuple(by_sub.get(row[0], ())))

    with collector.paused():
        async with read_transaction():
            await asyncio.to_thread(agencies, await _plain_rows("agency", agency_columns))
            by_licence = await _events_by_owner("licence_event", "licence", events)
            await asyncio.to_thread(
                licences, await _plain_rows("licence", "id, number, number_norm, agency, destinations, sectors, version"),
                by_licence,
            )
            await asyncio.to_thread(brokers, await _plain_rows("broker", broker_columns))
            by_sub = await _events_by_owner("sub_licence_event", "sub_licence", events)
            await asyncio.to_thread(
                sub_licences, await _plain_rows("sub_licence", "id, number, number_norm, broker, licence, version"),
                by_sub,
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
    kept connection in one statement whichever kind the number is (`_ANSWER_SQL`), because
    this is the public "is this number licensed" check: on PostgreSQL each round trip costs
    more than the indexed reads.
    """
    key = _key(number)
    day = as_of or today()
    found = await point_reads.rows(_ANSWER_SQL, key, key, key)
    if not found:
        raise NotFoundError(f"no licence or sub-licence numbered {number!r} is registered")
    if found[0][0] == _LICENCE:
        return _licence_answer([r for r in found if r[0] == _LICENCE], day)
    return _sub_licence_answer(found, day)


_LICENCE, _SUB_LICENCE, _PARENT_LICENCE = 0, 1, 2
_ANSWER_PART = (
    "SELECT {part} AS part, r.number AS number, r.version AS version, n.name_en AS name_en,"
    " n.name_km AS name_km, {parent}.number AS parent_number, {parent}.destinations AS destinations,"
    " pa.name_en AS agency_name, e.event AS event, e.date AS date, e.valid_until AS valid_until,"
    " e.id AS event_id FROM {source} {join} WHERE r.number_norm = {{}}"
)
_LICENCE_SOURCE = "licence r JOIN agency n ON n.id = r.agency JOIN agency pa ON pa.id = r.agency"
_SUB_LICENCE_SOURCE = (
    "sub_licence r JOIN broker n ON n.id = r.broker JOIN licence p ON p.id = r.licence JOIN agency pa ON pa.id = p.agency"
)
_ANSWER_SQL = " UNION ALL ".join((
    _ANSWER_PART.format(part=_LICENCE, parent="r", source=_LICENCE_SOURCE,
                        join="LEFT JOIN licence_event e ON e.licence = r.id"),
    _ANSWER_PART.format(part=_SUB_LICENCE, parent="p", source=_SUB_LICENCE_SOURCE,
                        join="LEFT JOIN sub_licence_event e ON e.sub_licence = r.id"),
    _ANSWER_PART.format(part=_PARENT_LICENCE, parent="p", source=_SUB_LICENCE_SOURCE,
                        join="JOIN licence_event e ON e.licence = r.licence"),
)) + " ORDER BY 1, 10, 12"
"""A licence with its history (part 0), or a sub-licence with its own history (part 1) and
its agency licence's (part 2): one statement, so both statuses come from the same snapshot. A
number registered as both (never written by the importer) answers as the licence, as before."""


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _event(event: str, date: Any, valid_until: Any) -> StatusEvent:
    return StatusEvent(event, _date(date), _date(valid_until))


def _status(found: list[tuple[Any, ...]], part: int, day: dt.date) -> StatusOnDate:
    return status_on([_event(*r[8:11]) for r in found if r[0] == part and r[8] is not None], day)


def _answer(found: list[tuple[Any, ...]], kind: str, state: StatusOnDate, day: dt.date) -> dict[str, Any]:
    """What a licence and a sub-licence answer alike: the record's own row and status."""
    _, number, version, name_en, name_km, _, destinations = found[0][:7]
    return {
        "number": number,
        "kind": kind,
        "name": name_en,
        "name_km": name_km,
        "status": state.status,
        "since": state.since,
        "as_of": day,
        "valid_until": state.valid_until,
        "destinations": list(_json(destinations) or []),
        "version": version,
    }


def _licence_answer(found: list[tuple[Any, ...]], day: dt.date) -> dict[str, Any]:
    state = _status(found, _LICENCE, day)
    answer = _answer(found, "licence", state, day)
    return answer | {"agency": answer["number"], "agency_status": state.status, "may_recruit": state.in_force}


def _sub_licence_answer(found: list[tuple[Any, ...]], day: dt.date) -> dict[str, Any]:
    parent_number, agency_name = found[0][5], found[0][7]
    state = _status(found, _SUB_LICENCE, day)
    parent_state = _status(found, _PARENT_LICENCE, day)
    return _answer(found, "sub_licence", state, day) | {
        "agency": parent_number,
        "agency_name": agency_name,
        "agency_status": parent_state.status,
        "agency_valid_until": parent_state.valid_until,
        "may_recruit": recruiting_allowed(state, parent_state),
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
