"""Issue 6 target 2: the bulk import's fast paths decide exactly as the reference paths do.

* CSV rows: the accept-only fast check (`registry_csv._FAST`) never accepts a row the reference
  parser (`_Row`) rejects, and builds the same record when it accepts.
* Planning: a new record's events from `_opening_events` are those `statement_in_full` plans
  (or it leaves the line to that path).
* A first import into an empty registry sets the tables' secondary indexes (and PostgreSQL
  foreign keys) aside and gets every one of them back, also when the import is rejected.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import shutil
from pathlib import Path

import pytest

from importers.registry_csv import _FAST, KINDS, PARSERS, _Dates, _Row
from importers.registry_import import import_registry
from importers.registry_plan import Planner, Track, _opening_events
from importers.registry_records import RegistryBatch
from registry.db import current_engine, is_sqlite
from registry.errors import ImportRejectedError
from registry.numbers import NumberKeys
from registry.queries import RegistrySnapshot, licence_answer
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
