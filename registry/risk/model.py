"""What the risk scorer reads (facts loaded from the registry) and what it returns.

The scorer is a pure function of these facts, so rankings can be tested without a database and
the database loader stays a thin layer of queries.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from typing import Literal

from registry.status import StatusEvent

EntityKind = Literal["agency", "broker", "unregistered"]


@dataclass(frozen=True)
class FlagFact:
    id: int
    contract_id: int
    rule: str
    severity: str
    status: str
    title: str
    day: dt.date
    """The day the flag was raised: when the registry learned of the practice."""
    licence_id: int | None = None
    sub_licence_id: int | None = None
    was_confirmed: bool = False
    """For closed flags: whether it was confirmed before being closed (from its history)."""


@dataclass(frozen=True)
class ContractFact:
    id: int
    sha256: str
    file_name: str
    signing_date: dt.date | None
    licence_id: int | None
    sub_licence_id: int | None
    passport_hash: str | None
    ingested: dt.date
    agency_name_printed: str | None = None
    """Only loaded for contracts resolved to no licence: names the unregistered recruiter."""
    flagged_rules: frozenset[str] = frozenset()
    """Every rule with a flag on this contract, in any status (dismissed included)."""


@dataclass(frozen=True)
class InspectionFact:
    id: int
    day: dt.date
    inspector: str
    outcome: str
    notes: str
    licence_id: int | None = None
    sub_licence_id: int | None = None


@dataclass(frozen=True)
class EntityFact:
    """An agency licence or a broker sub-licence (or an unregistered recruiter seen in contracts)."""

    kind: EntityKind
    id: int | str
    number: str
    name: str
    name_km: str = ""
    province: str = ""
    events: tuple[StatusEvent, ...] = ()
    parent_licence_id: int | None = None
    """For a broker: the licence its sub-licence ties it to."""
    parent_number: str = ""


@dataclass
class RiskInputs:
    as_of: dt.date
    entities: list[EntityFact] = field(default_factory=list)
    flags: list[FlagFact] = field(default_factory=list)
    contracts: dict[int, ContractFact] = field(default_factory=dict)
    inspections: list[InspectionFact] = field(default_factory=list)


@dataclass(frozen=True)
class Item:
    """One reason behind a factor (a flag, an event, a contract, an inspection) and its points."""

    what: str
    points: Decimal
    weights: dict[str, object]
    ref: dict[str, object]

    def as_dict(self) -> dict[str, object]:
        return {"what": self.what, "points": self.points, "weights": self.weights, **self.ref}


@dataclass(frozen=True)
class Factor:
    code: str
    label: str
    items: tuple[Item, ...]

    @cached_property
    def points(self) -> Decimal:
        return sum((item.points for item in self.items), Decimal("0"))

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "label": self.label,
            "points": self.points,
            "items": [item.as_dict() for item in self.items],
        }


@dataclass(frozen=True)
class RiskScore:
    entity: EntityFact
    status: str
    factors: tuple[Factor, ...]
    critical_flags: int
    rank: int = 0

    @cached_property
    def score(self) -> Decimal:
        return sum((factor.points for factor in self.factors), Decimal("0"))

    @property
    def flag_ids(self) -> list[int]:
        return sorted(
            {int(item.ref["flag_id"]) for f in self.factors for item in f.items if "flag_id" in item.ref}
        )

    def as_dict(self) -> dict[str, object]:
        entity = self.entity
        return {
            "rank": self.rank,
            "kind": entity.kind,
            "number": entity.number,
            "name": entity.name,
            "name_km": entity.name_km,
            "province": entity.province,
            "agency_number": entity.parent_number,
            "status": self.status,
            "score": self.score,
            "critical_flags": self.critical_flags,
            "flag_ids": self.flag_ids,
            "factors": [factor.as_dict() for factor in self.factors if factor.items],
        }


def plain_numbers(value: object) -> object:
    """Decimals to JSON numbers (int when whole), recursively: JSON encoders that would write a
    Decimal as a string (msgspec in the API) get numbers a client can add up."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_numbers(v) for v in value]
    return value
