"""A small registry built row by row for the inspection tests, so every ranking is known by
construction (no importer, no PDF pipeline involved)."""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from registry.numbers import number_norm
from registry.tables import (
    Agency,
    Broker,
    Contract,
    Flag,
    FlagEvent,
    Licence,
    LicenceEvent,
    SubLicence,
    SubLicenceEvent,
)

AS_OF = dt.date(2026, 11, 15)
KNOWN = dt.date(2026, 11, 1)
"""Default day a contract was stored and its flags raised: shortly before AS_OF."""


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.timezone.utc)
_serial = itertools.count(1)


async def agency(
    number: str,
    name: str,
    *,
    province: str = "Phnom Penh",
    issued: dt.date = dt.date(2020, 1, 1),
    valid_until: dt.date = dt.date(2028, 1, 1),
    events: tuple[tuple[str, dt.date], ...] = (),
) -> int:
    """An agency with a licence issued on `issued`, then the extra (event, date) pairs."""
    row = Agency(name_en=name, name_km="", province=province)
    await row.save()
    licence = Licence(number=number, number_norm=number_norm(number), agency=row.id, destinations=["TH"])
    await licence.save()
    await LicenceEvent(licence=licence.id, event="issued", date=issued, valid_until=valid_until).save()
    for event, day in events:
        await LicenceEvent(licence=licence.id, event=event, date=day).save()
    return licence.id


async def broker(
    number: str,
    name: str,
    licence_id: int,
    *,
    province: str = "Kandal",
    granted: dt.date = dt.date(2021, 1, 1),
    valid_until: dt.date = dt.date(2027, 12, 31),
    events: tuple[tuple[str, dt.date], ...] = (),
) -> int:
    row = Broker(name_en=name, province=province)
    await row.save()
    sub = SubLicence(number=number, number_norm=number_norm(number), broker=row.id, licence=licence_id)
    await sub.save()
    await SubLicenceEvent(sub_licence=sub.id, event="granted", date=granted, valid_until=valid_until).save()
    for event, day in events:
        await SubLicenceEvent(sub_licence=sub.id, event=event, date=day).save()
    return sub.id


async def contract(
    *,
    signed: dt.date | None,
    licence_id: int | None = None,
    sub_licence_id: int | None = None,
    passport: str | None = None,
    agency_name: str | None = None,
    ingested: dt.date = KNOWN,
) -> int:
    serial = next(_serial)
    terms = (  # the shape contract ingest stores: plain fields + the Terms dump
        {"fields": {"agency_name": agency_name}, "terms": {"agency_name": {"value": agency_name, "source": None}}}
        if agency_name else {}
    )
    row = Contract(
        sha256=hashlib.sha256(f"contract-{serial}".encode()).hexdigest(),
        file_name=f"contract_{serial:03d}.pdf",
        signing_date=signed,
        licence=licence_id,
        sub_licence=sub_licence_id,
        passport_hash=hashlib.sha256(passport.encode()).hexdigest() if passport else None,
        terms=terms,
        ingested_at=_at(ingested),
    )
    await row.save()
    return row.id


async def flag(
    contract_id: int,
    rule: str,
    severity: str,
    *,
    status: str = "open",
    licence_id: int | None = None,
    sub_licence_id: int | None = None,
    history: tuple[str, ...] = (),
    raised: dt.date = KNOWN,
) -> int:
    """A flag in `status`, raised on `raised`; `history` lists the statuses it went through."""
    row = Flag(
        contract=contract_id, rule=rule, severity=severity, title=f"{rule} indicator",
        explanation=f"{rule} fired", evidence=[{"page": 1, "text": f"clause for {rule}"}],
        licence=licence_id, sub_licence=sub_licence_id, status=status, created_at=_at(raised),
    )
    await row.save()
    previous = "open"
    for step in history:
        await FlagEvent(flag=row.id, action="status", from_status=previous, to_status=step, actor="t").save()
        previous = step
    return row.id
