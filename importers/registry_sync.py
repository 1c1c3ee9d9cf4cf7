"""Apply registry batches: one transaction, plan against the current registry, bulk-write.

Validation happens before any row is written; a problem found while planning a later batch
(e.g. the PDF after the CSVs of the same run) rolls the whole run back. On PostgreSQL the
licence and sub-licence tables are locked against officers' writes for the duration (plain
reads continue), so the plan cannot be overtaken by a concurrent action. A first import into
an empty registry loads its tables without their secondary indexes and rebuilds them before
commit (`registry.bulk_load`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from importers.registry_plan import SETTINGS, ImportPlan, Ref, Track, plan_import
from importers.registry_records import RegistryBatch
from registry import audit
from registry.bulk_load import BulkLoad, empty_tables_unindexed
from registry.db import current_engine, is_sqlite
from registry.queries import load_registry_snapshot
from registry.tables import Agency, Broker, Licence, LicenceEvent, SubLicence, SubLicenceEvent

REGISTRY_TABLES = (Agency, Licence, LicenceEvent, Broker, SubLicence, SubLicenceEvent)
from registry.writes import bulk_date, bulk_insert, bulk_timestamp, bulk_update, fetch, write_transaction

Progress = Callable[[str, int, int], None]
"""(stage, done, total): called as the import advances."""


@dataclass
class ImportSummary:
    agencies_added: int = 0
    agencies_updated: int = 0
    licences_added: int = 0
    destinations_updated: int = 0
    licence_events_added: int = 0
    brokers_added: int = 0
    sub_licences_added: int = 0
    sub_licence_events_added: int = 0
    files: dict[str, str] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)

    @property
    def nothing_changed(self) -> bool:
        return not self.changed and not self.agencies_updated and not self.destinations_updated

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def add(self, other: ImportSummary) -> None:
        for item in fields(self):  # not asdict(): it would deep-copy `changed`, a million numbers at scale
            value = getattr(other, item.name)
            if isinstance(value, int):
                setattr(self, item.name, getattr(self, item.name) + value)
        self.files.update(other.files)
        # `changed` lists are sorted and unique: the first batch's is taken as it is.
        self.changed = sorted(set(self.changed) | set(other.changed)) if self.changed else list(other.changed)


def no_progress(stage: str, done: int, total: int) -> None:
    """Default progress sink for non-interactive runs."""


async def _lock_registry() -> None:
    if not is_sqlite(current_engine()):
        await fetch("LOCK TABLE licence, sub_licence IN EXCLUSIVE MODE")


def _resolve(ref: Ref, new_ids: dict[str, int]) -> int:
    return ref if isinstance(ref, int) else new_ids[ref[1]]


def _event_rows(
    tracks: Iterable[Track], new_ids: dict[str, int], day: Callable[[dt.date], Any], actor: str, now: Any,
) -> list[tuple[Any, ...]]:
    """(owner, event, date, valid_until, reason, actor, recorded_at) for every planned event."""
    rows: list[tuple[Any, ...]] = []
    for track in tracks:
        if track.added:
            owner = _resolve(track.ref, new_ids)
            rows += [(owner, e.event, day(e.date), e.valid_until and day(e.valid_until), reason, actor, now)
                     for e, reason in track.added]
    return rows


async def _write(plan: ImportPlan, actor: str, progress: Progress, load: BulkLoad) -> ImportSummary:
    now = bulk_timestamp(dt.datetime.now(dt.timezone.utc))
    day = bulk_date()
    summary = ImportSummary(changed=plan.changed_numbers())
    total = (len(plan.new_agencies) * 2 + len(plan.new_brokers) + len(plan.new_sub_licences)
             + sum(len(t.added) for t in (*plan.licences.values(), *plan.sub_licences.values())))
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        progress("writing", done, total)

    agency_ids = dict(zip(plan.new_agencies, await load.allocate_ids(Agency, len(plan.new_agencies))))
    await bulk_insert(
        Agency, ("id", "name_en", "name_km", "address_en", "address_km", "province", "phone", "officers", "created_at"),
        [(agency_ids[n], f["name_en"], f["name_km"], f["address_en"], f["address_km"], f["province"], f["phone"], "[]", now)
         for n, f in plan.new_agencies.items()],
    )
    step(len(agency_ids))
    licence_ids = dict(zip(plan.new_licences, await load.allocate_ids(Licence, len(plan.new_licences))))
    await bulk_insert(
        Licence, ("id", "number", "number_norm", "agency", "destinations", "sectors", "version"),
        [(licence_ids[n], number, n, agency_ids[n], json.dumps(dests), "[]", 1)
         for n, (number, dests) in plan.new_licences.items()],
    )
    step(len(licence_ids))
    summary.agencies_added, summary.licences_added = len(agency_ids), len(licence_ids)

    for agency_id, changes in plan.agency_updates.items():
        columns = sorted(changes)
        await bulk_update(Agency, columns, [(*(changes[c] for c in columns), agency_id)])
    summary.agencies_updated = len(plan.agency_updates)
    await bulk_update(Licence, ["destinations"], [(json.dumps(d), i) for i, d in plan.destination_updates.items()])
    summary.destinations_updated = len(plan.destination_updates)

    rows = _event_rows(plan.licences.values(), licence_ids, day, actor, now)
    await bulk_insert(LicenceEvent, ("licence", "event", "date", "valid_until", "reason", "actor", "recorded_at"), rows)
    summary.licence_events_added = len(rows)
    step(len(rows))

    broker_ids = dict(zip(plan.new_brokers, await load.allocate_ids(Broker, len(plan.new_brokers))))
    await bulk_insert(
        Broker, ("id", "name_en", "name_km", "sex", "national_id", "province", "district", "phone", "created_at"),
        [(broker_ids[k], b.name_en, b.name_km, b.sex, None, b.province, b.district, b.phone, now)
         for k, b in plan.new_brokers.items()],
    )
    step(len(broker_ids))
    sub_ids = dict(zip(plan.new_sub_licences, await load.allocate_ids(SubLicence, len(plan.new_sub_licences))))
    await bulk_insert(
        SubLicence, ("id", "number", "number_norm", "broker", "licence", "version"),
        [(sub_ids[n], number, n, broker if isinstance(broker, int) else broker_ids[broker], _resolve(parent, licence_ids), 1)
         for n, (number, broker, parent) in plan.new_sub_licences.items()],
    )
    step(len(sub_ids))
    summary.brokers_added, summary.sub_licences_added = len(broker_ids), len(sub_ids)
    rows = _event_rows(plan.sub_licences.values(), sub_ids, day, actor, now)
    await bulk_insert(SubLicenceEvent, ("sub_licence", "event", "date", "valid_until", "reason", "actor", "recorded_at"), rows)
    summary.sub_licence_events_added = len(rows)
    step(len(rows))

    # Officers holding an older version of a changed record must reload before acting on it.
    await bulk_update(Licence, ["version"], [
        (t.version + 1, t.ref) for t in plan.licences.values()
        if isinstance(t.ref, int) and (t.added or t.ref in plan.destination_updates)
    ])
    await bulk_update(SubLicence, ["version"], [
        (t.version + 1, t.ref) for t in plan.sub_licences.values() if t.added and isinstance(t.ref, int)
    ])
    return summary


def _audit_record(actor: str, summary: ImportSummary) -> audit.AuditRecord:
    limit = SETTINGS["changed_numbers_listed_in_audit"]
    after: dict[str, object] = {f.name: getattr(summary, f.name) for f in fields(summary) if f.name != "changed"}
    if len(summary.changed) <= limit:
        after["changed"] = summary.changed
    else:
        after["changed_count"] = len(summary.changed)
        after["changed_sha256"] = hashlib.sha256("\n".join(summary.changed).encode()).hexdigest()
    key = ",".join(sorted(summary.files))[:100] or "import"
    return audit.AuditRecord(actor, "registry.import", "import", key, {}, after)


async def apply_batches(batches: Sequence[RegistryBatch], *, actor: str, progress: Progress = no_progress) -> ImportSummary:
    """Plan and write each batch in order, all in one transaction; nothing changes on any problem."""
    total = ImportSummary()
    async with write_transaction():
        await _lock_registry()
        async with empty_tables_unindexed(REGISTRY_TABLES) as load:
            for batch in batches:
                progress("comparing", 0, batch.row_count)
                plan = plan_import(batch, await load_registry_snapshot())
                progress("comparing", batch.row_count, batch.row_count)
                if plan.empty:
                    total.files.update(batch.sources)
                    continue
                summary = await _write(plan, actor, progress, load)
                summary.files = dict(batch.sources)
                total.add(summary)
        if not total.nothing_changed:
            await audit.append(_audit_record(actor, total))
    return total
