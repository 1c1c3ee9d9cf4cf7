"""The rule unit: a stable ID, what it protects, where the standard comes from, examples, a check.

Like a linter's rule catalogue: IDs are never reused or renumbered (a retired ID stays listed
in data/retired_rules.json), every rule documents itself (docs/rules is generated from these
objects) and carries good and bad example clauses that one parametrised test runs.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

from compliance_rules.model import ContractForCheck, Evidence, Finding, Severity
from compliance_rules.registry_facts import RegistryFacts

Family = Literal["FEE", "WRK", "LIC", "FRD"]
FAMILY_TITLES: dict[str, str] = {
    "FEE": "Recruitment fees and costs (recommendation 11)",
    "WRK": "Worker protections in contracts (recommendation 15)",
    "LIC": "Licensing, judged on the signing date (recommendation 16)",
    "FRD": "Fraud indicators (recommendation 16)",
}


@dataclass(frozen=True)
class Reference:
    citation: str
    verified: bool
    """False for references taken from secondary sources and not checked against the text."""
    note: str = ""


@dataclass(frozen=True)
class Example:
    """A clause (or several, one per line) that the rule must flag (bad) or leave alone (good).

    `terms` overrides fields of the example contract (data/example_contract.json), e.g. a wage
    or the agency's name, for rules that judge terms rather than wording."""

    text: str
    language: Literal["en", "km"] = "en"
    note: str = ""
    terms: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """What a detector found: one explanation, its evidence, and the severity when it differs
    from the rule's default (the rule documents the conditions)."""

    explanation: str
    evidence: list[Evidence]
    severity: Severity | None = None


Detector = Callable[[ContractForCheck, RegistryFacts], "Verdict | None"]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    severity_conditions: tuple[str, ...]
    rationale: str
    fires_when: str
    must_not_fire: str
    references: tuple[Reference, ...]
    good: tuple[Example, ...]
    bad: tuple[Example, ...]
    detect: Detector
    topics: tuple[str, ...] = ()
    """Clauses of the example contract an example replaces (see compliance_rules.examples)."""

    @property
    def family(self) -> str:
        return self.id[:3]

    def check(self, contract: ContractForCheck, facts: RegistryFacts) -> list[Finding]:
        verdict = self.detect(contract, facts)
        if verdict is None:
            return []
        return [Finding(
            rule=self.id,
            severity=verdict.severity or self.severity,
            title=self.title,
            explanation=verdict.explanation,
            evidence=_distinct(verdict.evidence),
        )]


def _distinct(evidence: list[Evidence]) -> list[Evidence]:
    """Each piece of evidence once, first place kept: a detector may cite one clause both as
    an extracted term's source and as a matching passage (FEE001 quoted its fee clause twice)."""
    out: list[Evidence] = []
    for item in evidence:
        if item not in out:
            out.append(item)
    return out


RULES: dict[str, Rule] = {}


@cache
def retired_ids() -> dict[str, str]:
    """Retired rule IDs and why; they are never given to a new rule."""
    raw = json.loads(resources.files("compliance_rules.data").joinpath("retired_rules.json").read_text("utf-8"))
    return {entry["id"]: entry["reason"] for entry in raw["retired"]}


def register(*rules: Rule) -> None:
    for rule in rules:
        if rule.id in retired_ids():
            raise ValueError(f"rule ID {rule.id} is retired and may not be reused")
        if rule.id in RULES and RULES[rule.id] is not rule:
            raise ValueError(f"rule ID {rule.id} registered twice")
        if rule.family not in FAMILY_TITLES:
            raise ValueError(f"rule ID {rule.id} is not in a known family")
        RULES[rule.id] = rule


def all_rules() -> list[Rule]:
    """Every registered rule, ordered by ID."""
    import compliance_rules.rules  # noqa: F401  (registers the families)

    return [RULES[key] for key in sorted(RULES)]


def get_rule(rule_id: str) -> Rule:
    all_rules()
    return RULES[rule_id]
