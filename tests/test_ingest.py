"""The contract journey end to end: read, extract, check, store atomically, raise flags."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from importers.ingest import ingest_document, ingest_paths
from registry import contracts as contract_store
from registry.tables import Contract, Flag, FlagEvent

REPO = Path(__file__).resolve().parent.parent


def _labels(corpus: Path) -> dict[str, dict]:
    lines = (corpus / "contracts" / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    return {label["file"]: label for label in map(json.loads, lines)}


def _ingest(corpus: Path, *names: str) -> list[dict]:
    async def go() -> list[dict]:
        return [r async for r in ingest_paths([corpus / "contracts" / n for n in names], actor="test")]

    return asyncio.run(go())


async def _count(table) -> int:
    return await table.count().run()


def test_ingest_reports_expected_rules_with_evidence_and_stores_flags(registry_loaded, corpus):
    label = _labels(corpus)["contract_p001.pdf"]
    [result] = _ingest(corpus, "contract_p001.pdf")
    assert result["status"] == "checked"
    assert result["sha256"] == label["sha256"]
    assert "worker_passport_no" not in result["fields"]
    assert {f["rule"] for f in result["findings"]} == set(label["expected_rules"])
    for finding in result["findings"]:
        assert set(finding) >= {"rule", "severity", "title", "explanation", "evidence"}
        assert finding["evidence"], finding["rule"]
    located = [e for f in result["findings"] for e in f["evidence"] if e.get("bbox")]
    assert all(len(e["bbox"]) == 4 and e["page"] >= 1 for e in located)
    flags = asyncio.run(Flag.select(Flag.rule, Flag.status).run())
    assert sorted(f["rule"] for f in flags) == sorted(label["expected_rules"])
    assert {f["status"] for f in flags} == {"open"}
    assert asyncio.run(_count(FlagEvent)) == len(flags)


def test_passport_number_is_stored_only_as_keyed_hash(registry_loaded, corpus):
    passport = _labels(corpus)["contract_p001.pdf"]["fields"]["worker_passport_no"]
    _ingest(corpus, "contract_p001.pdf")
    row = asyncio.run(Contract.select().first().run())
    assert row["passport_hash"] and passport not in row["passport_hash"]
    assert passport not in json.dumps(row, default=str)


def test_same_file_twice_is_one_contract(registry_loaded, corpus):
    first, second = _ingest(corpus, "contract_p007.pdf", "contract_p007.pdf")
    assert first["sha256"] == second["sha256"]
    assert second.get("already_ingested") is True
    assert {f["rule"] for f in second["findings"]} == {f["rule"] for f in first["findings"]}
    assert asyncio.run(_count(Contract)) == 1


def test_reissued_copy_with_identical_terms_is_not_fraud(registry_loaded, corpus):
    results = _ingest(corpus, "contract_p004.pdf", "contract_p035.pdf")
    assert [r["status"] for r in results] == ["checked", "checked"]
    assert not [f for r in results for f in r["findings"] if f["rule"] == "FRD001"]


def test_bad_document_is_an_error_result_and_stores_nothing(registry_loaded, corpus, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"this is not a pdf at all")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")

    async def go() -> list[dict]:
        paths = [bad, corpus / "contracts" / "contract_p007.pdf", empty]
        return [r async for r in ingest_paths(paths, actor="test")]

    results = asyncio.run(go())
    assert [r["status"] for r in results] == ["error", "checked", "error"]
    assert all(r["error"] for r in (results[0], results[2]))
    assert asyncio.run(_count(Contract)) == 1  # only the good one


def test_failure_while_storing_rolls_back_the_whole_document(registry_loaded, corpus, monkeypatch):
    async def explode(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(contract_store, "_raise_flags", explode)
    data = (corpus / "contracts" / "contract_p017.pdf").read_bytes()
    with pytest.raises(RuntimeError, match="simulated"):
        asyncio.run(ingest_document(data, "contract_p017.pdf", actor="test"))
    assert asyncio.run(_count(Contract)) == 0
    assert asyncio.run(_count(Flag)) == 0


class _BrokenRule:
    """A rule with a bug that shows on one contract only."""

    id = "FEE999"

    def __init__(self, fails_on: str) -> None:
        self.fails_on = fails_on

    def check(self, contract, facts) -> list:
        if contract.sha256 == self.fails_on:
            raise ZeroDivisionError("a bug in a rule (simulated)")
        return []


def test_regression_a_rule_that_raised_stopped_the_whole_ingest_batch(registry_loaded, corpus, monkeypatch):
    import hashlib

    from compliance_rules import check

    folder = corpus / "contracts"
    broken = hashlib.sha256((folder / "contract_p003.pdf").read_bytes()).hexdigest()
    rules = check.all_rules()
    monkeypatch.setattr(check, "all_rules", lambda: [*rules, _BrokenRule(broken)])

    results = _ingest(corpus, "contract_p001.pdf", "contract_p003.pdf", "contract_p007.pdf")

    assert [r["status"] for r in results] == ["checked", "error", "checked"]
    assert "Rule FEE999 failed" in results[1]["error"] and "nothing was stored" in results[1]["error"]
    assert "simulated" not in results[1]["error"]  # internals go to the log, not to the result
    assert results[1]["findings"] == []

    async def stored() -> set[str]:
        return {row["sha256"] for row in await Contract.select(Contract.sha256).run()}

    assert asyncio.run(stored()) == {results[0]["sha256"], results[2]["sha256"]}


def test_cli_ingest_json_lines_in_order_and_exit_status(registry_loaded, corpus, tmp_path):
    bad = tmp_path / "renamed.pdf"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    env = {**os.environ, "FAIRRECRUIT_DATABASE_URL": registry_loaded.url}
    completed = subprocess.run(
        [sys.executable, "-m", "api.cli", "contracts", "ingest", "--json",
         str(corpus / "contracts" / "contract_p036.pdf"), str(bad)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=300,
    )
    assert completed.returncode == 1
    lines = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [(line["file"], line["status"]) for line in lines] == [
        ("contract_p036.pdf", "checked"), ("renamed.pdf", "error"),
    ]
    assert set(lines[0]) >= {"file", "sha256", "status", "fields", "findings"}
    assert "renamed.pdf" in completed.stderr


def test_regression_a_fee_clause_was_quoted_twice_in_one_finding(registry_loaded):
    """FEE001 cited the clause that charges the fee once as the extracted fee's source and once
    as a matching passage: inspectors and the CSV export saw the same quote twice."""
    data = (REPO / "examples" / "demo" / "contracts" / "demo_fee_passport.pdf").read_bytes()
    result = asyncio.run(ingest_document(data, "demo_fee_passport.pdf", actor="test"))
    fee = next(finding for finding in result["findings"] if finding["rule"] == "FEE001")
    assert "recruitment fee (USD 600)" in fee["explanation"]  # the sum, not only the item's name
    for finding in result["findings"]:
        quoted = [json.dumps(evidence, sort_keys=True) for evidence in finding["evidence"]]
        assert len(quoted) == len(set(quoted)), (finding["rule"], quoted)
