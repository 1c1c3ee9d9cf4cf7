"""Run every rule on one contract."""
from __future__ import annotations

from compliance_rules.model import ContractForCheck, Finding
from compliance_rules.passages import held_for
from compliance_rules.registry_facts import RegistryFacts
from compliance_rules.rule import all_rules


def check_contract(contract: ContractForCheck, facts: RegistryFacts) -> list[Finding]:
    """Findings of every registered rule, in rule-ID order. Call it only for a document that was
    read (text layer or OCR): an unread document is `needs_ocr`, never "no violations"."""
    findings: list[Finding] = []
    with held_for(contract):
        for rule in all_rules():
            findings.extend(rule.check(contract, facts))
    return findings
