"""The flag workflow: what an inspector does with a finding that needs follow-up.

open -> in_review -> confirmed | dismissed -> closed. Every change is a `FlagEvent` (the
flag's own history, shown to inspectors) and an audit entry (the registry-wide trail). A
dismissal needs a reason, because a dismissed flag is the one that may be wrong. Writes carry
the version the caller saw, so two inspectors acting on one flag cannot overwrite each other.
"""
from __future__ import annotations

import json

from registry import audit
from registry.audit import AuditRecord
from registry.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from registry.numbers import number_norm
from registry.tables import FLAG_STATUSES, SEVERITIES, Flag, FlagEvent
from registry.writes import lock_for_update, write_transaction

TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"in_review"}),
    "in_review": frozenset({"confirmed", "dismissed"}),
    "confirmed": frozenset({"closed"}),
    "dismissed": frozenset({"closed"}),
    "closed": frozenset(),
}
NOTE_REQUIRED = frozenset({"dismissed"})
MAX_NOTE = 4000

_COLUMNS = (
    Flag.id,
    Flag.contract,
    Flag.rule,
    Flag.severity,
    Flag.title,
    Flag.explanation,
    Flag.evidence,
    Flag.status,
    Flag.assignee,
    Flag.created_at,
    Flag.version,
    Flag.licence.number.as_alias("licence_number"),
    Flag.licence.agency.name_en.as_alias("agency_name"),
    Flag.sub_licence.number.as_alias("sub_licence_number"),
    Flag.sub_licence.broker.name_en.as_alias("broker_name"),
)


def _shape(row: dict) -> dict:
    return {
        "id": row["id"],
        "contract_id": row["contract"],
        "rule": row["rule"],
        "severity": row["severity"],
        "title": row["title"],
        "explanation": row["explanation"],
        "evidence": json.loads(row["evidence"]) if isinstance(row["evidence"], str) else row["evidence"],
        "status": row["status"],
        "assignee": row["assignee"],
        "created_at": row["created_at"],
        "version": row["version"],
        "licence_number": row["licence_number"],
        "agency_name": row["agency_name"],
        "sub_licence_number": row["sub_licence_number"],
        "broker_name": row["broker_name"],
    }


async def list_flags(
    *,
    agency: str | None = None,
    broker: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
    status: str | None = None,
    assignee: str | None = None,
    contract_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict]:
    """`agency` is a licence number and `broker` a sub-licence number, in any printed form."""
    if severity is not None and severity not in SEVERITIES:
        raise ValidationError(f"unknown severity {severity!r}; one of {', '.join(SEVERITIES)}")
    if status is not None and status not in FLAG_STATUSES:
        raise ValidationError(f"unknown status {status!r}; one of {', '.join(FLAG_STATUSES)}")
    if not 1 <= limit <= 1000 or offset < 0:
        raise ValidationError("limit is 1 to 1000 and offset is not negative")
    query = Flag.select(*_COLUMNS)
    if agency:
        query = query.where(Flag.licence.number_norm == number_norm(agency))
    if broker:
        query = query.where(Flag.sub_licence.number_norm == number_norm(broker))
    if rule:
        query = query.where(Flag.rule == rule.strip().upper())
    if severity:
        query = query.where(Flag.severity == severity)
    if status:
        query = query.where(Flag.status == status)
    if assignee is not None:
        query = query.where(Flag.assignee == assignee)
    if contract_id is not None:
        query = query.where(Flag.contract == contract_id)
    rows = await query.order_by(Flag.id).limit(limit).offset(offset)
    return [_shape(row) for row in rows]


async def get_flag(flag_id: int) -> dict:
    """The flag with its full history, oldest first."""
    row = await Flag.select(*_COLUMNS).where(Flag.id == flag_id).first()
    if row is None:
        raise NotFoundError(f"no flag with id {flag_id}")
    history = await FlagEvent.select(
        FlagEvent.action, FlagEvent.from_status, FlagEvent.to_status, FlagEvent.note,
        FlagEvent.actor, FlagEvent.at,
    ).where(FlagEvent.flag == flag_id).order_by(FlagEvent.id)
    return {**_shape(row), "history": history}


async def assign(flag_id: int, assignee: str, *, actor: str, expected_version: int | None = None) -> dict:
    assignee = assignee.strip()
    if len(assignee) > 200:
        raise ValidationError("an assignee name is at most 200 characters")
    return await _change(
        flag_id, actor=actor, expected_version=expected_version, action="assigned",
        values={Flag.assignee: assignee}, note=assignee, audit_action="flag.assign",
    )


async def move(
    flag_id: int, to_status: str, *, actor: str, note: str = "", expected_version: int | None = None
) -> dict:
    """Move a flag along the workflow; refuses any step the workflow does not have."""
    if to_status not in TRANSITIONS:
        raise ValidationError(f"unknown status {to_status!r}; one of {', '.join(FLAG_STATUSES)}")
    note = _clean_note(note)
    if to_status in NOTE_REQUIRED and not note:
        raise ValidationError(f"moving a flag to {to_status} needs a reason in the note")
    return await _change(
        flag_id, actor=actor, expected_version=expected_version, action="status",
        values={Flag.status: to_status}, note=note, audit_action=f"flag.{to_status}",
        to_status=to_status,
    )


async def add_note(flag_id: int, note: str, *, actor: str, expected_version: int | None = None) -> dict:
    note = _clean_note(note)
    if not note:
        raise ValidationError("a note cannot be empty")
    return await _change(
        flag_id, actor=actor, expected_version=expected_version, action="note", values={},
        note=note, audit_action="flag.note",
    )


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(f"a note is at most {MAX_NOTE} characters")
    return note


async def _change(
    flag_id: int,
    *,
    actor: str,
    expected_version: int | None,
    action: str,
    values: dict,
    note: str,
    audit_action: str,
    to_status: str | None = None,
) -> dict:
    async with write_transaction():
        await lock_for_update(Flag, flag_id)
        current = await Flag.select(Flag.status, Flag.assignee, Flag.version).where(Flag.id == flag_id).first()
        if current is None:
            raise NotFoundError(f"no flag with id {flag_id}")
        if expected_version is not None and expected_version != current["version"]:
            raise ConflictError(
                f"flag {flag_id} changed meanwhile (version {current['version']}, you saw {expected_version}); reload it"
            )
        if to_status is not None and to_status not in TRANSITIONS[current["status"]]:
            allowed = ", ".join(sorted(TRANSITIONS[current["status"]])) or "nothing (it is closed)"
            raise InvalidTransitionError(
                f"flag {flag_id} is {current['status']}; it can move to {allowed}, not {to_status}"
            )
        updated = await Flag.update({**values, Flag.version: Flag.version + 1}).where(
            (Flag.id == flag_id) & (Flag.version == current["version"])
        ).returning(Flag.id)
        if not updated:
            raise ConflictError(f"flag {flag_id} changed meanwhile; reload it")
        await FlagEvent(
            flag=flag_id, action=action, from_status=current["status"],
            to_status=to_status or current["status"], note=note, actor=actor,
        ).save()
        after = {"status": to_status or current["status"], "assignee": values.get(Flag.assignee, current["assignee"])}
        if note:
            after["note"] = note
        await _audit(actor, audit_action, str(flag_id),
                     {"status": current["status"], "assignee": current["assignee"]}, after)
    return await get_flag(flag_id)


async def _audit(actor: str, action: str, key: str, before: dict, after: dict) -> None:
    await audit.append(AuditRecord(actor, action, "flag", key, before, after))
