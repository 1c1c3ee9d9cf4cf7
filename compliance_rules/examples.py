"""The fictitious contract and registry on which every rule's examples run (data/example_contract.json).

An example replaces the clauses of its rule's topics and may override extracted terms; the rest
of the contract stays compliant, so a bad example must be flagged by its rule and a good one
must not be.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources

from compliance_rules.model import Clause, ContractForCheck, Extracted, Source, Terms
from compliance_rules.registry_facts import InMemoryRegistryFacts, LicenceFacts, StoredContract, SubLicenceFacts
from compliance_rules.rule import Example, Rule
from compliance_rules.text import has_khmer
from registry.status import StatusEvent

EXAMPLE_SHA256 = "example-contract-under-check"


@cache
def _data() -> dict:
    return json.loads(resources.files("compliance_rules.data").joinpath("example_contract.json").read_text("utf-8"))


def _events(rows: list[list[str | None]]) -> tuple[StatusEvent, ...]:
    return tuple(
        StatusEvent(event, dt.date.fromisoformat(day), dt.date.fromisoformat(until) if until else None)
        for event, day, until in rows
    )


def _terms(overrides: Mapping[str, object]) -> Terms:
    values = {**_data()["terms"], **overrides}
    fields: dict[str, object] = {"worker_passport_hash": values.pop("worker_passport_hash")}
    for name, value in values.items():
        if value is None:
            continue
        if name == "signing_date":
            value = dt.date.fromisoformat(str(value))
        fields[name] = Extracted(value=value, source=Source(page=1, text=str(value)))
    return Terms.model_validate(fields)


def example_registry() -> InMemoryRegistryFacts:
    from compliance_rules.rules.fraud import material_terms

    registry = _data()["registry"]
    return InMemoryRegistryFacts(
        licences=[
            LicenceFacts(row["number"], row["agency_name"], row["agency_name_km"], tuple(row["destinations"]),
                         _events(row["events"]))
            for row in registry["licences"]
        ],
        sub_licences=[
            SubLicenceFacts(row["number"], row["broker_name"], row["broker_name_km"], row["agency_licence_number"],
                            _events(row["events"]))
            for row in registry["sub_licences"]
        ],
        contracts=[
            (row["passport_hash"], StoredContract(row["sha256"], material_terms(_terms({}))))
            for row in registry["stored_contracts"]
        ],
    )


def clause_texts(without_topics: Iterable[str] = ()) -> list[str]:
    """The example contract's clauses, minus those of the given topics."""
    skip = set(without_topics)
    return [text for topic, text in _data()["clauses"].items() if topic not in skip]


def example_contract(rule: Rule | None = None, example: Example | None = None) -> ContractForCheck:
    """The compliant example contract, or the one with `example` in place of `rule`'s topics."""
    texts = clause_texts(rule.topics if rule and example else ())
    if example is not None:
        texts += [line for line in example.text.splitlines() if line.strip()]
    clauses = [
        Clause(page=1, text=text, bbox=(50.0, 60.0 + 20 * i, 550.0, 75.0 + 20 * i),
               language="km" if has_khmer(text) else "en")
        for i, text in enumerate(texts)
    ]
    return ContractForCheck(
        sha256=EXAMPLE_SHA256,
        terms=_terms(example.terms if example else {}),
        clauses=clauses,
        has_khmer_text=any(has_khmer(text) for text in texts),
    )
