"""Term extraction over the shared sample, field by field against `labels.jsonl`.

Every PDF is read with `read_pdf` (OCR where the reader finds no trustworthy text layer; its
results are cached on disk, see FAIRRECRUIT_TEST_OCR_CACHE). Passport numbers are compared
through their keyed hash, fees as a multiset of (item, amount, currency).
"""
from __future__ import annotations

import json
import os
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from importers.pdf import read_pdf
from importers.terms import extract, passport_hash

KEY = b"corpus-test-key-0123456789abcdef"
TARGET = 0.95


@pytest.fixture
def corpus_contracts(corpus: Path, tmp_path_factory) -> list[tuple[dict, object]]:
    cache_home = os.environ.get("FAIRRECRUIT_TEST_OCR_CACHE") or str(tmp_path_factory.getbasetemp() / "terms-ocr")
    return _read_corpus(corpus, cache_home)


@cache
def _read_corpus(corpus: Path, cache_home: str) -> list[tuple[dict, object]]:
    """(label, ContractForCheck) for every labelled PDF the reader could read, read once."""
    previous = os.environ.get("FAIRRECRUIT_DATA_DIR")
    os.environ["FAIRRECRUIT_DATA_DIR"] = cache_home
    try:
        labels = [json.loads(line) for line in (corpus / "contracts" / "labels.jsonl").open()]
        out = []
        for label in labels:
            document = read_pdf((corpus / "contracts" / label["file"]).read_bytes())
            if document.needs_ocr:
                continue  # no OCR engine here: the reader reports it, nothing to extract
            out.append((label, extract(document, passport_key=KEY)))
        return out
    finally:
        if previous is None:
            os.environ.pop("FAIRRECRUIT_DATA_DIR", None)
        else:
            os.environ["FAIRRECRUIT_DATA_DIR"] = previous


def _fees(fees: list[dict]) -> list[tuple]:
    return sorted((fee["item"], fee["amount"], fee["currency"]) for fee in fees)


def field_results(label: dict, contract) -> dict[str, tuple[bool, object, object]]:
    """field -> (exact?, extracted, expected)."""
    got = contract.terms.public_fields()
    results = {}
    for name, expected in label["fields"].items():
        if name == "worker_passport_no":
            value = contract.terms.worker_passport_hash
            expected = passport_hash(expected, KEY) if expected else None
        elif name == "worker_fees":
            value, expected = _fees(got[name]), _fees(expected)
        else:
            value = got[name]
        results[name] = (value == expected, value, expected)
    return results


def test_labelled_fields_are_extracted(corpus_contracts):
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for label, contract in corpus_contracts:
        for name, (exact, value, expected) in field_results(label, contract).items():
            total[name] += 1
            correct[name] += exact
            if not exact and name != "worker_passport_no":
                misses.append(f"{label['file']} {name}: got {value!r}, expected {expected!r}")
    print(f"\n{len(corpus_contracts)} contracts read")
    for name in total:
        print(f"{name:24} {correct[name]:3}/{total[name]:3} {correct[name] / total[name]:.0%}")
    overall = sum(correct.values()) / sum(total.values())
    print(f"{'overall':24} {sum(correct.values()):3}/{sum(total.values()):3} {overall:.1%}")
    print("\n".join(misses))
    assert len(corpus_contracts) >= 30
    assert overall >= TARGET


def test_every_value_points_at_its_source(corpus_contracts):
    for _, contract in corpus_contracts:
        terms = contract.terms
        for name in ("agency_name", "wage_amount", "signing_date", "job_title"):
            extracted = getattr(terms, name)
            if extracted is not None:
                assert extracted.source is not None and extracted.source.page >= 1
                assert extracted.source.text
        for fee in terms.worker_fees:
            assert fee.source is not None and fee.source.text
