"""Per-rule precision and recall of compliance_rules on a labelled set, without a database.

    python bench/eval_rules.py ../shared/corpus/contracts/labels.jsonl [--terms gold|extracted]
                                [--cache DIR] [--verbose]

Reads each PDF with importers.pdf.read_pdf and cuts it with importers.terms.split_clauses; the
terms are the labelled `fields` (`--terms gold`, the default: isolates the rules from
extraction errors) or importers.terms.extract (`--terms extracted`). Registry facts come from the
CSVs in `registry/` beside the labels' folder, held in memory. FRD001 is judged against every
other contract of the set (labels put FRD001 on both contracts of a pair). Prints per-rule
precision/recall and every `not_expected` trap that fired.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import hmac
import json
import pickle
import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compliance_rules.check import check_contract  # noqa: E402
from compliance_rules.model import ContractForCheck, Extracted, Fee, Source, Terms  # noqa: E402
from compliance_rules.registry_facts import (  # noqa: E402
    InMemoryRegistryFacts, LicenceFacts, StoredContract, SubLicenceFacts,
)
from compliance_rules.rules.fraud import material_terms  # noqa: E402
from compliance_rules.text import has_khmer  # noqa: E402
from registry.status import StatusEvent  # noqa: E402

EVAL_KEY = b"bench-eval-key"
_UNTIL = re.compile(r"valid until (\d{4}-\d{2}-\d{2})")


def corpus_facts(registry_dir: Path) -> InMemoryRegistryFacts:
    events: dict[str, list[StatusEvent]] = {}
    with open(registry_dir / "licence_events.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            until = _UNTIL.search(row["note"] or "")
            events.setdefault(row["licence_no"], []).append(StatusEvent(
                row["event"], dt.date.fromisoformat(row["date"]),
                dt.date.fromisoformat(until.group(1)) if until else None))
    with open(registry_dir / "agencies.csv", encoding="utf-8") as handle:
        licences = [
            LicenceFacts(row["licence_no"], row["name_en"], row["name_km"],
                         tuple(row["authorised_destinations"].split(";")), tuple(events.get(row["licence_no"], ())))
            for row in csv.DictReader(handle)
        ]
    subs = []
    with open(registry_dir / "brokers.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            sub_events = [StatusEvent("granted", dt.date.fromisoformat(row["valid_from"]),
                                      dt.date.fromisoformat(row["valid_to"]))]
            if row["status"] in ("suspended", "revoked"):
                sub_events.append(StatusEvent(row["status"], dt.date.fromisoformat(row["status_since"])))
            subs.append(SubLicenceFacts(row["sub_licence_no"], row["name_en"], row["name_km"],
                                        row["agency_licence_no"], tuple(sub_events)))
    return InMemoryRegistryFacts(licences=licences, sub_licences=subs)


def gold_terms(fields: dict) -> Terms:
    values: dict[str, object] = {}
    for name, value in fields.items():
        if value is None or name in ("worker_fees", "worker_passport_no"):
            continue
        if name == "signing_date":
            value = dt.date.fromisoformat(value)
        elif isinstance(value, (int, float)) and name not in ("rest_days_per_week", "contract_months"):
            value = Decimal(str(value))
        values[name] = Extracted(value=value, source=Source(page=1, text=str(value)))
    passport = fields.get("worker_passport_no")
    return Terms(
        **values,
        worker_passport_hash=hmac.new(EVAL_KEY, passport.encode(), hashlib.sha256).hexdigest() if passport else None,
        worker_fees=[Fee(item=f["item"], amount=None if f["amount"] is None else Decimal(str(f["amount"])),
                         currency=f["currency"]) for f in fields.get("worker_fees", [])],
    )


def read_document(path: Path, cache: Path | None):
    from importers.pdf import read_pdf

    target = cache / (path.name + ".pickle") if cache else None
    if target and target.exists():
        return pickle.loads(target.read_bytes())
    document = read_pdf(path.read_bytes())
    if target:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pickle.dumps(document))
    return document


def contract_for(label: dict, document, mode: str) -> ContractForCheck:
    if mode == "extracted":
        from importers.terms import extract

        return extract(document, passport_key=EVAL_KEY)
    from importers.terms.clauses import split_clauses

    return ContractForCheck(sha256=label["sha256"], terms=gold_terms(label["fields"]),
                            clauses=split_clauses(document), has_khmer_text=has_khmer(document.text))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", type=Path)
    parser.add_argument("--terms", choices=("gold", "extracted"), default="gold")
    parser.add_argument("--cache", type=Path, default=None, help="folder for pickled Documents")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    labels = [json.loads(line) for line in args.labels.read_text("utf-8").splitlines() if line.strip()]
    facts = corpus_facts(args.labels.parent.parent / "registry")
    contracts = [contract_for(label, read_document(args.labels.parent / label["file"], args.cache), args.terms)
                 for label in labels]
    facts.contracts = [(c.terms.worker_passport_hash, StoredContract(c.sha256, material_terms(c.terms)))
                       for c in contracts if c.terms.worker_passport_hash]
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    traps = []
    for label, contract in zip(labels, contracts):
        findings = check_contract(contract, facts)
        got, expected = {f.rule for f in findings}, set(label["expected_rules"])
        tp.update(got & expected)
        fp.update(got - expected)
        fn.update(expected - got)
        traps += [f"{label['file']}: {t['rule']} ({t['reason']})" for t in label["not_expected"] if t["rule"] in got]
        if args.verbose and got != expected:
            print(f"{label['file']} {label['language']} {label['producer']}: "
                  f"extra {sorted(got - expected)} missing {sorted(expected - got)}")
            for finding in findings:
                if finding.rule in got - expected:
                    print(f"    {finding.rule}: {finding.explanation[:120]} | {finding.evidence[0].text[:160]!r}")
    print(f"{'rule':8} {'tp':>3} {'fp':>3} {'fn':>3} {'precision':>9} {'recall':>7}")
    for rule in sorted(set(tp) | set(fp) | set(fn)):
        precision = tp[rule] / (tp[rule] + fp[rule]) if tp[rule] + fp[rule] else 1.0
        recall = tp[rule] / (tp[rule] + fn[rule]) if tp[rule] + fn[rule] else 1.0
        print(f"{rule:8} {tp[rule]:3} {fp[rule]:3} {fn[rule]:3} {precision:9.2f} {recall:7.2f}")
    print(f"traps flagged: {len(traps)}")
    for trap in traps:
        print("  " + trap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
