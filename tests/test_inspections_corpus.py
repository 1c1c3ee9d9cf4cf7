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
from registry.db import current_engine
from registry.numbers import number_norm
from registry.risk.service import plan
from registry.risk.weights import load_weights
from registry.tables import Agency, Contract, Flag, Licence, SubLicence

SNAPSHOT = dt.date(2026, 11, 15)
INGESTED = dt.datetime(2026, 11, 14, 9, 0, tzinfo=dt.timezone.utc)
"""The sample is stored the day before the snapshot, as an inspector's batch would be."""


async def _ingest_labels(corpus) -> dict[int, set[str]]:
    """Store each labelled contract and its expected flags; returns licence id -> rules."""
    await import_registry(sorted((corpus / "registry").glob("*.csv")), actor="test")
    licences = {r["number_norm"]: r["id"] for r in await Licence.select(Licence.id, Licence.number_norm)}
    by_name = {}
    for row in await Licence.select(Licence.id, Licence.agency.name_en.as_alias("en"),
                                    Licence.agency.name_km.as_alias("km")):
        by_name[row["en"]] = by_name[row["km"]] = row["id"]
    subs = {r["number_norm"]: r["id"] for r in await SubLicence.select(SubLicence.id, SubLicence.number_norm)}
    rules_by_licence: dict[int, set[str]] = defaultdict(set)
    async with current_engine().transaction():  # one commit, not one per row
        await _store_labels(corpus, licences, by_name, subs, rules_by_licence)
    return rules_by_licence


async def _store_labels(corpus, licences, by_name, subs, rules_by_licence) -> None:
    for line in (corpus / "contracts" / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        fields, rules = label["fields"], label["expected_rules"]
        if "LIC001" in rules:
            licence_id = None  # the named agency is not in the registry
        elif "LIC003" in rules:
            licence_id = by_name.get(fields["agency_name"])  # the printed number is another's
        else:  # the number as printed, else the registered name (as the lookup would)
            licence_id = licences.get(number_norm(fields["agency_licence_no"] or "")) or by_name.get(fields["agency_name"])
        assert (licence_id is None) == ("LIC001" in rules), label["file"]
        sub_id = subs.get(number_norm(fields["broker_sub_licence_no"] or "")) if fields["broker_sub_licence_no"] else None
        contract = Contract(
            sha256=label["sha256"], file_name=label["file"],
            signing_date=dt.date.fromisoformat(fields["signing_date"]) if fields["signing_date"] else None,
            licence=licence_id, sub_licence=sub_id, passport_hash=fields["worker_passport_no"],
            terms={"agency_name": {"value": fields["agency_name"]}}, ingested_at=INGESTED,
        )
        await contract.save()
        for rule_id in rules:
            rule = get_rule(rule_id)
            await Flag(contract=contract.id, rule=rule_id, severity=rule.severity, title=rule.title,
                       explanation="expected by the label", evidence=[], licence=licence_id,
                       sub_licence=sub_id, created_at=INGESTED).save()
            if licence_id is not None:
                rules_by_licence[licence_id].add(rule_id)


def test_agencies_with_critical_indicators_rank_first(db, corpus):
    """One test per engine: importing the sample registry is the slow part."""
    indicators = set(load_weights().critical_indicator_points)

    async def scenario():
        rules = await _ingest_labels(corpus)
        names = {r["id"]: r["number"] for r in await Licence.select(Licence.id, Licence.number)}
        return (rules, names, await plan(as_of=SNAPSHOT, kind="agency"),
                await plan(as_of=SNAPSHOT, kind="unregistered"), await Agency.count())

    rules_by_licence, numbers, entries, unregistered, agencies = asyncio.run(scenario())
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

    # The LIC001 contracts name agencies that are not in the registry: each is listed by name.
    assert unregistered
    for entry in unregistered:
        assert entry.status == "not_registered"
        assert any(i.ref["rule"] == "LIC001" for f in entry.factors for i in f.items if "rule" in i.ref)
