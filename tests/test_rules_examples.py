"""Every rule's own good and bad example clauses (English and Khmer, negations, employer-paid
costs), run on the compliant example contract with the example replacing the rule's topic."""
from __future__ import annotations

import pytest

from compliance_rules.check import check_contract
from compliance_rules.examples import example_contract, example_registry
from compliance_rules.rule import all_rules

CASES = [
    pytest.param(rule, example, kind, id=f"{rule.id}-{kind}-{i}-{example.language}")
    for rule in all_rules()
    for kind, examples in (("bad", rule.bad), ("good", rule.good))
    for i, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "example", "kind"), CASES)
def test_rule_example(rule, example, kind):
    findings = [f for f in check_contract(example_contract(rule, example), example_registry()) if f.rule == rule.id]
    if kind == "bad":
        assert findings, f"{rule.id} did not flag: {example.text}"
        assert all(f.evidence for f in findings), "a finding must point at its evidence"
        for finding in findings:  # each piece of evidence once (test_ingest.py: a fee clause was quoted twice)
            quoted = [evidence.model_dump_json() for evidence in finding.evidence]
            assert len(quoted) == len(set(quoted)), f"{rule.id} cites the same evidence twice: {quoted}"
    else:
        assert not findings, f"{rule.id} flagged a good example: {example.text} -> {findings[0].explanation}"


def test_example_contract_is_compliant():
    assert check_contract(example_contract(), example_registry()) == []


def test_every_rule_has_english_and_khmer_or_terms_examples():
    for rule in all_rules():
        assert rule.bad and rule.good, rule.id
        languages = {example.language for example in (*rule.bad, *rule.good)}
        assert "en" in languages, rule.id
