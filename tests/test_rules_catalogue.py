"""The catalogue itself: every RULES.md ID present, IDs stable, docs generated, CLI listing."""
from __future__ import annotations

import json

from click.testing import CliRunner

from api.cli import main
from compliance_rules import docs
from compliance_rules.rule import RULES, Rule, all_rules, register, retired_ids

EXPECTED_IDS = (
    [f"FEE{n:03}" for n in range(1, 6)] + [f"WRK{n:03}" for n in range(1, 14)]
    + [f"LIC{n:03}" for n in range(1, 6)] + ["FRD001"]
)


def test_every_catalogue_rule_is_registered():
    assert [rule.id for rule in all_rules()] == sorted(EXPECTED_IDS)


def test_unverified_references_are_marked():
    for rule in all_rules():
        assert rule.references, rule.id
        assert all(isinstance(ref.verified, bool) for ref in rule.references)
    fee001 = RULES["FEE001"]
    assert any(not ref.verified for ref in fee001.references), "FEE001 rests on an unverified Cambodian basis"


def test_an_id_cannot_be_registered_twice():
    clone = Rule(**{**RULES["WRK010"].__dict__})
    try:
        register(clone)
    except ValueError as exc:
        assert "twice" in str(exc)
    else:
        raise AssertionError("duplicate rule ID accepted")


def test_retired_ids_are_never_live():
    assert not set(retired_ids()) & set(RULES)


def test_docs_rules_is_up_to_date():
    assert docs.stale() == [], "run `fairrecruit rules docs` (python -m compliance_rules.docs)"


def test_docs_pages_show_unverified_marks_and_examples():
    page = docs.pages()["FEE001.md"]
    assert "*(unverified)*" in page
    assert "Flagged (bad examples)" in page and "Not flagged (good examples)" in page


def test_cli_rules_list():
    result = CliRunner().invoke(main, ["rules", "list"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == len(EXPECTED_IDS)
    assert result.output.startswith("FEE001")


def test_cli_rules_list_json():
    result = CliRunner().invoke(main, ["rules", "list", "--json"])
    assert result.exit_code == 0
    listed = json.loads(result.output)
    assert {item["id"] for item in listed} >= set(EXPECTED_IDS)
    lic001 = next(item for item in listed if item["id"] == "LIC001")
    assert lic001["severity"] == "critical" and lic001["references"]
