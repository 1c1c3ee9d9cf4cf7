"""Issue 6 target 2: the bulk import's fast paths decide exactly as the reference paths do.

* CSV rows: the accept-only fast check (`registry_csv._FAST`) never accepts a row the reference
  parser (`_Row`) rejects, and builds the same record when it accepts.
* Planning: a new record's events from `_opening_events` are those `statement_in_full` plans
  (or it leaves the line to that path).
* A first import into an empty registry sets the tables' secondary indexes (and PostgreSQL
  foreign keys) aside and gets every one of them back, also when the import is rejected; the
  ids it takes in one sequence bump leave the sequences ahead of them.
* The registry snapshot read as plain rows is what Piccolo's per-record queries read.
* The broker key's space removal (split and join) removes what the regular expression did.
"""
from __future__ import annotations

import asyncio
import gc
import datetime as dt
import itertools
import json
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import pytest

from importers.registry_csv import _FAST, KINDS, PARSERS, _Dates, _Row
from importers.registry_import import import_registry
from importers.registry_plan import Planner, Track, _opening_events, _without_spaces
from importers.registry_records import RegistryBatch
from registry.db import current_engine, is_sqlite
from registry.errors import ImportRejectedError
from registry.numbers import NumberKeys
from registry.queries import RegistrySnapshot, licence_answer, licence_events, load_registry_snapshot, sub_licence_events
from registry.tables import Agency, Broker, Licence, SubLicence
from registry.writes import fetch

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "registry"

VALID = {
    "agencies": {
        "licence_no": "MLVT-PRA-003/2008", "name_en": "Pich Co., Ltd.", "name_km": "ពេជ្រ",
        "address_en": "No. 1", "address_km": "ផ្ទះ", "province": "Kandal", "phone": "+855 97 185 821",
        "first_issued": "2008-01-02", "valid_until": "2028-01-01", "status": "active",
        "status_since": "2026-06-27", "authorised_destinations": "TH;my; JP",
    },
    "licence_events": {
        "licence_no": "MLVT-PRA-003/2008", "event": "renewed", "date": "2009-11-27",
        "note": "renewed; valid until 2012-01-01",
    },
    "brokers": {
        "sub_licence_no": "MLVT-SUB-0001/2008", "name_en": "Nuth Sokha", "name_km": "នុត សុខា", "sex": "M",
        "agency_licence_no": "MLVT-PRA-046/2008", "province": "Kandal", "district": "Ang Snuol",
        "valid_from": "2008-03-25", "valid_to": "2010-03-24", "status": "revoked",
        "status_since": "2008-03-26", "phone": "085 798 300",
    },
}
ODD_VALUES = (
    "", "  ", " padded ", "--/", "MLVT PRA ០១៨ 2011", "2027-13-45", "20080102", "2008-01-02 ",
    "2007-01-01", "2030-01-01", "dormant", "Active", "active", "expired", "suspended", "F", "X",
    "TH;Malaysia", ";", "issued", "reinstated", "valid until 2009-01-01", "note; valid until 2007-01-01",
    "valid until 2011-02-30",
)


def _decisions(kind: str, values: dict[str, str]):
    """(fast record or None, reference record or None, reference problems) for one row."""
    stripped = [values[c].strip() for c in KINDS[kind]]
    fast = _FAST[kind](stripped, _Dates(), NumberKeys(), "f.csv", 7)
    problems: list = []
    reference = PARSERS[kind](_Row(dict(values), "f.csv", 7, problems))
    return fast, reference, problems


@pytest.mark.parametrize("kind", list(KINDS))
def test_fast_csv_check_accepts_only_what_the_reference_parser_accepts(kind):
    assert _decisions(kind, VALID[kind])[0] is not None, "the fast path must take an ordinary row"
    accepted = 0
    for column, value in itertools.product(KINDS[kind], ODD_VALUES):
        fast, reference, problems = _decisions(kind, {**VALID[kind], column: value})
        if fast is not None:
            accepted += 1
            assert problems == [] and fast == reference, (column, value)
    assert accepted > 0


D = dt.date


@pytest.mark.parametrize("kind", ["licence", "sub_licence"])
def test_opening_events_are_what_the_full_statement_plans(kind):
    firsts = (None, D(2020, 1, 1))
    days = (D(2019, 6, 1), D(2020, 1, 1), D(2021, 6, 1), D(2021, 12, 31), D(2022, 1, 1), D(2023, 3, 3))
    statuses = ("active", "suspended", "revoked", "expired")
    taken = 0
    for first, since, status in itertools.product(firsts, (None, *days), statuses):
        until = D(2021, 12, 31)
        fast = _opening_events(kind, first, until, status, since)
        if fast is None:
            continue
        taken += 1
        planner = Planner(RegistryBatch(), RegistrySnapshot())
        track = Track(("new", "X"), "X", [])
        planner.statement_in_full(kind, track, first=first, valid_until=until, status=status, since=since,
                                  reason="r", source="f.csv", row=2)
        assert planner.problems == [] and [e for e, _ in track.added] == fast, (first, since, status)
    assert taken >= 10


async def _schema() -> set[tuple[str, ...]]:
    if is_sqlite(current_engine()):
        rows = await fetch("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        return {(r["name"], r["sql"]) for r in rows}
    indexes = await fetch("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
    keys = await fetch(
        "SELECT conname, conrelid::regclass::text AS t, pg_get_constraintdef(oid) AS d FROM pg_constraint"
        " WHERE contype = 'f'"
    )
    return {(r["indexname"], r["indexdef"]) for r in indexes} | {(r["conname"], r["t"], r["d"]) for r in keys}


def test_first_import_gets_every_index_and_foreign_key_back(db):
    before = asyncio.run(_schema())
    summary = asyncio.run(import_registry([EXAMPLES], actor="test"))
    assert summary.licences_added > 0 and summary.sub_licences_added > 0
    assert asyncio.run(_schema()) == before
    number = next(iter(summary.changed))
    assert asyncio.run(licence_answer(number))["number"] == number


@pytest.mark.postgres_only
def test_regression_first_bulk_import_left_postgres_planning_without_statistics(db):
    """Status by number took 7.8 ms (not 0.5) right after a 1.1 M first import: no statistics."""
    def analyses() -> dict[str, int]:
        rows = asyncio.run(fetch("SELECT relname, analyze_count FROM pg_stat_user_tables"))
        return {r["relname"]: r["analyze_count"] for r in rows}

    before = analyses()
    asyncio.run(import_registry([EXAMPLES], actor="test"))
    after = analyses()
    loaded = ("agency", "licence", "licence_event", "broker", "sub_licence", "sub_licence_event")
    assert all(after[name] > before.get(name, 0) for name in loaded), (before, after)


def test_rejected_first_import_leaves_indexes_and_an_empty_registry(db, tmp_path):
    for path in EXAMPLES.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    brokers = tmp_path / "brokers.csv"
    lines = brokers.read_text("utf-8").splitlines()
    fields = lines[1].split(",")
    fields[4] = "MLVT-PRA-999/1999"  # an agency neither imported nor registered: refused while planning
    brokers.write_text("\n".join([lines[0], ",".join(fields), *lines[2:]]) + "\n", "utf-8")
    before = asyncio.run(_schema())
    with pytest.raises(ImportRejectedError) as caught:
        asyncio.run(import_registry([tmp_path], actor="test"))
    assert {p.column for p in caught.value.problems} == {"agency_licence_no"}
    assert asyncio.run(_schema()) == before
    counts = asyncio.run(fetch("SELECT (SELECT COUNT(*) FROM licence) AS l, (SELECT COUNT(*) FROM sub_licence_event) AS e"))
    assert (counts[0]["l"], counts[0]["e"]) == (0, 0)


def test_snapshot_read_as_plain_rows_is_what_the_per_record_queries_read(db):
    asyncio.run(import_registry([EXAMPLES], actor="test"))
    snapshot = asyncio.run(load_registry_snapshot())
    assert gc.isenabled()  # the load pauses the collector (registry.collector) and restarts it

    async def reference():
        agencies = {r["id"]: r for r in await Agency.select()}
        licences = {r["id"]: r for r in await Licence.select()}
        brokers = {r["id"]: r for r in await Broker.select()}
        subs = {r["id"]: r for r in await SubLicence.select()}
        events = {i: await licence_events(i) for i in licences}
        sub_events = {i: await sub_licence_events(i) for i in subs}
        return agencies, licences, brokers, subs, events, sub_events

    agencies, licences, brokers, subs, events, sub_events = asyncio.run(reference())
    assert snapshot.agencies.keys() == agencies.keys() and snapshot.brokers.keys() == brokers.keys()
    assert snapshot.licences.keys() == licences.keys() and snapshot.sub_licences.keys() == subs.keys()
    for i, row in snapshot.agencies.items():
        want = agencies[i]
        assert (row.name_en, row.name_km, row.address_en, row.address_km, row.province, row.phone) == (
            want["name_en"], want["name_km"], want["address_en"], want["address_km"], want["province"], want["phone"])
    for i, row in snapshot.licences.items():
        want = licences[i]
        assert (row.number, row.number_norm, row.agency_id, row.version) == (
            want["number"], want["number_norm"], want["agency"], want["version"])
        destinations = want["destinations"]
        assert list(row.destinations) == (json.loads(destinations) if isinstance(destinations, str) else destinations)
        assert list(row.events) == events[i]
        assert all(isinstance(e.date, dt.date) for e in row.events)
    for i, row in snapshot.brokers.items():
        want = brokers[i]
        assert (row.name_en, row.name_km, row.sex, row.national_id, row.province, row.district, row.phone) == (
            want["name_en"], want["name_km"], want["sex"], want["national_id"], want["province"], want["district"],
            want["phone"])
    for i, row in snapshot.sub_licences.items():
        want = subs[i]
        assert (row.number, row.number_norm, row.broker_id, row.licence_id, row.version) == (
            want["number"], want["number_norm"], want["broker"], want["licence"], want["version"])
        assert list(row.events) == sub_events[i] and row.events


def test_ids_taken_in_one_bump_leave_the_sequences_ahead(db):
    """A first import takes its ids in one sequence bump on PostgreSQL; rows added later get new ids."""
    summary = asyncio.run(import_registry([EXAMPLES], actor="test"))

    async def added_after() -> tuple[list[int], int, list[int], int]:
        agencies = [r["id"] for r in await Agency.select(Agency.id)]
        brokers = [r["id"] for r in await Broker.select(Broker.id)]
        agency = Agency(name_en="Later Co., Ltd.")
        broker = Broker(name_en="Later Broker")
        await agency.save()
        await broker.save()
        return agencies, agency.id, brokers, broker.id

    agencies, agency_id, brokers, broker_id = asyncio.run(added_after())
    assert len(agencies) == summary.agencies_added and len(brokers) == summary.brokers_added
    assert sorted(agencies) == list(range(min(agencies), max(agencies) + 1)) and agency_id > max(agencies)
    assert sorted(brokers) == list(range(min(brokers), max(brokers) + 1)) and broker_id > max(brokers)


def test_broker_key_spacing_is_what_the_regular_expression_removed():
    spacing = re.compile(r"[\s\u200b]+")
    characters = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert _without_spaces(characters) == spacing.sub("", unicodedata.normalize("NFC", characters))
    for text in ("នុត \u200bសុខា", " Keo\u00a0Sopheap\u2003\n", "e\u0301 ", ""):
        assert _without_spaces(text) == spacing.sub("", unicodedata.normalize("NFC", text))
