"""Run every rule on one contract."""
from __future__ import annotations

import logging

from compliance_rules.model import ContractForCheck, Finding
from compliance_rules.passages import held_for
from compliance_rules.registry_facts import RegistryFacts
from compliance_rules.rule import all_rules
from registry.errors import CheckFailedError

log = logging.getLogger("fairrecruit.rules")


def check_contract(contract: ContractForCheck, facts: RegistryFacts) -> list[Finding]:
    """Findings of every registered rule, in rule-ID order. Call it only for a document that was
    read (text layer or OCR): an unread document is `needs_ocr`, never "no violations".

    A rule that raises is a bug met on this contract: skipping it would report the contract
    clean of what that rule looks for, so the whole check fails with `CheckFailedError`."""
    findings: list[Finding] = []
    with held_for(contract):
        for rule in all_rules():
            try:
                findings.extend(rule.check(contract, facts))
            except Exception as exc:
                log.exception("rule %s failed on contract %s", rule.id, contract.sha256)
                raise CheckFailedError(rule.id) from exc
    return findings
