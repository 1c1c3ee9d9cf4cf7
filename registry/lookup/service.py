"""The worker's question, answered: `lookup(query, as_of=..., kind=...)`.

The index lives in memory for the process and is built once from the database (a handful of
bulk queries). Before each answer a single cheap query reads the change watermarks (highest
ids of licences, sub-licences, their events and the audit log); whatever changed since is
re-read and patched into the index, so a licence registered or suspended through any
process is reflected in the next lookup, without a rebuild. Status is always computed from
the events on the asked date, never stored.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from registry import collector, point_reads, writes
from registry.db import current_engine
from registry.lookup.index import RegistryIndex
from compliance_rules.registry_facts import AgencyResolution
from registry.lookup.matcher import BrokerResolution, Candidate, Matcher, Verdict
from registry.queries import (
    AgencyRow,
    BrokerRow,
    LicenceRow,
    RegistrySnapshot,
    SubLicenceRow,
    load_registry_snapshot,
    today,
)
from registry.status import StatusEvent, status_on
from registry.tables import Agency, AuditLog, Broker, Licence, LicenceEvent, SubLicence, SubLicenceEvent

FULL_RELOAD_ABOVE = 5_000
"""More changed records than this since the last look (a bulk import): rebuild instead of patching."""
FREEZE_FROM_RECORDS = 50_000
"""Licences and sub-licences from which a rebuilt index is moved out of the garbage
collector's way (`registry.collector.settle`); below that a full collection is quick anyway."""
MAX_LISTED = 20
"""Candidates listed in an ambiguous answer: a common name is carried by hundreds of people,
and a worker on a phone is better served by the count and a prompt for the licence number."""
_WATCHED = (Licence, LicenceEvent, SubLicence, SubLicenceEvent, AuditLog)


class LookupIndex:
    """A snapshot, its index and matcher, and the answers built from them (no database access)."""

    def __init__(self, snapshot: RegistrySnapshot) -> None:
        self.snapshot = snapshot
        with collector.paused():  # millions of keys and arrays, all kept (registry.collector)
            self.index = RegistryIndex.build(snapshot)
            self.matcher = Matcher(self.index)

    def answer(self, query: str, *, as_of: dt.date, kind: str | None = None) -> dict[str, Any]:
        verdict = self.matcher.match(query, kind)
        return self._answer(verdict, as_of)

    def _record(self, candidate: Candidate, day: dt.date) -> dict[str, Any]:
        snap = self.snapshot
        if candidate.kind == "agency":
            licence = snap.licences[candidate.record]
            agency = snap.agencies[licence.agency_id]
            state = status_on(licence.events, day)
            return {
                "kind": "agency", "number": licence.number, "name": agency.name_en, "name_km": agency.name_km,
                "status": state.status, "since": state.since, "valid_until": state.valid_until,
                "destinations": list(licence.destinations), "agency": licence.number,
            }
        sub = snap.sub_licences[candidate.record]
        broker = snap.brokers[sub.broker_id]
        parent = snap.licences[sub.licence_id]
        state = status_on(sub.events, day)
        parent_state = status_on(parent.events, day)
        return {
            "kind": "broker", "number": sub.number, "name": broker.name_en, "name_km": broker.name_km,
            "status": state.status, "since": state.since, "valid_until": state.valid_until,
            "destinations": list(parent.destinations), "agency": parent.number,
            "agency_name": snap.agencies[parent.agency_id].name_en,
            "agency_name_km": snap.agencies[parent.agency_id].name_km,
            "agency_status": parent_state.status, "agency_valid_until": parent_state.valid_until,
            "may_recruit": state.in_force and parent_state.in_force,
        }

    def _answer(self, verdict: Verdict, day: dt.date) -> dict[str, Any]:
        explanation = dict(verdict.explanation)
        explanation["as_of"] = day
        if verdict.outcome == "match" and verdict.best is not None:
            record = self._record(verdict.best, day)
            status = record.pop("status")
            explanation["status"] = f"{status} on {day.isoformat()}, from the licence's recorded events"
            return {"query": verdict.query, "status": status, "match": record, "score": verdict.score,
                    "explanation": explanation, "candidates": [], "candidates_total": 0}
        candidates = []
        for candidate in verdict.candidates[:MAX_LISTED]:
            record = self._record(candidate, day)
            candidates.append({key: record[key] for key in ("kind", "number", "name", "name_km", "status", "agency")}
                              | {"score": candidate.alignment.score})
        return {"query": verdict.query, "status": verdict.outcome, "match": None, "score": verdict.score,
                "explanation": explanation, "candidates": candidates, "candidates_total": len(verdict.candidates)}

    # --- incremental updates ---------------------------------------------------------------

    def put_licence(self, licence: LicenceRow, agency: AgencyRow) -> None:
        old = self.snapshot.licences.get(licence.id)
        old_agency = self.snapshot.agencies.get(old.agency_id) if old else None
        self.snapshot.agencies[agency.id] = agency
        self.snapshot.licences[licence.id] = licence
        self.index.put_licence(licence, old, old_agency)

    def put_sub_licence(self, sub: SubLicenceRow, broker: BrokerRow) -> None:
        old = self.snapshot.sub_licences.get(sub.id)
        old_broker = self.snapshot.brokers.get(old.broker_id) if old else None
        self.snapshot.brokers[broker.id] = broker
        self.snapshot.sub_licences[sub.id] = sub
        self.index.put_sub_licence(sub, old, old_broker)
        self.matcher.note_broker_place((broker.district, broker.province))


@dataclass
class _Cached:
    engine_id: int
    lookup_index: LookupIndex
    watermarks: tuple[int, ...]
    commits: tuple[object, ...] | None = None
    """`point_reads.commits_seen()` when the watermarks were read (SQLite): while it stays the
    same no other connection has committed, so the watermark query is skipped."""


_cache: _Cached | None = None
_locks: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = WeakKeyDictionary()


def _update_lock() -> asyncio.Lock:
    """One rebuild or patch at a time per event loop: the first requests after a start (or a
    change) all find the index stale, and each building its own copy of a 1.1 M-name index
    would take their combined time and memory."""
    return _locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())


_WATERMARK_SQL = "SELECT " + ", ".join(
    f'(SELECT COALESCE(MAX(id), 0) FROM "{table._meta.tablename}")' for table in _WATCHED
)


async def _watermarks() -> tuple[int, ...]:
    """On a kept connection (`registry.point_reads`): this runs before every answer when no
    change feed is listening, and a new connection per query would cost more than the answer."""
    return tuple(int(mark) for mark in (await point_reads.rows(_WATERMARK_SQL))[0])


async def refresh() -> LookupIndex:
    """Rebuild from the database (bulk queries), replacing the process's index."""
    async with _update_lock():
        return await _rebuild()


async def _rebuild() -> LookupIndex:
    global _cache, _written_here
    _written_here = False
    commits = point_reads.commits_seen()
    marks = await _watermarks()
    # Built off the event loop (as the snapshot's rows are): the loop goes on serving, and
    # lookups meanwhile answer from the index before, as between two change notifications.
    # The collector stays paused until the new objects are frozen: the first collection after
    # a pause walks everything made during it (0.6-0.7 s at national scale, the GIL held).
    with collector.paused():
        built = await asyncio.to_thread(LookupIndex, await load_registry_snapshot(contacts=False))
        _cache = _Cached(id(current_engine()), built, marks, commits)
        if len(built.snapshot.licences) + len(built.snapshot.sub_licences) >= FREEZE_FROM_RECORDS:
            collector.settle()
    return built


def forget() -> None:
    """Drop the process's index; the next lookup rebuilds it (after tables were emptied wholesale)."""
    global _cache
    _cache = None


_feed_engine_id: int | None = None
"""Set while `registry.change_feed` listens for this engine: lookups then skip the watermark query."""
_written_here = False
"""This process committed a write since the index was last checked: the next lookup checks
instead of trusting the feed, which may deliver the change a few milliseconds later."""


def _note_own_write() -> None:
    global _written_here
    _written_here = True


writes.on_commit(_note_own_write)


def trust_change_feed(engine: object | None) -> None:
    """Called by `registry.change_feed` when its listener starts (engine) or is lost (None)."""
    global _feed_engine_id
    _feed_engine_id = None if engine is None else id(engine)


async def current() -> LookupIndex:
    """The process's index, brought up to date with every change recorded since it was read."""
    cache = _cache
    if cache is not None and _feed_engine_id == cache.engine_id == id(current_engine()) and not _written_here:
        return cache.lookup_index
    return await checked()


async def checked() -> LookupIndex:
    """`current` without trusting a change feed: the commit counter first (SQLite, microseconds),
    the watermark query only when it moved (or on PostgreSQL, which has no such counter)."""
    cache = _cache
    if (cache is not None and cache.engine_id == id(current_engine()) and cache.commits is not None
            and point_reads.commits_seen() == cache.commits):
        return cache.lookup_index
    return await catch_up()


async def catch_up() -> LookupIndex:
    """Compare the change watermarks with the index's and patch (or rebuild) what changed."""
    global _written_here
    async with _update_lock():
        _written_here = False
        cache = _cache
        if cache is None or cache.engine_id != id(current_engine()):
            return await _rebuild()
        commits = point_reads.commits_seen()
        marks = await _watermarks()
        if marks != cache.watermarks:
            if any(new < old for new, old in zip(marks, cache.watermarks)) or not await _patch(cache, marks):
                return await _rebuild()
            cache.watermarks = marks
        cache.commits = commits
        return cache.lookup_index


async def _patch(cache: _Cached, marks: tuple[int, ...]) -> bool:
    """Re-read what changed since `cache.watermarks`; False when a rebuild is cheaper."""
    licence_mark, licence_event_mark, sub_mark, sub_event_mark, audit_mark = cache.watermarks
    licence_ids = {r["id"] for r in await Licence.select(Licence.id).where(Licence.id > licence_mark)}
    licence_ids |= {r["licence"] for r in await LicenceEvent.select(LicenceEvent.licence).where(LicenceEvent.id > licence_event_mark)}
    sub_ids = {r["id"] for r in await SubLicence.select(SubLicence.id).where(SubLicence.id > sub_mark)}
    sub_ids |= {r["sub_licence"] for r in await SubLicenceEvent.select(SubLicenceEvent.sub_licence).where(SubLicenceEvent.id > sub_event_mark)}
    for entry in await AuditLog.select(AuditLog.entity, AuditLog.entity_key).where(AuditLog.id > audit_mark):
        entity, key = entry["entity"], entry["entity_key"]
        if entity == "licence":
            licence_ids |= {r["id"] for r in await Licence.select(Licence.id).where(Licence.number == key)}
        elif entity == "sub_licence":
            sub_ids |= {r["id"] for r in await SubLicence.select(SubLicence.id).where(SubLicence.number == key)}
        elif entity == "agency" and key.isdigit():
            licence_ids |= {r["id"] for r in await Licence.select(Licence.id).where(Licence.agency == int(key))}
        elif entity == "broker" and key.isdigit():
            sub_ids |= {r["id"] for r in await SubLicence.select(SubLicence.id).where(SubLicence.broker == int(key))}
    if len(licence_ids) + len(sub_ids) > FULL_RELOAD_ABOVE:
        return False
    target = cache.lookup_index
    for licence_id in licence_ids:
        licence, agency = await _load_licence(licence_id)
        target.put_licence(licence, agency)
    for sub_id in sub_ids:
        sub, broker = await _load_sub_licence(sub_id)
        target.put_sub_licence(sub, broker)
    return True


async def _events(table, owner, owner_id: int) -> tuple[StatusEvent, ...]:
    rows = await table.select(table.event, table.date, table.valid_until).where(owner == owner_id).order_by(
        table.date
    ).order_by(table.id)
    return tuple(StatusEvent(r["event"], r["date"], r["valid_until"]) for r in rows)


def _listed(value: Any) -> tuple[str, ...]:
    return tuple(json.loads(value) if isinstance(value, str) else value or ())


async def _load_licence(licence_id: int) -> tuple[LicenceRow, AgencyRow]:
    row = await Licence.select(
        Licence.id, Licence.number, Licence.number_norm, Licence.agency, Licence.destinations,
        Licence.sectors, Licence.version,
    ).where(Licence.id == licence_id).first()
    agency = await Agency.select(  # no contact details, as in the snapshot (load_registry_snapshot)
        Agency.id, Agency.name_en, Agency.name_km, Agency.address_en, Agency.address_km, Agency.province,
    ).where(Agency.id == row["agency"]).first()
    licence = LicenceRow(
        row["id"], row["number"], row["number_norm"], row["agency"], _listed(row["destinations"]),
        _listed(row["sectors"]), row["version"], await _events(LicenceEvent, LicenceEvent.licence, licence_id),
    )
    return licence, AgencyRow(**agency, phone=None)


async def _load_sub_licence(sub_id: int) -> tuple[SubLicenceRow, BrokerRow]:
    row = await SubLicence.select(
        SubLicence.id, SubLicence.number, SubLicence.number_norm, SubLicence.broker, SubLicence.licence, SubLicence.version,
    ).where(SubLicence.id == sub_id).first()
    broker = await Broker.select(  # no contact details, as in the snapshot
        Broker.id, Broker.name_en, Broker.name_km, Broker.province, Broker.district,
    ).where(Broker.id == row["broker"]).first()
    sub = SubLicenceRow(
        row["id"], row["number"], row["number_norm"], row["broker"], row["licence"], row["version"],
        await _events(SubLicenceEvent, SubLicenceEvent.sub_licence, sub_id),
    )
    return sub, BrokerRow(**broker, sex=None, national_id=None, phone=None)


async def lookup(query: str, *, as_of: dt.date | None = None, kind: str | None = None) -> dict[str, Any]:
    """Answer one worker query on `as_of` (default: today); `kind` is 'agency', 'broker' or None."""
    return (await current()).answer(query, as_of=as_of or today(), kind=kind)


async def resolve_agency(name: str) -> AgencyResolution:
    """For the contract pipeline: a printed agency name -> `AgencyResolution` (look-alikes: not_found)."""
    return (await current()).matcher.resolve_agency(name)


async def resolve_broker(name: str) -> BrokerResolution:
    """A printed broker name -> `BrokerResolution` (same precision rules as agencies)."""
    return (await current()).matcher.resolve_broker(name)
