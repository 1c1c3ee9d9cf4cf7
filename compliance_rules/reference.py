"""Reference data with effective dates: minimum wages, hour limits, fee items, statutory items.

Rules compare a contract with the figure in force on its signing date, never today's; so
every row carries `effective_from`/`effective_to` (empty = open).
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from compliance_rules.text import normalise

_DATA = "compliance_rules.data"


def _read_text(name: str) -> str:
    return resources.files(_DATA).joinpath(name).read_text("utf-8")


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _in_force(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


@dataclass(frozen=True)
class MinimumWage:
    country: str
    currency: str
    period: str
    amount: Decimal | None
    """None: the destination has no general statutory minimum."""
    effective_from: dt.date | None
    effective_to: dt.date | None
    basis: str
    source: str


@cache
def minimum_wages() -> tuple[MinimumWage, ...]:
    rows = csv.DictReader(_read_text("minimum_wages.csv").splitlines())
    return tuple(
        MinimumWage(
            country=row["country"], currency=row["currency"], period=row["period"],
            amount=Decimal(row["amount"]) if row["amount"] else None,
            effective_from=_date(row["effective_from"]), effective_to=_date(row["effective_to"]),
            basis=row["basis"], source=row["source"],
        )
        for row in rows
    )


def minimum_wage_on(country: str, day: dt.date) -> MinimumWage | None:
    """The rate in force on `day`; a no-minimum row (no dates) applies on every day."""
    for row in minimum_wages():
        if row.country == country and _in_force(row.effective_from, row.effective_to, day):
            return row
    return None


@dataclass(frozen=True)
class HourLimit:
    max_hours_day: Decimal
    max_hours_week: Decimal
    max_days_week: int
    basis: str


@cache
def _hour_limits() -> tuple[tuple[str, dt.date | None, dt.date | None, HourLimit], ...]:
    rows = csv.DictReader(_read_text("hour_limits.csv").splitlines())
    return tuple(
        (row["country"], _date(row["effective_from"]), _date(row["effective_to"]),
         HourLimit(Decimal(row["max_hours_day"]), Decimal(row["max_hours_week"]),
                   int(row["max_days_week"]), row["basis"]))
        for row in rows
    )


def hour_limit_on(country: str | None, day: dt.date | None) -> HourLimit | None:
    """The destination's own row when there is one, else the `*` benchmark row; None on a day
    no row covers (a signing date read before the benchmark's own, 1919), as `minimum_wage_on`
    gives None: the hours are then not judged, where raising stopped every rule of the check."""
    candidates = [
        (key, limit) for key, start, end, limit in _hour_limits()
        if key in (country, "*") and (day is None or _in_force(start, end, day))
    ]
    candidates.sort(key=lambda pair: pair[0] == "*")
    return candidates[0][1] if candidates else None


@cache
def fee_items() -> dict[str, dict[str, str]]:
    raw = json.loads(_read_text("fee_items.json"))
    return {key: value for key, value in raw.items() if not key.startswith("_")}


def fee_rule(item: str) -> str:
    """The rule that judges a worker paying this item; unknown items are related costs."""
    entry = fee_items().get(item.strip().casefold())
    return entry["rule"] if entry else "FEE002"


@dataclass(frozen=True)
class StatutoryItem:
    country: str
    item: str
    patterns: re.Pattern[str]
    effective_from: dt.date | None
    effective_to: dt.date | None
    basis: str


@cache
def statutory_items() -> tuple[StatutoryItem, ...]:
    raw = json.loads(_read_text("statutory_worker_items.json"))
    return tuple(
        StatutoryItem(
            country=country, item=entry["item"],
            patterns=re.compile("|".join(normalise(p) for p in entry["patterns"])),
            effective_from=_date(entry["effective_from"]), effective_to=_date(entry["effective_to"]),
            basis=entry["basis"],
        )
        for country, entries in raw.items() if not country.startswith("_")
        for entry in entries
    )


def statutory_mention(country: str | None, text: str, day: dt.date | None) -> StatutoryItem | None:
    """A cost the destination's law puts on the worker, named in `text` and in force on `day`."""
    norm = normalise(text)
    for entry in statutory_items():
        if (entry.country == country and entry.patterns.search(norm)
                and (day is None or _in_force(entry.effective_from, entry.effective_to, day))):
            return entry
    return None


def statutory_item(country: str | None, item: str, text: str, day: dt.date | None) -> StatutoryItem | None:
    """The destination's law puts this fee item on the worker (matched on the fee's own text)."""
    entry = statutory_mention(country, text, day)
    return entry if entry is not None and entry.item == item else None
