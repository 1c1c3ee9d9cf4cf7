"""`ingest_paths(..., jobs=2)` reads documents in parallel but answers in input order, and a
file repeated in one batch is stored once."""
from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

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


def test_regression_a_reader_waited_for_the_event_loop_before_its_next_document(
    registry_loaded, tmp_path, monkeypatch
):
    """A reader that finished a document was handed the next one only by the event loop, which
    was often busy with rules and storage: the worker process sat idle meanwhile. Here the
    loop is held inside the storage of document 1 while document 2 is read; document 3's read
    must start all the same."""
    import importers.ingest as ingest

    paths = []
    for number in (1, 2, 3):
        path = tmp_path / f"{number}.pdf"
        path.write_bytes(f"document {number}".encode())
        paths.append(path)
    loop_held = threading.Event()
    third_started = threading.Event()
    started_while_held: list[bool] = []

    def read(data: bytes, *, passport_key: bytes) -> SimpleNamespace:
        if data == b"document 2":
            loop_held.wait(10)
        if data == b"document 3":
            third_started.set()
        return SimpleNamespace(contract=None, needs_ocr_pages=[1], pages=1)

    async def check_and_store(read, file_name: str, *, actor: str, facts) -> dict:
        if file_name == "1.pdf":
            await asyncio.sleep(0)  # the loop queues document 3 ...
            loop_held.set()  # ... and is then held, as by CPU-bound rules
            started_while_held.append(third_started.wait(10))
        return {"file": file_name}

    async def not_stored(sha256: str) -> None:
        return None

    monkeypatch.setattr(ingest, "read_contract_isolated", read)
    monkeypatch.setattr(ingest, "_check_and_store", check_and_store)
    monkeypatch.setattr(ingest.store, "contract_id", not_stored)

    async def go() -> list[dict]:
        return [result async for result in ingest_paths(paths, actor="test", jobs=1)]

    assert [result["file"] for result in asyncio.run(go())] == ["1.pdf", "2.pdf", "3.pdf"]
    assert started_while_held == [True]
