"""Independent expectations for the registry acceptance tests, straight from the corpus README.

Deliberately does not use `registry.status`: the point is to check the product against the
README's own definitions.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

SETS = {"issued": "active", "renewed": "active", "reinstated": "active",
        "suspended": "suspended", "revoked": "revoked", "expired": "expired"}
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Broker:
    number: str
    agency: str
    valid_from: dt.date
    valid_to: dt.date
    status: str
    since: dt.date


class CorpusRegistry:
    def __init__(self, folder: Path) -> None:
        self.events: dict[str, list[tuple[dt.date, str, str]]] = defaultdict(list)
        for row in csv.DictReader((folder / "licence_events.csv").open(encoding="utf-8")):
            self.events[row["licence_no"]].append((dt.date.fromisoformat(row["date"]), row["event"], row["note"]))
        self.agencies = {r["licence_no"]: r for r in csv.DictReader((folder / "agencies.csv").open(encoding="utf-8"))}
        self.brokers = [
            Broker(r["sub_licence_no"], r["agency_licence_no"], dt.date.fromisoformat(r["valid_from"]),
                   dt.date.fromisoformat(r["valid_to"]), r["status"], dt.date.fromisoformat(r["status_since"]))
            for r in csv.DictReader((folder / "brokers.csv").open(encoding="utf-8"))
        ]

    def dates(self) -> list[dt.date]:
        """Every date in licence_events.csv and the day after each event."""
        days = {d for events in self.events.values() for d, _, _ in events}
        return sorted(days | {d + ONE_DAY for d in days})

    def licence_status(self, number: str, day: dt.date) -> str:
        status = "not_yet_valid"
        for date, event, _ in self.events[number]:
            if date <= day:
                status = SETS[event]
        return status

    def licence_valid_until(self, number: str, day: dt.date) -> dt.date | None:
        found = None
        for date, event, note in self.events[number]:
            if date <= day and event in ("issued", "renewed"):
                found = dt.date.fromisoformat(re.search(r"(\d{4}-\d{2}-\d{2})\s*$", note).group(1))
        return found

    @staticmethod
    def sub_in_force(broker: Broker, day: dt.date) -> bool:
        return broker.valid_from <= day <= broker.valid_to and not (
            broker.status in ("suspended", "revoked") and broker.since <= day
        )

    @staticmethod
    def sub_status(broker: Broker, day: dt.date) -> str:
        """A name for the README's in-force rule; a revocation outlives the term, a suspension does not."""
        if day < broker.valid_from:
            return "not_yet_valid"
        if broker.status == "revoked" and broker.since <= day:
            return "revoked"
        if day > broker.valid_to:
            return "expired"
        if broker.status == "suspended" and broker.since <= day:
            return "suspended"
        return "active"
