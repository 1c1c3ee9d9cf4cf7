"""Scoring the contract pipeline against a labelled set: per-rule precision/recall, traps
flagged, field accuracy. Used by `bench/eval_contracts.py` and the corpus acceptance test."""
from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path


def _same(expected: object, got: object) -> bool:
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)) and not isinstance(expected, bool):
        return Decimal(str(expected)) == Decimal(str(got))
    if isinstance(expected, str) and isinstance(got, str):
        return " ".join(expected.split()) == " ".join(got.split())
    if isinstance(expected, list) and isinstance(got, list):
        def key(fee: dict) -> tuple:
            amount = fee.get("amount")
            return (fee.get("item"), None if amount is None else Decimal(str(amount)), fee.get("currency"))
        return Counter(map(key, expected)) == Counter(map(key, got))
    return expected == got


async def evaluate(labels_path: Path, registry_dir: Path) -> dict:
    """Import the registry, ingest the labelled PDFs in file order, score the stored flags.
    Expects a migrated, empty database."""
    from importers.ingest import ingest_paths
    from importers.registry_import import import_registry
    from registry.contracts import rules_by_contract

    await import_registry([registry_dir], actor="eval")
    labels = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    files = [labels_path.parent / label["file"] for label in labels]
    started = time.perf_counter()
    results = [result async for result in ingest_paths(files, actor="eval")]
    elapsed = time.perf_counter() - started
    flagged = await rules_by_contract()

    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    traps: list[str] = []
    field_hits = field_total = 0
    field_misses: dict[str, list[str]] = defaultdict(list)
    statuses = Counter(r["status"] for r in results)
    for label, result in zip(labels, results):
        got = flagged.get(label["sha256"], set())
        expected = set(label["expected_rules"])
        for rule in got & expected:
            tp[rule] += 1
        for rule in got - expected:
            fp[rule] += 1
        for rule in expected - got:
            fn[rule] += 1
        for trap in label.get("not_expected", []):
            if trap["rule"] in got:
                traps.append(f"{label['file']}: {trap['rule']} ({trap['reason']})")
        fields = result.get("fields") or {}
        for name, value in label["fields"].items():
            if name == "worker_passport_no":
                continue
            field_total += 1
            if _same(value, fields.get(name)):
                field_hits += 1
            else:
                field_misses[name].append(f"{label['file']}: expected {value!r}, got {fields.get(name)!r}")
    rules = sorted(set(tp) | set(fp) | set(fn))
    per_rule = {}
    for rule in rules:
        precision = tp[rule] / (tp[rule] + fp[rule]) if tp[rule] + fp[rule] else 1.0
        recall = tp[rule] / (tp[rule] + fn[rule]) if tp[rule] + fn[rule] else 1.0
        per_rule[rule] = {"tp": tp[rule], "fp": fp[rule], "fn": fn[rule], "precision": precision, "recall": recall}
    return {
        "documents": len(labels),
        "statuses": dict(statuses),
        "seconds": elapsed,
        "per_rule": per_rule,
        "traps_flagged": traps,
        "field_accuracy": field_hits / field_total if field_total else 0.0,
        "field_hits": field_hits,
        "field_total": field_total,
        "field_misses": dict(field_misses),
    }


def report(result: dict) -> str:
    lines = [
        f"documents: {result['documents']}  statuses: {result['statuses']}  ingest seconds: {result['seconds']:.1f}",
        "",
        "| rule | TP | FP | FN | precision | recall |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for rule, row in result["per_rule"].items():
        lines.append(
            f"| {rule} | {row['tp']} | {row['fp']} | {row['fn']} | {row['precision']:.2f} | {row['recall']:.2f} |"
        )
    lines += [
        "",
        f"fields exact: {result['field_hits']}/{result['field_total']} = {result['field_accuracy']:.1%}",
        f"traps flagged: {len(result['traps_flagged'])}",
        *[f"  - {trap}" for trap in result["traps_flagged"]],
    ]
    if result["field_misses"]:
        lines.append("field misses:")
        for name, misses in sorted(result["field_misses"].items()):
            lines.append(f"  {name}: {len(misses)}")
            lines += [f"    {miss}" for miss in misses[:6]]
    return "\n".join(lines)
