"""Officer actions on the registry. Each one is a single transaction that locks the record,
checks the caller's `expected_version` (stale writes are refused, never merged), checks the
transition against the record's history (`registry.transitions`), appends the event, bumps
the version and writes the audit entry — all or nothing.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from registry import audit
from registry.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from registry.numbers import number_norm
from registry.queries import licence_events, sub_licence_events
from registry.status import StatusEvent, status_on
from registry.tables import Agency, Broker, Licence, LicenceEvent, SubLicence, SubLicenceEvent
from registry.transitions import refusal
from registry.writes import fetch, lock_for_update, write_transaction

COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
REASON_REQUIRED = frozenset({"suspended", "reinstated", "revoked", "withdrawn"})


@dataclass(frozen=True)
class ActionResult:
    """What an action did: the record, its new version, and the event it recorded."""

    number: str
    version: int
    event: str
    date: dt.date
    status: str
    """Status on the event's date after the action."""
    cascaded: tuple[str, ...] = ()
    """Sub-licences revoked along with an agency's licence."""


def _require_reason(event: str, reason: str) -> str:
    reason = (reason or "").strip()
    if event in REASON_REQUIRED and not reason:
        raise ValidationError(f"a reason is required to record '{event}'")
    return reason


def _require_actor(actor: str) -> str:
    if not (actor or "").strip():
        raise ValidationError("every change needs an actor (who is making it)")
    return actor.strip()


def _destinations(codes: Sequence[str]) -> list[str]:
    cleaned = [c.strip().upper() for c in codes if c.strip()]
    bad = [c for c in cleaned if not COUNTRY_CODE.match(c)]
    if bad:
        raise ValidationError(f"destinations must be ISO 3166-1 alpha-2 codes, got {bad}")
    return sorted(set(cleaned), key=cleaned.index)


def _check_version(kind: str, number: str, current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise ConflictError(
            f"{kind} {number} changed since you read it (version {expected}, now {current}); reload and retry"
        )


async def _number_free(number: str) -> str:
    key = number_norm(number)
    if not key:
        raise ValidationError(f"not a licence number: {number!r}")
    taken = await fetch(
        "SELECT number FROM licence WHERE number_norm = {} UNION ALL SELECT number FROM sub_licence WHERE number_norm = {}",
        key, key,
    )
    if taken:
        raise ConflictError(f"number {number!r} is already registered (as {taken[0]['number']})")
    return key


async def _bump(table, row_id: int) -> int:
    rows = await fetch(
        f'UPDATE "{table._meta.tablename}" SET version = version + 1 WHERE id = {{}} RETURNING version', row_id
    )
    return int(rows[0]["version"])


def _state(events: Sequence[StatusEvent], day: dt.date, version: int) -> dict[str, Any]:
    state = status_on(events, day)
    return {"status": state.status, "valid_until": state.valid_until, "version": version}


# --- agencies and brokers -------------------------------------------------------------------


async def register_agency(
    *, name_en: str, actor: str, name_km: str = "", address_en: str = "", address_km: str = "",
    province: str = "", phone: str = "", officers: Sequence[dict[str, str]] = (),
) -> int:
    """Returns the new agency's id. Names are not unique: a re-registration is a new agency."""
    actor = _require_actor(actor)
    if not name_en.strip():
        raise ValidationError("an agency needs a registered name in Latin script")
    fields = {
        "name_en": name_en.strip(), "name_km": name_km.strip(), "address_en": address_en.strip(),
        "address_km": address_km.strip(), "province": province.strip(), "phone": phone.strip(),
        "officers": list(officers),
    }
    async with write_transaction():
        row = (await Agency.insert(Agency(**{**fields, "officers": json.dumps(fields["officers"])})).run())[0]
        await audit.append(audit.AuditRecord(actor, "agency.register", "agency", str(row["id"]), {}, fields))
    return row["id"]


async def register_broker(
    *, name_en: str, actor: str, name_km: str = "", sex: str = "", national_id: str | None = None,
    province: str = "", district: str = "", phone: str = "",
) -> int:
    actor = _require_actor(actor)
    if not name_en.strip():
        raise ValidationError("a broker needs a name in Latin script")
    if sex not in ("", "M", "F"):
        raise ValidationError(f"sex must be M or F, got {sex!r}")
    fields = {
        "name_en": name_en.strip(), "name_km": name_km.strip(), "sex": sex, "national_id": national_id,
        "province": province.strip(), "district": district.strip(), "phone": phone.strip(),
    }
    async with write_transaction():
        row = (await Broker.insert(Broker(**fields)).run())[0]
        # The national ID is identity data: the audit trail records that it was set, not its value.
        shown = {**fields, "national_id": bool(national_id)}
        await audit.append(audit.AuditRecord(actor, "broker.register", "broker", str(row["id"]), {}, shown))
    return row["id"]


# --- licences -------------------------------------------------------------------------------


async def issue_licence(
    *, agency_id: int, number: str, issued_on: dt.date, valid_until: dt.date, actor: str,
    destinations: Sequence[str] = (), sectors: Sequence[str] = (), reason: str = "",
) -> ActionResult:
    actor = _require_actor(actor)
    codes = _destinations(destinations)
    new = StatusEvent("issued", issued_on, valid_until)
    why = refusal("licence", [], new)
    if why:
        raise InvalidTransitionError(f"cannot issue {number}: {why}")
    async with write_transaction():
        if await Agency.select(Agency.id).where(Agency.id == agency_id).first() is None:
            raise NotFoundError(f"no agency with id {agency_id}")
        key = await _number_free(number)
        licence = (await Licence.insert(Licence(
            number=number.strip(), number_norm=key, agency=agency_id,
            destinations=json.dumps(codes), sectors=json.dumps(list(sectors)), version=1,
        )).run())[0]
        await LicenceEvent.insert(LicenceEvent(
            licence=licence["id"], event="issued", date=issued_on, valid_until=valid_until,
            reason=reason.strip(), actor=actor,
        )).run()
        after = {**_state([new], issued_on, 1), "agency_id": agency_id, "destinations": codes}
        await audit.append(audit.AuditRecord(actor, "licence.issue", "licence", number.strip(), {}, after))
    return ActionResult(number.strip(), 1, "issued", issued_on, "active")


async def _licence_event(
    number: str, event: str, on: dt.date, *, actor: str, reason: str,
    expected_version: int | None, valid_until: dt.date | None = None,
) -> ActionResult:
    actor = _require_actor(actor)
    reason = _require_reason(event, reason)
    key = number_norm(number)
    async with write_transaction():
        rows = await fetch("SELECT id, number, version FROM licence WHERE number_norm = {}", key)
        if not rows:
            raise NotFoundError(f"no licence numbered {number!r} is registered")
        licence = rows[0]
        await lock_for_update(Licence, licence["id"])
        current = (await fetch("SELECT version FROM licence WHERE id = {}", licence["id"]))[0]["version"]
        _check_version("licence", licence["number"], current, expected_version)
        history = await licence_events(licence["id"])
        new = StatusEvent(event, on, valid_until)
        why = refusal("licence", history, new)
        if why:
            raise InvalidTransitionError(f"licence {licence['number']}: {why}")
        await LicenceEvent.insert(LicenceEvent(
            licence=licence["id"], event=event, date=on, valid_until=valid_until, reason=reason, actor=actor,
        )).run()
        version = await _bump(Licence, licence["id"])
        after_events = [*history, new]
        cascaded = await _revoke_sub_licences(licence, on, reason, actor) if event == "revoked" else ()
        await audit.append(audit.AuditRecord(
            actor, f"licence.{event}", "licence", licence["number"],
            _state(history, on, current),
            {**_state(after_events, on, version), "event": event, "date": on, "reason": reason,
             "cascaded": list(cascaded)},
        ))
    return ActionResult(licence["number"], version, event, on, status_on(after_events, on).status, tuple(cascaded))


async def _revoke_sub_licences(licence: dict[str, Any], on: dt.date, reason: str, actor: str) -> list[str]:
    """An agency's revocation ends its brokers' authority the same day (only those still valid)."""
    subs = await fetch(
        "SELECT id, number, version FROM sub_licence WHERE licence = {} ORDER BY id", licence["id"]
    )
    revoked = []
    why = f"agency licence {licence['number']} revoked: {reason}"
    for sub in subs:
        history = await sub_licence_events(sub["id"])
        new = StatusEvent("revoked", on)
        if status_on(history, on).status not in ("active", "suspended") or refusal("sub_licence", history, new):
            continue
        await SubLicenceEvent.insert(SubLicenceEvent(
            sub_licence=sub["id"], event="revoked", date=on, reason=why, actor=actor,
        )).run()
        version = await _bump(SubLicence, sub["id"])
        await audit.append(audit.AuditRecord(
            actor, "sub_licence.revoked", "sub_licence", sub["number"],
            _state(history, on, sub["version"]), {**_state([*history, new], on, version), "reason": why},
        ))
        revoked.append(sub["number"])
    return revoked


async def renew_licence(number: str, *, on: dt.date, valid_until: dt.date, actor: str, reason: str = "",
                        expected_version: int | None = None) -> ActionResult:
    return await _licence_event(number, "renewed", on, actor=actor, reason=reason,
                                expected_version=expected_version, valid_until=valid_until)


async def suspend_licence(number: str, *, on: dt.date, reason: str, actor: str,
                          expected_version: int | None = None) -> ActionResult:
    return await _licence_event(number, "suspended", on, actor=actor, reason=reason, expected_version=expected_version)


async def reinstate_licence(number: str, *, on: dt.date, reason: str, actor: str,
                            expected_version: int | None = None) -> ActionResult:
    return await _licence_event(number, "reinstated", on, actor=actor, reason=reason, expected_version=expected_version)


async def revoke_licence(number: str, *, on: dt.date, reason: str, actor: str,
                         expected_version: int | None = None) -> ActionResult:
    """Also revokes, on the same day, every sub-licence under it that is still active or suspended."""
    return await _licence_event(number, "revoked", on, actor=actor, reason=reason, expected_version=expected_version)


# --- sub-licences ---------------------------------------------------------------------------


async def grant_sub_licence(
    *, number: str, broker_id: int, licence_number: str, on: dt.date, valid_until: dt.date,
    actor: str, reason: str = "",
) -> ActionResult:
    """Sub-license a broker to an agency: only under a licence that is active on `on`."""
    actor = _require_actor(actor)
    new = StatusEvent("granted", on, valid_until)
    why = refusal("sub_licence", [], new)
    if why:
        raise InvalidTransitionError(f"cannot grant {number}: {why}")
    async with write_transaction():
        if await Broker.select(Broker.id).where(Broker.id == broker_id).first() is None:
            raise NotFoundError(f"no broker with id {broker_id}")
        parent = await fetch("SELECT id, number FROM licence WHERE number_norm = {}", number_norm(licence_number))
        if not parent:
            raise NotFoundError(f"no licence numbered {licence_number!r} is registered")
        await lock_for_update(Licence, parent[0]["id"])
        parent_state = status_on(await licence_events(parent[0]["id"]), on)
        if parent_state.status != "active":
            raise InvalidTransitionError(
                f"cannot sub-license under {parent[0]['number']}: the agency's licence is {parent_state.status} on {on}"
            )
        key = await _number_free(number)
        sub = (await SubLicence.insert(SubLicence(
            number=number.strip(), number_norm=key, broker=broker_id, licence=parent[0]["id"], version=1,
        )).run())[0]
        await SubLicenceEvent.insert(SubLicenceEvent(
            sub_licence=sub["id"], event="granted", date=on, valid_until=valid_until, reason=reason.strip(), actor=actor,
        )).run()
        after = {**_state([new], on, 1), "broker_id": broker_id, "agency": parent[0]["number"]}
        await audit.append(audit.AuditRecord(actor, "sub_licence.grant", "sub_licence", number.strip(), {}, after))
    return ActionResult(number.strip(), 1, "granted", on, "active")


async def _sub_licence_event(
    number: str, event: str, on: dt.date, *, actor: str, reason: str,
    expected_version: int | None, valid_until: dt.date | None = None,
) -> ActionResult:
    actor = _require_actor(actor)
    reason = _require_reason(event, reason)
    async with write_transaction():
        rows = await fetch(
            "SELECT id, number, version, licence FROM sub_licence WHERE number_norm = {}", number_norm(number)
        )
        if not rows:
            raise NotFoundError(f"no sub-licence numbered {number!r} is registered")
        sub = rows[0]
        await lock_for_update(SubLicence, sub["id"])
        current = (await fetch("SELECT version FROM sub_licence WHERE id = {}", sub["id"]))[0]["version"]
        _check_version("sub-licence", sub["number"], current, expected_version)
        history = await sub_licence_events(sub["id"])
        new = StatusEvent(event, on, valid_until)
        why = refusal("sub_licence", history, new)
        if why:
            raise InvalidTransitionError(f"sub-licence {sub['number']}: {why}")
        if event in ("renewed", "reinstated"):
            parent_state = status_on(await licence_events(sub["licence"]), on)
            if parent_state.status != "active":
                raise InvalidTransitionError(
                    f"sub-licence {sub['number']}: cannot be {event} while the agency's licence is {parent_state.status} on {on}"
                )
        await SubLicenceEvent.insert(SubLicenceEvent(
            sub_licence=sub["id"], event=event, date=on, valid_until=valid_until, reason=reason, actor=actor,
        )).run()
        version = await _bump(SubLicence, sub["id"])
        after_events = [*history, new]
        await audit.append(audit.AuditRecord(
            actor, f"sub_licence.{event}", "sub_licence", sub["number"],
            _state(history, on, current),
            {**_state(after_events, on, version), "event": event, "date": on, "reason": reason},
        ))
    return ActionResult(sub["number"], version, event, on, status_on(after_events, on).status)


async def renew_sub_licence(number: str, *, on: dt.date, valid_until: dt.date, actor: str, reason: str = "",
                            expected_version: int | None = None) -> ActionResult:
    return await _sub_licence_event(number, "renewed", on, actor=actor, reason=reason,
                                    expected_version=expected_version, valid_until=valid_until)


async def suspend_sub_licence(number: str, *, on: dt.date, reason: str, actor: str,
                              expected_version: int | None = None) -> ActionResult:
    return await _sub_licence_event(number, "suspended", on, actor=actor, reason=reason, expected_version=expected_version)


async def reinstate_sub_licence(number: str, *, on: dt.date, reason: str, actor: str,
                                expected_version: int | None = None) -> ActionResult:
    return await _sub_licence_event(number, "reinstated", on, actor=actor, reason=reason, expected_version=expected_version)


async def withdraw_sub_licence(number: str, *, on: dt.date, reason: str, actor: str,
                               expected_version: int | None = None) -> ActionResult:
    """The agency or the ministry ends the broker's authority (status: revoked)."""
    return await _sub_licence_event(number, "withdrawn", on, actor=actor, reason=reason, expected_version=expected_version)
