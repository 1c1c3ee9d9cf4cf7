"""`ingest_paths(..., jobs=2)` reads documents in parallel but answers in input order, and a
file repeated in one batch is stored once."""
from __future__ import annotations

import asyncio
import os

import pytest

from importers.ingest import ingest_paths
from importers.registry_import import import_registry
from registry.lookup import service as lookup_service
from registry.tables import Contract


@pytest.fixture
def registry_loaded(db, corpus, monkeypatch, tmp_path):
    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", os.environ.get("FAIRRECRUIT_TEST_OCR_CACHE", str(tmp_path)))
    lookup_service.forget()
    asyncio.run(import_registry([corpus / "registry"], actor="test"))
    lookup_service.forget()
    return db


def test_parallel_ingest_keeps_input_order_and_stores_a_repeated_file_once(registry_loaded, corpus, tmp_path):
    folder = corpus / "contracts"
    paths = [folder / "contract_p001.pdf", folder / "contract_p003.pdf", folder / "contract_p001.pdf",
             tmp_path / "missing.pdf"]

    async def go() -> tuple[list[dict], int]:
        results = [r async for r in ingest_paths(paths, actor="test", jobs=2)]
        return results, await Contract.count().run()

    results, stored = asyncio.run(go())
    assert [r["file"] for r in results[:3]] == ["contract_p001.pdf", "contract_p003.pdf", "contract_p001.pdf"]
    assert [r["status"] for r in results] == ["checked", "checked", "checked", "error"]
    assert results[2].get("already_ingested") is True
    assert results[2]["sha256"] == results[0]["sha256"]
    assert stored == 2
