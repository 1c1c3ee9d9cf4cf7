"""Status of a licence or sub-licence on a date, derived from its events only.

The one rule: the status on day D is set by the last event dated on or before D
(issued/renewed/reinstated/granted -> active; suspended, revoked, expired -> themselves;
withdrawn -> revoked). Before the first event the licence is `not_yet_valid`. A term that has
run out without an explicit `expired` event still expires: an active or suspended licence is
`expired` on any day after the last day of the term begun by its latest issue/renewal.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal

Status = Literal["active", "suspended", "revoked", "expired", "not_yet_valid"]

STATUS_SET_BY_EVENT: dict[str, Status] = {
    "issued": "active",
    "granted": "active",
    "renewed": "active",
    "reinstated": "active",
    "suspended": "suspended",
    "revoked": "revoked",
    "withdrawn": "revoked",
    "expired": "expired",
}
TERM_EVENTS = frozenset({"issued", "granted", "renewed"})


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """One dated event; `valid_until` is set on events that start a validity term."""

    event: str
    date: dt.date
    valid_until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class StatusOnDate:
    status: Status
    as_of: dt.date
    since: dt.date | None
    """The day the status began (the event's date, or the day after the term ended)."""
    valid_until: dt.date | None
    """Last day of the validity term in force (or, once lapsed, of the last term)."""

    @property
    def in_force(self) -> bool:
        return self.status == "active"


_by_date = attrgetter("date")


def status_on(events: Iterable[StatusEvent], day: dt.date) -> StatusOnDate:
    """Events may come in any order; those on the same date keep their given order."""
    ordered = sorted(events, key=_by_date)  # stable: same-day order is kept
    status: Status = "not_yet_valid"
    since: dt.date | None = None
    valid_until: dt.date | None = None
    for event in ordered:
        if event.date > day:
            break
        status = STATUS_SET_BY_EVENT[event.event]
        since = event.date
        if event.event in TERM_EVENTS and event.valid_until is not None:
            valid_until = event.valid_until
    if status in ("active", "suspended") and valid_until is not None and day > valid_until:
        status = "expired"
        since = valid_until + dt.timedelta(days=1)
    if valid_until is None and status == "not_yet_valid":
        valid_until = next((e.valid_until for e in ordered if e.event in TERM_EVENTS), None)
    return StatusOnDate(status=status, as_of=day, since=since, valid_until=valid_until)


def recruiting_allowed(sub_licence: StatusOnDate, agency_licence: StatusOnDate) -> bool:
    """A broker may recruit only on a day when both its sub-licence and its agency's licence are in force."""
    return sub_licence.in_force and agency_licence.in_force
