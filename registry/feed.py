"""Public feed of licence and sub-licence status changes, for NGOs and review sites.

Ordered by when a change was *recorded* (not by the day it takes effect), so a reader that
polls with `since` = the last `recorded_at` it saw never misses a back-dated entry. Reasons and
actors stay out: free text written by officers is not published.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from registry.errors import ValidationError
from registry.tables import LicenceEvent, SubLicenceEvent

MAX_ITEMS = 500


async def status_changes(since: dt.datetime, *, limit: int = 100) -> list[dict[str, Any]]:
    if since.tzinfo is None:
        raise ValidationError("`since` needs a time zone, e.g. 2026-11-01T00:00:00Z")
    if not 1 <= limit <= MAX_ITEMS:
        raise ValidationError(f"limit is 1 to {MAX_ITEMS}")
    licence_rows = await LicenceEvent.select(
        LicenceEvent.id, LicenceEvent.event, LicenceEvent.date, LicenceEvent.valid_until,
        LicenceEvent.recorded_at, LicenceEvent.licence.number.as_alias("number"),
        LicenceEvent.licence.agency.name_en.as_alias("name"),
        LicenceEvent.licence.agency.name_km.as_alias("name_km"),
    ).where(LicenceEvent.recorded_at > since).order_by(LicenceEvent.recorded_at).order_by(LicenceEvent.id).limit(limit)
    sub_rows = await SubLicenceEvent.select(
        SubLicenceEvent.id, SubLicenceEvent.event, SubLicenceEvent.date, SubLicenceEvent.valid_until,
        SubLicenceEvent.recorded_at, SubLicenceEvent.sub_licence.number.as_alias("number"),
        SubLicenceEvent.sub_licence.broker.name_en.as_alias("name"),
        SubLicenceEvent.sub_licence.broker.name_km.as_alias("name_km"),
        SubLicenceEvent.sub_licence.licence.number.as_alias("agency_number"),
    ).where(SubLicenceEvent.recorded_at > since).order_by(SubLicenceEvent.recorded_at).order_by(SubLicenceEvent.id).limit(limit)
    items = [_item("licence", row, row["number"]) for row in licence_rows]
    items += [_item("sub_licence", row, row["agency_number"]) for row in sub_rows]
    items.sort(key=lambda item: (item["recorded_at"], item["kind"], item["id"]))
    return items[:limit]


def _item(kind: str, row: dict[str, Any], agency_number: str) -> dict[str, Any]:
    recorded_at = row["recorded_at"]
    if recorded_at.tzinfo is None:  # SQLite returns naive UTC
        recorded_at = recorded_at.replace(tzinfo=dt.timezone.utc)
    return {
        "id": f"{kind}-event-{row['id']}",
        "kind": kind,
        "number": row["number"],
        "name": row["name"],
        "name_km": row["name_km"],
        "agency_number": agency_number,
        "event": row["event"],
        "date": row["date"],
        "valid_until": row["valid_until"],
        "recorded_at": recorded_at,
    }
