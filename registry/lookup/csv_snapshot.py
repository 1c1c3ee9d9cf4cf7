"""A registry snapshot read straight from the registry CSV format, without a database.

Why: the scale benchmark builds the lookup index over a million generated brokers, and the
offline evaluation runs the shared lookup queries; neither should need an import into a
database first. The database path (`registry.queries.load_registry_snapshot`) is what the
service uses. Broker rows carry no event history, so their events are derived the way the
format defines "in force": granted on `valid_from` for a term ending `valid_to`, and the
suspension or revocation on `status_since` when that is the row's status.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from pathlib import Path

from registry.numbers import number_norm
from registry.queries import AgencyRow, BrokerRow, LicenceRow, RegistrySnapshot, SubLicenceRow
from registry.status import StatusEvent

_VALID_UNTIL = re.compile(r"valid until (\d{4}-\d{2}-\d{2})")
_STATUS_EVENT = {"suspended": "suspended", "revoked": "revoked"}


class _Dates(dict):
    """One date object per distinct ISO string: a million rows share a few thousand days."""

    def __missing__(self, text: str) -> dt.date | None:
        value = dt.date.fromisoformat(text) if text else None
        self[text] = value
        return value


def _rows(path: Path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def snapshot_from_csv(folder: Path) -> RegistrySnapshot:
    """agencies.csv, licence_events.csv and brokers.csv of `folder` as a snapshot (ids from 1)."""
    dates = _Dates()
    snapshot = RegistrySnapshot()
    events: dict[str, list[StatusEvent]] = {}
    for row in _rows(folder / "licence_events.csv"):
        until = _VALID_UNTIL.search(row["note"] or "")
        events.setdefault(row["licence_no"], []).append(
            StatusEvent(row["event"], dates[row["date"]], dates[until.group(1)] if until else None)
        )
    licence_ids: dict[str, int] = {}
    for i, row in enumerate(_rows(folder / "agencies.csv"), start=1):
        snapshot.agencies[i] = AgencyRow(
            i, row["name_en"], row["name_km"], row["address_en"], row["address_km"],
            sys.intern(row["province"]), row["phone"],
        )
        number = row["licence_no"]
        destinations = tuple(sys.intern(c) for c in row["authorised_destinations"].split(";") if c)
        snapshot.licences[i] = LicenceRow(
            i, number, number_norm(number), i, destinations, (), 0, tuple(events.get(number, ())),
        )
        licence_ids[number_norm(number)] = i
    for i, row in enumerate(_rows(folder / "brokers.csv"), start=1):
        snapshot.brokers[i] = BrokerRow(
            i, row["name_en"], row["name_km"], sys.intern(row["sex"]), None,
            sys.intern(row["province"]), sys.intern(row["district"]), row["phone"],
        )
        history = [StatusEvent("granted", dates[row["valid_from"]], dates[row["valid_to"]])]
        if row["status"] in _STATUS_EVENT:
            history.append(StatusEvent(_STATUS_EVENT[row["status"]], dates[row["status_since"]]))
        number = row["sub_licence_no"]
        snapshot.sub_licences[i] = SubLicenceRow(
            i, number, number_norm(number), i, licence_ids[number_norm(row["agency_licence_no"])], 0,
            tuple(history),
        )
    return snapshot
