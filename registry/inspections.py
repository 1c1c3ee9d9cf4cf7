"""Recording inspections of agencies and brokers, and reading their history.

An inspection's outcome feeds the risk score (points per outcome in
`registry/risk/data/weights.json`), so the outcome must be one the weights file knows: an
unknown outcome would silently count for nothing.
"""
from __future__ import annotations

import datetime as dt

from registry.audit import AuditRecord, append
from registry.errors import ValidationError
from registry.risk.service import resolve_entity
from registry.risk.weights import load_weights
from registry.tables import Contract, Flag, Inspection
from registry.writes import write_transaction

MAX_NOTES = 4000
MAX_NAME = 200


def _validate(day: dt.date, inspector: str, outcome: str, notes: str, today: dt.date) -> tuple[str, str]:
    outcomes = load_weights().outcomes
    if outcome not in outcomes:
        raise ValidationError(f"unknown inspection outcome {outcome!r}; one of {', '.join(outcomes)}")
    inspector = (inspector or "").strip()
    if not inspector:
        raise ValidationError("an inspection needs the inspector's name")
    if len(inspector) > MAX_NAME:
        raise ValidationError(f"an inspector name is at most {MAX_NAME} characters")
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise ValidationError(f"inspection notes are at most {MAX_NOTES} characters")
    if day > today:
        raise ValidationError(f"an inspection cannot be recorded for a future day ({day.isoformat()})")
    return inspector, notes


async def record_inspection(
    number: str,
    *,
    day: dt.date,
    inspector: str,
    outcome: str,
    notes: str = "",
    actor: str,
    today: dt.date | None = None,
) -> dict:
    """Record an inspection of the agency licence or broker sub-licence `number` (any printed
    form), with its audit entry in the same transaction."""
    inspector, notes = _validate(day, inspector, outcome, notes, today or dt.date.today())
    kind, entity_id, canonical = await resolve_entity(number)
    async with write_transaction():
        row = Inspection(
            licence=entity_id if kind == "agency" else None,
            sub_licence=entity_id if kind == "broker" else None,
            date=day,
            inspector=inspector,
            outcome=outcome,
            notes=notes,
        )
        await row.save()
        after = {"kind": kind, "number": canonical, "date": day.isoformat(), "inspector": inspector,
                 "outcome": outcome, "notes": notes, "inspection_id": row.id}
        await append(AuditRecord(actor=actor, action="inspection.record", entity="inspection",
                                 entity_key=str(row.id), before={}, after=after))
    return {"id": row.id, **after}


async def inspection_history(number: str) -> list[dict]:
    """Every inspection of the agency or broker, newest first."""
    kind, entity_id, _ = await resolve_entity(number)
    column = Inspection.licence if kind == "agency" else Inspection.sub_licence
    rows = await Inspection.select(
        Inspection.id, Inspection.date, Inspection.inspector, Inspection.outcome,
        Inspection.notes, Inspection.recorded_at,
    ).where(column == entity_id).order_by(Inspection.date, Inspection.id, ascending=False)
    return rows


async def entity_contracts(number: str) -> list[dict]:
    """The contracts resolved to this agency or broker, newest signing first, each with its
    count of flags that still count (not dismissed) and of critical ones."""
    kind, entity_id, _ = await resolve_entity(number)
    column = Contract.licence if kind == "agency" else Contract.sub_licence
    contracts = await Contract.select(
        Contract.id, Contract.file_name, Contract.signing_date, Contract.status,
    ).where(column == entity_id).order_by(Contract.signing_date, Contract.id, ascending=False)
    if not contracts:
        return []
    counts: dict[int, dict[str, int]] = {c["id"]: {"flags": 0, "critical": 0} for c in contracts}
    flags = await Flag.select(Flag.contract, Flag.severity).where(
        Flag.contract.is_in(Contract.select(Contract.id).where(column == entity_id))
        & (Flag.status != "dismissed")
    )
    for flag in flags:
        counts[flag["contract"]]["flags"] += 1
        counts[flag["contract"]]["critical"] += flag["severity"] == "critical"
    return [{**c, **counts[c["id"]]} for c in contracts]
