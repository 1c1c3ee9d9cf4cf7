"""Read the registry CSV format (agencies, licence events, brokers) into validated records.

A file's kind is recognised by its header, not its name. Every row is checked and every
problem collected (file, row, column, why) before anything is written: one bad row rejects
the whole import with the full list, so an officer fixes the file once.

Each row first goes through a fast check (`_FAST`: plain tuple access, each date string parsed
once per file, each number normalised once) that only *accepts*: a row it doubts goes to the
reference parser (`_Row` and `_agency`/`_event`/`_broker`), which decides and words every
problem. At a million rows the reference parser's per-field method calls cost more than the
database; `tests/test_registry_bulk.py` checks that both give the same record or rejection.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from importers.registry_records import AgencyRecord, BrokerRecord, EventRecord, RegistryBatch
from registry.errors import ImportProblem, ImportRejectedError
from registry.numbers import NumberKeys, number_norm
from registry.transitions import ALLOWED_FROM

AGENCY_COLUMNS = (
    "licence_no", "name_en", "name_km", "address_en", "address_km", "province", "phone",
    "first_issued", "valid_until", "status", "status_since", "authorised_destinations",
)
EVENT_COLUMNS = ("licence_no", "event", "date", "note")
BROKER_COLUMNS = (
    "sub_licence_no", "name_en", "name_km", "sex", "agency_licence_no", "province", "district",
    "valid_from", "valid_to", "status", "status_since", "phone",
)
KINDS = {"agencies": AGENCY_COLUMNS, "licence_events": EVENT_COLUMNS, "brokers": BROKER_COLUMNS}
LIST_STATUSES = frozenset({"active", "suspended", "revoked", "expired"})
VALID_UNTIL_NOTE = re.compile(r"valid until (\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
TERM_EVENTS = frozenset({"issued", "renewed"})


class _Row:
    """Field access for one CSV row that records a problem instead of raising."""

    def __init__(self, values: dict[str, str], file: str, row: int, problems: list[ImportProblem]) -> None:
        self.values, self.file, self.row, self.problems = values, file, row, problems
        self.ok = True

    def problem(self, column: str | None, why: str) -> None:
        self.problems.append(ImportProblem(self.file, self.row, column, why))
        self.ok = False

    def text(self, column: str, *, required: bool = True) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            self.problem(column, "is empty")
        return value

    def number(self, column: str) -> str:
        value = self.text(column)
        if value and not number_norm(value):
            self.problem(column, f"{value!r} is not a licence number")
        return value

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problem(column, f"{value!r} is not a date (YYYY-MM-DD)")
            return None

    def choice(self, column: str, allowed: frozenset[str] | tuple[str, ...]) -> str:
        value = self.text(column)
        if value and value not in allowed:
            self.problem(column, f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return value


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def csv_kind(path: Path) -> str | None:
    """'agencies', 'licence_events' or 'brokers' by header; None when it is none of them."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    names = {h.strip() for h in header}
    for kind, columns in KINDS.items():
        if set(columns) <= names:
            return kind
    return None


def _agency(row: _Row) -> AgencyRecord | None:
    number = row.number("licence_no")
    first_issued = row.date("first_issued")
    valid_until = row.date("valid_until")
    status = row.choice("status", LIST_STATUSES)
    since = row.date("status_since")
    codes = tuple(c.strip().upper() for c in row.text("authorised_destinations").split(";") if c.strip())
    bad = [c for c in codes if not COUNTRY_CODE.match(c)]
    if bad:
        row.problem("authorised_destinations", f"not ISO 3166-1 alpha-2 codes: {', '.join(bad)}")
    if first_issued and valid_until and valid_until < first_issued:
        row.problem("valid_until", f"{valid_until} is before first_issued {first_issued}")
    if first_issued and since and since < first_issued:
        row.problem("status_since", f"{since} is before first_issued {first_issued}")
    record = AgencyRecord(
        number, row.text("name_en"), row.text("name_km", required=False),
        row.text("address_en", required=False), row.text("address_km", required=False),
        row.text("province", required=False), row.text("phone", required=False), codes,
        first_issued, valid_until, status, since, row.file, row.row,
    )
    return record if row.ok else None


def _event(row: _Row) -> EventRecord | None:
    number = row.number("licence_no")
    event = row.choice("event", tuple(ALLOWED_FROM["licence"]))
    date = row.date("date")
    note = row.text("note", required=False)
    valid_until = None
    if event in TERM_EVENTS:
        match = VALID_UNTIL_NOTE.search(note)
        if not match:
            row.problem("note", f"an '{event}' event's note must end with 'valid until YYYY-MM-DD'")
        else:
            try:
                valid_until = dt.date.fromisoformat(match.group(1))
            except ValueError:
                row.problem("note", f"{match.group(1)!r} is not a date")
            if valid_until and date and valid_until < date:
                row.problem("note", f"valid until {valid_until} is before the event date {date}")
    record = EventRecord(number, event, date, valid_until, note, row.file, row.row)
    return record if row.ok else None


def _broker(row: _Row) -> BrokerRecord | None:
    valid_from = row.date("valid_from")
    valid_to = row.date("valid_to")
    since = row.date("status_since")
    if valid_from and valid_to and valid_to < valid_from:
        row.problem("valid_to", f"{valid_to} is before valid_from {valid_from}")
    if valid_from and since and since < valid_from:
        row.problem("status_since", f"{since} is before valid_from {valid_from}")
    record = BrokerRecord(
        row.number("sub_licence_no"), row.text("name_en"), row.text("name_km", required=False),
        row.choice("sex", ("M", "F")), row.number("agency_licence_no"),
        row.text("province", required=False), row.text("district", required=False),
        valid_from, valid_to, row.choice("status", LIST_STATUSES), since,
        row.text("phone", required=False), row.file, row.row,
    )
    return record if row.ok else None


PARSERS: dict[str, Callable[[_Row], object]] = {"agencies": _agency, "licence_events": _event, "brokers": _broker}


class _Dates(dict[str, dt.date]):
    """ISO date strings already parsed in this file: a registry repeats a few thousand days."""

    def __missing__(self, text: str) -> dt.date | None:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None  # not cached: the reference parser words the problem
        self[text] = day
        return day


EVENT_NAMES = frozenset(ALLOWED_FROM["licence"])
SEXES = frozenset({"M", "F"})


def _fast_agency(v: list[str], dates: _Dates, keys: NumberKeys, source: str, line: int) -> AgencyRecord | None:
    number, name_en, name_km, address_en, address_km, province, phone, first, until, status, since, dests = v
    if not (number and name_en and dests and status in LIST_STATUSES and keys[number]):
        return None
    first_issued, valid_until, status_since = dates[first], dates[until], dates[since]
    if first_issued is None or valid_until is None or status_since is None:
        return None
    if valid_until < first_issued or status_since < first_issued:
        return None
    codes = tuple(c.strip().upper() for c in dests.split(";") if c.strip())
    if not all(COUNTRY_CODE.match(c) for c in codes):
        return None
    return AgencyRecord(number, name_en, name_km, address_en, address_km, province, phone, codes,
                        first_issued, valid_until, status, status_since, source, line)


def _fast_event(v: list[str], dates: _Dates, keys: NumberKeys, source: str, line: int) -> EventRecord | None:
    number, event, day, note = v
    if not (number and event in EVENT_NAMES and keys[number]):
        return None
    date = dates[day]
    if date is None:
        return None
    valid_until = None
    if event in TERM_EVENTS:
        match = VALID_UNTIL_NOTE.search(note)
        valid_until = dates[match.group(1)] if match else None
        if valid_until is None or valid_until < date:
            return None
    return EventRecord(number, event, date, valid_until, note, source, line)


def _fast_broker(v: list[str], dates: _Dates, keys: NumberKeys, source: str, line: int) -> BrokerRecord | None:
    number, name_en, name_km, sex, agency_no, province, district, start, end, status, since, phone = v
    if not (number and name_en and agency_no and sex in SEXES and status in LIST_STATUSES
            and keys[number] and keys[agency_no]):
        return None
    valid_from, valid_to, status_since = dates[start], dates[end], dates[since]
    if valid_from is None or valid_to is None or status_since is None:
        return None
    if valid_to < valid_from or status_since < valid_from:
        return None
    return BrokerRecord(number, name_en, name_km, sex, agency_no, province, district, valid_from,
                        valid_to, status, status_since, phone, source, line)


_FAST: dict[str, Callable[[list[str], _Dates, NumberKeys, str, int], object]] = {
    "agencies": _fast_agency, "licence_events": _fast_event, "brokers": _fast_broker,
}
"""Accept-only twins of PARSERS over the kind's columns in KINDS order (stripped text)."""


def read_csv(path: Path, batch: RegistryBatch, problems: list[ImportProblem]) -> None:
    """Add the file's records to `batch`; add every problem found to `problems`."""
    kind = csv_kind(path)
    if kind is None:
        problems.append(ImportProblem(
            path.name, 1, None,
            "header matches none of the registry formats (agencies, licence_events, brokers): "
            + "; ".join(f"{k}: {', '.join(c)}" for k, c in KINDS.items()),
        ))
        return
    batch.sources[path.name] = sha256_of(path)
    parse, fast, dates = PARSERS[kind], _FAST[kind], _Dates()
    target = {"agencies": batch.agencies, "licence_events": batch.events, "brokers": batch.brokers}[kind]
    key_column = {"agencies": "licence_no", "brokers": "sub_licence_no"}.get(kind)
    seen: dict[str, int] = {}
    source = path.name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader)]
        width = len(header)
        position = {name: index for index, name in enumerate(header)}  # the last of equal names, as dict(zip())
        columns = [position[name] for name in KINDS[kind]]
        for line_no, fields in enumerate(reader, start=2):
            if not fields:
                continue  # a blank line, as DictReader skipped it
            if len(fields) > width:
                problems.append(ImportProblem(source, line_no, None, "more fields than the header has"))
                continue
            record = None
            if len(fields) == width:
                record = fast([fields[i].strip() for i in columns], dates, batch.keys, source, line_no)
            if record is None:
                record = parse(_Row(dict(zip(header, fields)), source, line_no, problems))
            if record is None:
                continue
            if key_column:
                key = batch.keys[getattr(record, key_column)]
                if key in seen:
                    problems.append(ImportProblem(
                        source, line_no, key_column, f"number already given on row {seen[key]}"
                    ))
                    continue
                seen[key] = line_no
            target.append(record)


def read_csv_files(paths: list[Path]) -> RegistryBatch:
    """All files or nothing: raises ImportRejectedError listing every problem in every file."""
    batch, problems = RegistryBatch(), []
    for path in paths:
        read_csv(path, batch, problems)
    if problems:
        raise ImportRejectedError(problems)
    return batch
