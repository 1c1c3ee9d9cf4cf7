"""`ingest_paths(..., jobs=2)` reads documents in parallel but answers in input order, and a
file repeated in one batch is stored once."""
from __future__ import annotations

import asyncio

from importers.ingest import ingest_paths
from registry.tables import Contract


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
