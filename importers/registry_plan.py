"""Compare what a file says with what the registry holds and plan the differences as events.

Pure (no database): input is a validated `RegistryBatch` and a `RegistrySnapshot`, output an
`ImportPlan` or an `ImportRejectedError` listing every problem. Rules:

* Explicit events (licence_events.csv) already recorded — same event, same date — are skipped;
  new ones are appended only where `registry.transitions` allows them.
* A status list (agencies.csv without events, brokers.csv, the PDF) states "status S since D,
  term ends V". Only the events needed to make the registry say the same are added: a first
  `issued`/`granted`, a `renewed` when the term end moved, and one status event.
* An agency licence newly revoked takes its brokers' still-valid sub-licences with it that day.
* Re-importing the same statement therefore plans nothing.
"""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importers.registry_records import AgencyRecord, BrokerRecord, RegistryBatch
from registry.errors import ImportProblem, ImportRejectedError
from registry.queries import RegistrySnapshot
from registry.status import StatusEvent, status_on
from registry.transitions import FIRST_EVENT, refusal

DATA = Path(__file__).resolve().parent / "data"
SETTINGS = json.loads((DATA / "registry_import.json").read_text("utf-8"))
EVENT_FOR_LISTED_STATUS = {"suspended": "suspended", "revoked": "revoked", "expired": "expired", "active": "reinstated"}
AGENCY_FIELDS = ("name_en", "name_km", "address_en", "address_km", "province", "phone")
KHMER_FIELDS = frozenset({"name_km", "address_km"})

Ref = int | tuple[str, str]
"""An existing row's id, or ("new", number_norm) for a row this import creates."""


HISTORY_BEHIND_HELD = (
    "; the registry already holds this licence from an earlier import and a history cannot be put in"
    " front of it (a licence first imported from the ministry's PDF list is recorded as issued at the"
    " start of its current term): import the events file before any list"
)
"""Added to the refusal of an events file whose history starts before what the registry holds:
the usual cause is the PDF list imported first, and the officer needs to know what to do."""


@dataclass(slots=True)
class Track:
    """One licence or sub-licence while planning: its recorded history plus planned events.

    Slots, and no generator when nothing is planned yet: one is built per row of a bulk import.
    """

    ref: Ref
    number: str
    history: list[StatusEvent]
    version: int = 0
    added: list[tuple[StatusEvent, str]] = field(default_factory=list)
    parent: Ref | None = None
    events: list[StatusEvent] = field(init=False)
    """History followed by the planned events, kept up to date by `add` (read for every row)."""

    def __post_init__(self) -> None:
        self.events = [*self.history, *(event for event, _ in self.added)] if self.added else list(self.history)

    def add(self, event: StatusEvent, reason: str) -> None:
        self.added.append((event, reason))
        self.events.append(event)


@dataclass
class ImportPlan:
    new_agencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    """licence number_norm -> agency fields (one agency per new licence, as in the files)."""
    agency_updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    new_licences: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    """number_norm -> (number as printed, destinations)."""
    destination_updates: dict[int, list[str]] = field(default_factory=dict)
    licences: dict[str, Track] = field(default_factory=dict)
    new_brokers: dict[str, BrokerRecord] = field(default_factory=dict)
    """broker key -> the first row naming the broker (its fields are the new broker's)."""
    new_sub_licences: dict[str, tuple[str, str, Ref]] = field(default_factory=dict)
    """number_norm -> (number, broker key or id, licence ref)."""
    sub_licences: dict[str, Track] = field(default_factory=dict)

    def changed_numbers(self) -> list[str]:
        """Sorted, each once. Deduplicated in the files' order (`dict`, not `set`): files list
        numbers nearly in order, which `sorted` then merges in one pass, where a set's hash
        order made sorting a million numbers take seconds."""
        numbers = dict.fromkeys(t.number for t in (*self.licences.values(), *self.sub_licences.values()) if t.added)
        numbers.update(dict.fromkeys(number for number, _ in self.new_licences.values()))
        numbers.update(dict.fromkeys(number for number, _, _ in self.new_sub_licences.values()))
        return sorted(numbers)

    @property
    def empty(self) -> bool:
        return not (
            self.new_agencies or self.agency_updates or self.new_licences or self.destination_updates
            or self.new_brokers or self.new_sub_licences
            or any(t.added for t in (*self.licences.values(), *self.sub_licences.values()))
        )


def _without_spaces(text: str) -> str:
    """Khmer is written without spaces between words; a PDF's spacing is not the registry's.

    Whitespace as `str.split` (and the regular expression `\\s`) knows it, and the zero-width
    space; split-and-join rather than a regular expression: twice as fast, once per broker.
    """
    return "".join(unicodedata.normalize("NFC", text).replace("\u200b", "").split())


def _same(field_name: str, old: str, new: str) -> bool:
    if field_name in KHMER_FIELDS:
        return _without_spaces(old) == _without_spaces(new)
    return " ".join(old.split()) == " ".join(new.split())


def _latest_term_end(events: list[StatusEvent]) -> dt.date | None:
    """End of the newest term recorded, whatever the status on any given day."""
    return next((e.valid_until for e in reversed(events) if e.valid_until is not None), None)


def _opening_events(
    kind: str, first: dt.date | None, valid_until: dt.date, status: str, since: dt.date | None,
) -> list[StatusEvent] | None:
    """A new record's events when a list line says "status S since D, term first..valid_until".

    The bulk of a first import: what `Planner.statement` would plan for an empty history
    (the opening event, plus one status event when S is not what the term alone gives on D),
    without running `status_on` and `refusal` on each of them. None when the line needs the
    general path: no first day or date, D before the first day, or a status no event can
    reach from the term's own (e.g. 'active' after the term ended), which that path words.
    """
    if first is None or since is None or since < first or valid_until < first:
        return None
    opening = StatusEvent(FIRST_EVENT[kind], first, valid_until)
    by_term = "active" if since <= valid_until else "expired"
    if status == by_term:
        return [opening]
    if status == "revoked" or (by_term == "active" and status in ("suspended", "expired")):
        return [opening, StatusEvent(EVENT_FOR_LISTED_STATUS[status], since)]
    return None


def _broker_key(name_en: str, name_km: str, phone: str) -> str:
    return "|".join((" ".join(name_en.casefold().split()), _without_spaces(name_km), "".join(phone.split())))


class Planner:
    def __init__(self, batch: RegistryBatch, snapshot: RegistrySnapshot) -> None:
        self.batch, self.snapshot = batch, snapshot
        self.plan = ImportPlan()
        self.problems: list[ImportProblem] = []
        self.licence_by_norm = snapshot.licence_by_norm()
        self.sub_by_norm = snapshot.sub_licence_by_norm()
        self.subs_of_licence: dict[Ref, list[str]] = defaultdict(list)
        self._reasons: dict[str, str] = {}
        for sub in snapshot.sub_licences.values():
            self.subs_of_licence[sub.licence_id].append(sub.number_norm)

    def problem(self, source: str, row: int | None, column: str | None, why: str) -> None:
        self.problems.append(ImportProblem(source, row, column, why))

    # --- licences ------------------------------------------------------------------------

    def licence_track(self, norm: str) -> Track | None:
        if norm in self.plan.licences:
            return self.plan.licences[norm]
        existing = self.licence_by_norm.get(norm)
        if existing is None:
            return None
        track = Track(existing.id, existing.number, list(existing.events), existing.version)
        self.plan.licences[norm] = track
        return track

    def agency(self, record: AgencyRecord) -> None:
        norm = self.batch.keys[record.licence_no]
        if norm in self.sub_by_norm:
            self.problem(record.source, record.row, "licence_no", f"{record.licence_no} is registered as a sub-licence")
            return
        fields = {
            "name_en": record.name_en, "name_km": record.name_km, "address_en": record.address_en,
            "address_km": record.address_km, "province": record.province, "phone": record.phone,
        }
        track = self.licence_track(norm)
        if track is None:
            self.plan.new_agencies[norm] = {k: (v or "") for k, v in fields.items()}
            self.plan.new_licences[norm] = (record.licence_no, list(record.destinations))
            self.plan.licences[norm] = Track(("new", norm), record.licence_no, [])
            return
        existing = self.licence_by_norm[norm]
        agency = self.snapshot.agencies[existing.agency_id]
        changes = {
            name: value for name, value in fields.items()
            if value is not None and not _same(name, getattr(agency, name), value)
        }
        if changes:
            self.plan.agency_updates.setdefault(agency.id, {}).update(changes)
        if list(existing.destinations) != list(record.destinations):
            self.plan.destination_updates[existing.id] = list(record.destinations)

    def explicit_events(self) -> set[str]:
        """Apply licence_events rows; returns the licences whose history the batch gave in full."""
        by_licence: dict[str, list] = defaultdict(list)
        for event in self.batch.events:
            by_licence[self.batch.keys[event.licence_no]].append(event)
        for norm, events in by_licence.items():
            track = self.licence_track(norm)
            if track is None:
                first = events[0]
                self.problem(first.source, first.row, "licence_no",
                             f"{first.licence_no} is neither in this import's agency list nor registered")
                continue
            recorded = {(e.event, e.date): e for e in track.events}
            for event in sorted(events, key=lambda e: e.date):
                new = StatusEvent(event.event, event.date, event.valid_until)
                known = recorded.get((new.event, new.date))
                if known is not None:
                    if known.valid_until != new.valid_until:
                        self.problem(event.source, event.row, "note",
                                     f"{new.event} on {new.date} is recorded with valid until {known.valid_until}, not {new.valid_until}")
                    continue
                why = refusal("licence", track.events, new, recorded=True)
                if why:
                    if track.history and new.date < track.history[0].date:
                        why += HISTORY_BEHIND_HELD
                    self.problem(event.source, event.row, "event", f"{event.licence_no}: {why}")
                    break
                track.add(new, event.reason)
                recorded[(new.event, new.date)] = new
        return set(by_licence)

    def check_statement(self, record: AgencyRecord, track: Track) -> None:
        """agencies.csv given with its events: the two must agree."""
        day = self.evaluation_day(track.events, record.status_since)
        state = status_on(track.events, day)
        if state.status != record.status:
            self.problem(record.source, record.row, "status",
                         f"{record.licence_no} is {record.status} here but its events give {state.status} on {day}")
        elif _latest_term_end(track.events) != record.valid_until:
            self.problem(record.source, record.row, "valid_until",
                         f"{record.licence_no}: valid until {record.valid_until} here but its events give "
                         f"{_latest_term_end(track.events)}")

    def evaluation_day(self, events: list[StatusEvent], since: dt.date | None) -> dt.date:
        """The day a list's statement speaks for: the list's date, else the day the status began.

        Never "the latest event": an older list must not undo what officers recorded after it.
        """
        if self.batch.list_date is not None:
            return self.batch.list_date
        if since is not None:
            return since
        return events[-1].date if events else dt.date.today()

    def statement(
        self, kind: str, track: Track, *, first: dt.date | None, valid_until: dt.date, status: str,
        since: dt.date | None, reason: str, source: str, row: int,
    ) -> None:
        """Plan the fewest events that make `track` say `status` (since `since`) and end on `valid_until`."""
        if not track.events and self.batch.list_date is None:
            opening = _opening_events(kind, first, valid_until, status, since)
            if opening is not None:
                for event in opening:
                    track.add(event, reason)
                return
        self.statement_in_full(kind, track, first=first, valid_until=valid_until, status=status, since=since,
                               reason=reason, source=source, row=row)

    def statement_in_full(
        self, kind: str, track: Track, *, first: dt.date | None, valid_until: dt.date, status: str,
        since: dt.date | None, reason: str, source: str, row: int,
    ) -> None:
        """`statement` for any history, every planned event checked against `refusal`."""
        history = list(track.events)
        planned: list[StatusEvent] = []
        if not history:
            if first is None:
                years = SETTINGS["licence_term_years"]
                first = valid_until.replace(year=valid_until.year - years) + dt.timedelta(days=1)
                if since is not None:
                    first = min(first, since)
            planned.append(StatusEvent(FIRST_EVENT[kind], first, valid_until))
        so_far = history + planned  # one list kept alongside `planned` (a re-import reads it per row)
        latest_end = _latest_term_end(so_far)
        if latest_end is None or valid_until > latest_end:
            last = so_far[-1].date
            if status == "active" and since and since > last:
                on = since  # the renewal is what made it active
            elif latest_end is not None:
                on = latest_end + dt.timedelta(days=1)  # the new term's first day
            else:
                on = since or last
            renewal = StatusEvent("renewed", max(on, last), valid_until)
            planned.append(renewal)
            so_far.append(renewal)
        day = self.evaluation_day(so_far, since)
        if status_on(so_far, day).status != status:
            planned.append(StatusEvent(EVENT_FOR_LISTED_STATUS[status], max(since or day, so_far[-1].date)))
        elif not planned and latest_end == valid_until:
            return  # the registry already says this (a re-import): nothing to check again
        for event in planned:
            why = refusal(kind, history, event)
            if why:
                self.problem(source, row, "status", f"{track.number}: the list says {status}"
                             f"{f' since {since}' if since else ''}, valid until {valid_until}, but {why}")
                return
            history.append(event)
        final = status_on(history, day)
        if final.status != status or _latest_term_end(history) != valid_until:
            self.problem(source, row, "status", f"{track.number}: the list says {status} until {valid_until} "
                         f"but the registry's history gives {final.status} on {day}, until {_latest_term_end(history)}")
            return
        for event in planned:
            track.add(event, reason)

    def list_reason(self, source: str) -> str:
        """One string per file, shared by its rows' events (not a copy per row)."""
        reason = self._reasons.get(source)
        if reason is None:
            when = f" of {self.batch.list_date}" if self.batch.list_date else ""
            reason = self._reasons[source] = f"as stated in the list {source}{when}"
        return reason

    # --- sub-licences --------------------------------------------------------------------

    def broker(self, record: BrokerRecord) -> None:
        keys, plan = self.batch.keys, self.plan
        parent = self.licence_track(keys[record.agency_licence_no])
        if parent is None:
            self.problem(record.source, record.row, "agency_licence_no",
                         f"{record.agency_licence_no} is neither in this import nor registered")
            return
        norm = keys[record.sub_licence_no]
        if norm in self.licence_by_norm or norm in plan.new_licences:
            self.problem(record.source, record.row, "sub_licence_no", f"{record.sub_licence_no} is an agency licence number")
            return
        existing = self.sub_by_norm.get(norm)
        if existing is not None:
            if existing.licence_id != parent.ref:
                self.problem(record.source, record.row, "agency_licence_no",
                             f"{record.sub_licence_no} is registered under another agency's licence")
                return
            track = Track(existing.id, existing.number, list(existing.events), existing.version, parent=parent.ref)
        else:
            key = _broker_key(record.name_en, record.name_km, record.phone)
            broker_ref: int | str = self.broker_ids().get(key, key)
            if broker_ref == key and key not in plan.new_brokers:
                plan.new_brokers[key] = record
            plan.new_sub_licences[norm] = (record.sub_licence_no, broker_ref, parent.ref)
            self.subs_of_licence[parent.ref].append(norm)
            track = Track(("new", norm), record.sub_licence_no, [], parent=parent.ref)
        plan.sub_licences[norm] = track
        self.statement(
            "sub_licence", track, first=record.valid_from, valid_until=record.valid_to,
            status=record.status, since=record.status_since,
            reason=self.list_reason(record.source), source=record.source, row=record.row,
        )

    def broker_ids(self) -> dict[str, int]:
        if not hasattr(self, "_broker_ids"):
            self._broker_ids = {
                _broker_key(b.name_en, b.name_km, b.phone): b.id for b in self.snapshot.brokers.values()
            }
        return self._broker_ids

    def sub_track(self, norm: str) -> Track:
        if norm not in self.plan.sub_licences:
            row = self.sub_by_norm[norm]
            self.plan.sub_licences[norm] = Track(row.id, row.number, list(row.events), row.version, parent=row.licence_id)
        return self.plan.sub_licences[norm]

    def cascade_revocations(self) -> None:
        for track in self.plan.licences.values():
            for event, _ in track.added:
                if event.event != "revoked":
                    continue
                for norm in self.subs_of_licence.get(track.ref, []):
                    sub = self.sub_track(norm)
                    events = sub.events
                    if not events or events[-1].date > event.date:
                        continue
                    if status_on(events, event.date).status not in ("active", "suspended"):
                        continue
                    revoke = StatusEvent("revoked", event.date)
                    if refusal("sub_licence", events, revoke) is None:
                        sub.add(revoke, f"agency licence {track.number} revoked")

    # --- all -----------------------------------------------------------------------------

    def run(self) -> ImportPlan:
        for record in self.batch.agencies:
            self.agency(record)
        with_events = self.explicit_events()
        for record in self.batch.agencies:
            norm = self.batch.keys[record.licence_no]
            track = self.plan.licences.get(norm)
            if track is None:
                continue
            if norm in with_events:
                self.check_statement(record, track)
            else:
                self.statement(
                    "licence", track, first=record.first_issued, valid_until=record.valid_until,
                    status=record.status, since=record.status_since,
                    reason=self.list_reason(record.source), source=record.source, row=record.row,
                )
        for record in self.batch.brokers:
            self.broker(record)
        self.cascade_revocations()
        if self.problems:
            raise ImportRejectedError(self.problems)
        return self.plan


def plan_import(batch: RegistryBatch, snapshot: RegistrySnapshot) -> ImportPlan:
    return Planner(batch, snapshot).run()
