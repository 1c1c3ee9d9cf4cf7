"""Acceptance on the shared sample: with the corpus registry imported and each sample contract
stored with the findings its label expects (the flags a correct checker raises), the plan ranks
first the agencies whose contracts carry critical indicators, and names those flags.

The PDF pipeline is left out on purpose: this tests the ranking, not the extraction; the labels
stand in for a perfect checker. Severities and titles come from the rule catalogue.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections import defaultdict

from compliance_rules.rule import get_rule
from importers.registry_import import import_registry
from registry.numbers import number_norm
from registry.risk.service import plan
from registry.risk.weights import load_weights
from registry.tables import Agency, Contract, Flag, Licence, SubLicence

SNAPSHOT = dt.date(2026, 11, 15)


async def _ingest_labels(corpus) -> dict[int, set[str]]:
    """Store each labelled contract and its expected flags; returns licence id -> rules."""
    await import_registry([corpus / "registry"], actor="test")
    licences = {r["number_norm"]: r["id"] for r in await Licence.select(Licence.id, Licence.number_norm)}
    by_name = {
        r["name"]: r["id"]
        for r in await Licence.select(Licence.id, Licence.agency.name_en.as_alias("name"))
    }
    subs = {r["number_norm"]: r["id"] for r in await SubLicence.select(SubLicence.id, SubLicence.number_norm)}
    rules_by_licence: dict[int, set[str]] = defaultdict(set)
    for line in (corpus / "contracts" / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        fields, rules = label["fields"], label["expected_rules"]
        if "LIC001" in rules:
            licence_id = None  # the named agency is not in the registry
        elif "LIC003" in rules:
            licence_id = by_name.get(fields["agency_name"])  # the printed number is wrong
        else:
            licence_id = licences.get(number_norm(fields["agency_licence_no"] or ""))
        sub_id = subs.get(number_norm(fields["broker_sub_licence_no"] or "")) if fields["broker_sub_licence_no"] else None
        contract = Contract(
            sha256=label["sha256"], file_name=label["file"],
            signing_date=dt.date.fromisoformat(fields["signing_date"]) if fields["signing_date"] else None,
            licence=licence_id, sub_licence=sub_id, passport_hash=fields["worker_passport_no"],
            terms={"agency_name": {"value": fields["agency_name"]}},
        )
        await contract.save()
        for rule_id in rules:
            rule = get_rule(rule_id)
            await Flag(contract=contract.id, rule=rule_id, severity=rule.severity, title=rule.title,
                       explanation="expected by the label", evidence=[], licence=licence_id,
                       sub_licence=sub_id).save()
            if licence_id is not None:
                rules_by_licence[licence_id].add(rule_id)
    return rules_by_licence


def test_agencies_with_critical_indicators_rank_first(db, corpus):
    indicators = set(load_weights().critical_indicator_points)

    async def scenario():
        rules = await _ingest_labels(corpus)
        names = {r["id"]: r["number"] for r in await Licence.select(Licence.id, Licence.number)}
        return rules, names, await plan(as_of=SNAPSHOT, kind="agency"), await Agency.count()

    rules_by_licence, numbers, entries, agencies = asyncio.run(scenario())
    assert agencies == 60
    critical = {numbers[lid]: rs & indicators for lid, rs in rules_by_licence.items() if rs & indicators}
    assert len(critical) >= 5, "the sample has several agencies with critical indicators"
    ranked = [e.entity.number for e in entries]
    assert set(ranked[:len(critical)]) == set(critical), ranked[:len(critical) + 3]
    for entry in entries[:len(critical)]:
        named = {
            item.ref["rule"]
            for factor in entry.factors if factor.code == "critical_indicators"
            for item in factor.items
        }
        assert named == critical[entry.entity.number]
        assert all(item.ref.get("flag_id") for f in entry.factors if f.code == "critical_indicators" for item in f.items)


def test_unregistered_recruiters_from_the_sample_are_listed(db, corpus):
    async def scenario():
        await _ingest_labels(corpus)
        return await plan(as_of=SNAPSHOT, kind="unregistered")

    entries = asyncio.run(scenario())
    assert entries, "LIC001 contracts name agencies that are not in the registry"
    for entry in entries:
        assert entry.status == "not_registered"
        assert any(i.ref["rule"] == "LIC001" for f in entry.factors for i in f.items if "rule" in i.ref)
