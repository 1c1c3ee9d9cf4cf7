"""The shared lookup queries against the shared registry, imported into each database engine."""
from __future__ import annotations

import asyncio
import datetime as dt
import json

from importers.registry_import import import_registry
from registry.lookup import service

SNAPSHOT_DAY = dt.date(2026, 11, 15)
"""The corpus README's registry snapshot date: the test-side default for lines without as_of."""


async def _answers(corpus):
    service.forget()
    await import_registry(sorted((corpus / "registry").glob("*.csv")), actor="test")
    queries = [json.loads(line) for line in (corpus / "lookup_queries.jsonl").read_text(encoding="utf-8").splitlines()]
    answers = []
    for q in queries:
        day = dt.date.fromisoformat(q["as_of"]) if "as_of" in q else SNAPSHOT_DAY
        answers.append(await service.lookup(q["query"], as_of=day, kind=q["kind"]))
    return queries, answers


def test_corpus_lookup_queries(db, corpus):
    queries, answers = asyncio.run(_answers(corpus))
    exact, wrong_on_not_found, misses = 0, [], []
    for q, answer in zip(queries, answers):
        number = answer["match"]["number"] if answer["match"] else None
        if number == q["expected"] and answer["status"] == q["expected_status"]:
            exact += 1
        else:
            misses.append((q["query"], q["expected"], q["expected_status"], number, answer["status"]))
        if q["expected"] is None and number is not None:
            wrong_on_not_found.append(q["query"])
    assert wrong_on_not_found == []
    assert exact / len(queries) >= 0.97, misses


def test_corpus_lookup_queries_from_csv_snapshot(corpus):
    """The same queries against the CSVs read straight into memory (the benchmark's path)."""
    from registry.lookup.csv_snapshot import snapshot_from_csv
    from registry.lookup.service import LookupIndex

    lookup_index = LookupIndex(snapshot_from_csv(corpus / "registry"))
    queries = [json.loads(line) for line in (corpus / "lookup_queries.jsonl").read_text(encoding="utf-8").splitlines()]
    exact = wrong_on_not_found = 0
    for q in queries:
        day = dt.date.fromisoformat(q["as_of"]) if "as_of" in q else SNAPSHOT_DAY
        answer = lookup_index.answer(q["query"], as_of=day, kind=q["kind"])
        number = answer["match"]["number"] if answer["match"] else None
        exact += number == q["expected"] and answer["status"] == q["expected_status"]
        wrong_on_not_found += q["expected"] is None and number is not None
    assert wrong_on_not_found == 0
    assert exact / len(queries) >= 0.97
