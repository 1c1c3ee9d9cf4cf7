"""Risk score per agency licence, broker sub-licence and unregistered recruiter.

Why the score is a sum of itemised points: an inspector must be able to check it by hand. Each
item (a flag, a past suspension, a contract signed without a licence, an inspection) carries its
points rounded to cents; a factor is the sum of its items and the score the sum of its factors,
exactly (Decimal), so the explanation always adds up to the score shown.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from registry.risk.model import (
    ContractFact,
    EntityFact,
    Factor,
    FlagFact,
    InspectionFact,
    Item,
    RiskInputs,
    RiskScore,
)
from registry.risk.weights import Weights
from registry.status import recruiting_allowed, status_on

CENT = Decimal("0.01")
ZERO = Decimal("0")
KIND_ORDER = {"agency": 0, "broker": 1, "unregistered": 2}


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def recency(day: dt.date, as_of: dt.date, weights: Weights) -> Decimal:
    """Halves every `half_life_days`, never below `floor`: old indicators fade but never vanish."""
    age = max(0, (as_of - day).days)
    decay = Decimal(0.5 ** (age / float(weights.half_life_days)))
    return max(weights.recency_floor, decay).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def unregistered_key(name: str | None) -> str:
    return " ".join((name or "").casefold().split())


class _Index:
    """The inputs grouped by the entity they concern, built once per ranking."""

    def __init__(self, inputs: RiskInputs) -> None:
        self.flags: dict[tuple[str, object], list[FlagFact]] = defaultdict(list)
        self.contracts: dict[tuple[str, object], list[ContractFact]] = defaultdict(list)
        self.inspections: dict[tuple[str, object], list[InspectionFact]] = defaultdict(list)
        self.printed_names: dict[str, str] = {}
        for flag in inputs.flags:
            if flag.licence_id is not None:
                self.flags["agency", flag.licence_id].append(flag)
            if flag.sub_licence_id is not None:
                self.flags["broker", flag.sub_licence_id].append(flag)
            if flag.licence_id is None and flag.sub_licence_id is None:
                contract = inputs.contracts.get(flag.contract_id)
                key = unregistered_key(contract.agency_name_printed if contract else None)
                if key:
                    self.flags["unregistered", key].append(flag)
                    self.printed_names.setdefault(key, " ".join(contract.agency_name_printed.split()))
        for contract in inputs.contracts.values():
            if contract.licence_id is not None:
                self.contracts["agency", contract.licence_id].append(contract)
            if contract.sub_licence_id is not None:
                self.contracts["broker", contract.sub_licence_id].append(contract)
        for inspection in inputs.inspections:
            if inspection.licence_id is not None:
                self.inspections["agency", inspection.licence_id].append(inspection)
            if inspection.sub_licence_id is not None:
                self.inspections["broker", inspection.sub_licence_id].append(inspection)
        self.licence_events = {
            e.id: e.events for e in inputs.entities if e.kind == "agency"
        }
        self.sub_licences = {e.id: e for e in inputs.entities if e.kind == "broker"}


class Scorer:
    def __init__(self, inputs: RiskInputs, weights: Weights) -> None:
        self.inputs = inputs
        self.w = weights
        self.index = _Index(inputs)
        self._recency: dict[dt.date, Decimal] = {}

    def fresh(self, day: dt.date) -> Decimal:
        """`recency` memoised per day: a batch of flags shares a handful of days."""
        if day not in self._recency:
            self._recency[day] = recency(day, self.inputs.as_of, self.w)
        return self._recency[day]

    # -- entities -------------------------------------------------------------------------
    def entities(self) -> list[EntityFact]:
        """The registry's entities plus one per unregistered recruiter name found in flags."""
        extra = [
            EntityFact(kind="unregistered", id=key, number="", name=name)
            for key, name in sorted(self.index.printed_names.items())
        ]
        return [*self.inputs.entities, *extra]

    def score(self, entity: EntityFact) -> RiskScore:
        """As the registry stood on `as_of`: flags raised and contracts stored later are left out."""
        key = (entity.kind, entity.id)
        flags = [f for f in self.index.flags.get(key, []) if f.day <= self.inputs.as_of]
        flag_items = [(flag, self._flag_item(flag)) for flag in flags]
        counted = [(flag, item) for flag, item in flag_items if item is not None]
        indicators = tuple(i for f, i in counted if f.rule in self.w.critical_indicator_points)
        others = tuple(i for f, i in counted if f.rule not in self.w.critical_indicator_points)
        factors = [
            Factor("critical_indicators", "Critical forced-labour and unlicensed-recruitment indicators", indicators),
            Factor("other_flags", "Other open, in-review and confirmed flags", others),
            Factor("licence_history", "Past suspensions and revocations", self._history_items(entity)),
            Factor("contracts_licence_not_active", "Contracts signed while the licence was not active", self._not_active_items(entity)),
            Factor("brokers_without_sub_licence", "Brokers without an active sub-licence found in contracts", self._broker_items(entity)),
            Factor("repeated_substitution", "Repeated contract substitution (FRD001) across workers", self._substitution_items([f for f, _ in counted])),
        ]
        subtotal = sum((f.points for f in factors), ZERO)
        factors.append(Factor("inspections", "Inspection outcomes", self._inspection_items(key, subtotal)))
        critical = sum(
            1 for flag, _ in counted
            if flag.severity == "critical" or flag.rule in self.w.critical_indicator_points
        )
        return RiskScore(
            entity=entity,
            status=self._status(entity),
            factors=tuple(factors),
            critical_flags=critical,
        )

    def _status(self, entity: EntityFact) -> str:
        if entity.kind == "unregistered":
            return "not_registered"
        return status_on(entity.events, self.inputs.as_of).status

    # -- flags ----------------------------------------------------------------------------
    def _flag_item(self, flag: FlagFact) -> Item | None:
        """A critical indicator has fixed points whatever its severity; any other flag the
        points of its severity. Recency runs from the day the flag was raised."""
        status_key = "closed_after_confirmed" if flag.status == "closed" and flag.was_confirmed else flag.status
        status_factor = self.w.flag_status_factor.get(status_key, ZERO)
        fresh = self.fresh(flag.day)
        if flag.rule in self.w.critical_indicator_points:
            base = {"indicator": self.w.critical_indicator_points[flag.rule]}
        else:
            base = {"severity": self.w.severity_points.get(flag.severity, ZERO)}
        points = _cents(next(iter(base.values())) * status_factor * fresh)
        if points == ZERO:
            return None
        contract = self.inputs.contracts.get(flag.contract_id)
        signed = f", contract signed {contract.signing_date.isoformat()}" if contract and contract.signing_date else ""
        return Item(
            what=f"{flag.rule} {flag.title} ({flag.severity}, {flag.status.replace('_', ' ')}), raised {flag.day.isoformat()}{signed}",
            points=points,
            weights={**base, "status": status_factor, "recency": fresh},
            ref={
                "flag_id": flag.id,
                "rule": flag.rule,
                "severity": flag.severity,
                "flag_status": flag.status,
                "contract_id": flag.contract_id,
                "contract_sha256": contract.sha256 if contract else None,
                "day": flag.day,
            },
        )

    # -- licence history ------------------------------------------------------------------
    def _history_items(self, entity: EntityFact) -> tuple[Item, ...]:
        if entity.kind == "agency":
            points_for = self.w.licence_history_points
            parent_revoked: set[dt.date] = set()
        elif entity.kind == "broker":
            points_for = self.w.sub_licence_history_points
            parent_revoked = {
                e.date for e in self.index.licence_events.get(entity.parent_licence_id, ())
                if e.event == "revoked"
            }
        else:
            return ()
        items = []
        for event in sorted(entity.events, key=lambda e: e.date):
            if event.date > self.inputs.as_of or event.event not in points_for:
                continue
            if event.event == "revoked" and event.date in parent_revoked:
                continue  # cascaded from the agency's revocation: not the broker's own record
            fresh = self.fresh(event.date)
            base = points_for[event.event]
            items.append(Item(
                what=f"{event.event} on {event.date.isoformat()}",
                points=_cents(base * fresh),
                weights={"event": base, "recency": fresh},
                ref={"event": event.event, "day": event.date},
            ))
        return tuple(items)

    # -- contracts ------------------------------------------------------------------------
    def _contract_item(self, contract: ContractFact, base: Decimal, why: str) -> Item:
        """Recency runs from the day the contract reached the registry, like a flag's."""
        fresh = self.fresh(contract.ingested)
        return Item(
            what=f"{contract.file_name or contract.sha256[:12]} signed {contract.signing_date.isoformat()}: {why}",
            points=_cents(base * fresh),
            weights={"contract": base, "recency": fresh},
            ref={"contract_id": contract.id, "contract_sha256": contract.sha256, "day": contract.ingested,
                 "signing_date": contract.signing_date},
        )

    def _dated_contracts(self, entity: EntityFact) -> list[ContractFact]:
        contracts = self.index.contracts.get((entity.kind, entity.id), [])
        known = (c for c in contracts if c.signing_date is not None and c.ingested <= self.inputs.as_of)
        return sorted(known, key=lambda c: (c.signing_date, c.id))

    def _not_active_items(self, entity: EntityFact) -> tuple[Item, ...]:
        """Contracts already carrying an LIC002 flag (counted or dismissed) are not counted again."""
        if entity.kind != "agency":
            return ()
        items = []
        for contract in self._dated_contracts(entity):
            if "LIC002" in contract.flagged_rules:
                continue
            status = status_on(entity.events, contract.signing_date).status
            if status != "active":
                items.append(self._contract_item(
                    contract, self.w.signed_while_licence_not_active, f"licence {status} that day"
                ))
        return tuple(items)

    def _broker_items(self, entity: EntityFact) -> tuple[Item, ...]:
        """A resolved broker who was not allowed to recruit on the signing date, or who belongs
        to another agency. Contracts with an LIC004 flag are left to that flag. For an agency
        only the broker's own sub-licence counts here: its own licence is judged above."""
        if entity.kind == "unregistered":
            return ()
        items = []
        for contract in self._dated_contracts(entity):
            if contract.sub_licence_id is None or "LIC004" in contract.flagged_rules:
                continue
            broker = self.index.sub_licences.get(contract.sub_licence_id)
            if broker is None:
                continue
            why = self._broker_problem(broker, contract, with_agency=entity.kind == "broker")
            if why:
                items.append(self._contract_item(contract, self.w.broker_without_active_sub_licence, why))
        return tuple(items)

    def _broker_problem(self, broker: EntityFact, contract: ContractFact, *, with_agency: bool) -> str | None:
        day = contract.signing_date
        if contract.licence_id is not None and contract.licence_id != broker.parent_licence_id:
            return f"broker {broker.number} is sub-licensed to another agency"
        own = status_on(broker.events, day)
        if not with_agency:
            return None if own.in_force else f"broker {broker.number}: sub-licence {own.status} that day"
        agency = status_on(self.index.licence_events.get(broker.parent_licence_id, ()), day)
        if not recruiting_allowed(own, agency):
            return f"broker {broker.number}: sub-licence {own.status}, agency licence {agency.status} that day"
        return None

    def _substitution_items(self, counted: Iterable[FlagFact]) -> tuple[Item, ...]:
        workers: dict[str, list[int]] = defaultdict(list)
        for flag in counted:
            if flag.rule != "FRD001":
                continue
            contract = self.inputs.contracts.get(flag.contract_id)
            worker = (contract.passport_hash if contract else None) or f"contract:{flag.contract_id}"
            workers[worker].append(flag.id)
        if len(workers) < self.w.substitution_min_workers:
            return ()
        return tuple(
            Item(
                what=f"worker {n} of {len(workers)} with substituted contracts",
                points=_cents(self.w.substitution_points_per_worker),
                weights={"per_worker": self.w.substitution_points_per_worker, "min_workers": self.w.substitution_min_workers},
                ref={"flag_ids": sorted(flag_ids)},
            )
            for n, flag_ids in enumerate(sorted(workers.values()), start=1)
        )

    # -- inspections ----------------------------------------------------------------------
    def _inspection_items(self, key: tuple[str, object], subtotal: Decimal) -> tuple[Item, ...]:
        """A clean inspection may lower the score to zero, never below: a final item says by how
        much the cap held it back, so the items still add up."""
        items = []
        for inspection in sorted(self.index.inspections.get(key, []), key=lambda i: (i.day, i.id)):
            if inspection.day > self.inputs.as_of:
                continue
            base = self.w.inspection_outcome_points.get(inspection.outcome, ZERO)
            fresh = self.fresh(inspection.day)
            items.append(Item(
                what=f"inspection {inspection.day.isoformat()} by {inspection.inspector}: {inspection.outcome}",
                points=_cents(base * fresh),
                weights={"outcome": base, "recency": fresh},
                ref={"inspection_id": inspection.id, "outcome": inspection.outcome, "day": inspection.day},
            ))
        total = subtotal + sum((i.points for i in items), ZERO)
        if total < ZERO:
            items.append(Item(
                what="score cannot go below zero",
                points=-total,
                weights={},
                ref={"cap": True},
            ))
        return tuple(items)


def rank(inputs: RiskInputs, weights: Weights, *, include_zero: bool = False) -> list[RiskScore]:
    """Highest score first; ties broken by critical indicators, then kind and number (stable).
    Equal scores share a rank (1, 1, 3)."""
    scorer = Scorer(inputs, weights)
    scores = [scorer.score(entity) for entity in scorer.entities()]
    if not include_zero:
        scores = [s for s in scores if s.score > ZERO]
    scores.sort(key=lambda s: (-s.score, -s.critical_flags, KIND_ORDER[s.entity.kind], s.entity.number, s.entity.name))
    ranked: list[RiskScore] = []
    for position, entry in enumerate(scores, start=1):
        shared = ranked and ranked[-1].score == entry.score
        ranked.append(replace(entry, rank=ranked[-1].rank if shared else position))
    return ranked
