"""What a registry file says, independent of its format (CSV, the ministry's PDF list).

Two kinds of statement reach the registry: a full event history (licence_events.csv), or a
*list* that only gives each licence's status on the list's date, since when, and the end of
its term (agencies.csv without events, the PDF). `registry_sync` turns both into events.

The records are named tuples, not frozen dataclasses: just as immutable, and a bulk import
builds one per row, where a frozen dataclass's per-field `object.__setattr__` made a broker
record cost 1.5 us against 0.2 us (a tenth of reading the whole row).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from registry.numbers import NumberKeys


class AgencyRecord(NamedTuple):
    licence_no: str
    name_en: str
    name_km: str
    address_en: str
    address_km: str
    province: str | None
    """None when the source does not give it (the PDF): keep what the registry has."""
    phone: str
    destinations: tuple[str, ...]
    first_issued: dt.date | None
    valid_until: dt.date
    status: str
    status_since: dt.date | None
    source: str
    row: int


class EventRecord(NamedTuple):
    licence_no: str
    event: str
    date: dt.date
    valid_until: dt.date | None
    reason: str
    source: str
    row: int


class BrokerRecord(NamedTuple):
    sub_licence_no: str
    name_en: str
    name_km: str
    sex: str
    agency_licence_no: str
    province: str
    district: str
    valid_from: dt.date
    valid_to: dt.date
    status: str
    status_since: dt.date
    phone: str
    source: str
    row: int


@dataclass
class RegistryBatch:
    """Everything one import run read, already validated row by row."""

    agencies: list[AgencyRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    brokers: list[BrokerRecord] = field(default_factory=list)
    list_date: dt.date | None = None
    """The date a status list speaks for (the PDF's 'status as of'); None for CSVs."""
    sources: dict[str, str] = field(default_factory=dict)
    """file name -> SHA-256 of its bytes, for the audit entry."""
    keys: NumberKeys = field(default_factory=NumberKeys)
    """Every number read, normalised once for the reader and the planner."""

    @property
    def row_count(self) -> int:
        return len(self.agencies) + len(self.events) + len(self.brokers)
