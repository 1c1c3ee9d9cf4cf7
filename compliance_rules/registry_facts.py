"""The small interface through which rules ask the registry questions.

Rules are synchronous and testable without a database: the ingest pipeline builds an
implementation backed by the database (and the lookup index); tests use `InMemoryRegistryFacts`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, Protocol

from registry.numbers import number_norm
from registry.status import StatusEvent, StatusOnDate, status_on


@dataclass(frozen=True)
class LicenceFacts:
    number: str
    agency_name: str
    agency_name_km: str
    destinations: tuple[str, ...]
    events: tuple[StatusEvent, ...]

    def on(self, day: dt.date) -> StatusOnDate:
        return status_on(self.events, day)


@dataclass(frozen=True)
class SubLicenceFacts:
    number: str
    broker_name: str
    broker_name_km: str
    agency_licence_number: str
    events: tuple[StatusEvent, ...]

    def on(self, day: dt.date) -> StatusOnDate:
        return status_on(self.events, day)


@dataclass(frozen=True)
class AgencyResolution:
    """Outcome of resolving a printed agency name: look-alikes must come back `not_found`."""

    outcome: Literal["match", "not_found", "ambiguous"]
    licence_number: str | None = None
    score: float = 0.0
    explanation: str = ""


@dataclass(frozen=True)
class StoredContract:
    sha256: str
    material_terms: dict[str, object]
    """Terms compared by FRD001: wage, hours, employer, job, workplace, fees."""


class RegistryFacts(Protocol):
    def resolve_agency(self, name: str) -> AgencyResolution: ...

    def licence(self, number: str) -> LicenceFacts | None:
        """By number in any formatting (separators, Khmer digits)."""

    def sub_licence(self, number: str) -> SubLicenceFacts | None: ...

    def sub_licences_of_broker(self, broker_name: str) -> list[SubLicenceFacts]:
        """Sub-licences whose broker's Latin or Khmer name matches (no look-alikes)."""

    def contracts_with_passport(self, passport_hash: str, *, exclude_sha256: str) -> list[StoredContract]: ...


@dataclass
class InMemoryRegistryFacts:
    """A registry held in memory: for rule tests and examples. Names match after case folding
    and whitespace collapsing only; fuzzy resolution is the lookup index's job."""

    licences: list[LicenceFacts] = field(default_factory=list)
    sub_licences: list[SubLicenceFacts] = field(default_factory=list)
    contracts: list[tuple[str, StoredContract]] = field(default_factory=list)
    """(passport_hash, contract) pairs."""

    @staticmethod
    def _fold(text: str) -> str:
        return " ".join(text.casefold().split())

    def resolve_agency(self, name: str) -> AgencyResolution:
        wanted = self._fold(name)
        for facts in self.licences:
            if wanted in (self._fold(facts.agency_name), self._fold(facts.agency_name_km)):
                return AgencyResolution("match", facts.number, 100.0, "exact name")
        return AgencyResolution("not_found", None, 0.0, "no registered agency has this name")

    def licence(self, number: str) -> LicenceFacts | None:
        key = number_norm(number)
        return next((f for f in self.licences if number_norm(f.number) == key), None)

    def sub_licence(self, number: str) -> SubLicenceFacts | None:
        key = number_norm(number)
        return next((f for f in self.sub_licences if number_norm(f.number) == key), None)

    def sub_licences_of_broker(self, broker_name: str) -> list[SubLicenceFacts]:
        wanted = self._fold(broker_name)
        return [
            f for f in self.sub_licences
            if wanted in (self._fold(f.broker_name), self._fold(f.broker_name_km))
        ]

    def contracts_with_passport(self, passport_hash: str, *, exclude_sha256: str) -> list[StoredContract]:
        return [c for h, c in self.contracts if h == passport_hash and c.sha256 != exclude_sha256]
