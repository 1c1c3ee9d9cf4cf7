"""Issue 7 item 1 through the product's two doors: the `contracts ingest` CLI and the upload
API. Every hostile document of tests/pdf_factory.py gives a clear error (stderr + exit 1; a
4xx problem) or `needs_ocr`, within its limits, stores nothing, and does not stop the other
documents of the same CLI batch. tests/test_pdf_hostile.py holds the reader-level proofs.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from litestar.testing import TestClient

import pdf_factory as make
from api_helpers import auth, make_app, make_tokens
from registry.tables import Contract, Flag, FlagEvent

REPO = Path(__file__).resolve().parent.parent

HOSTILE = {
    "zero_bytes": lambda: b"",
    "truncated": make.truncated,
    "renamed_png": make.renamed_png,
    "encrypted": lambda: make.encrypted("s3cret"),
    "two_thousand_pages": make.many_pages,
    "huge_image": make.huge_image,
    "huge_page": make.huge_page,
    "decompression_bomb": make.decompression_bomb,
    "deeply_nested": make.deeply_nested,
    "cyclic_page_tree": make.cyclic_page_tree,
    "garbage_text_layer": make.garbage_text_layer,
}
"""Documents that must never be checked or stored. (JavaScript and attachments are not in
this list: such a PDF with a real text layer is a contract; the reader ignores the extras.)"""

LIMIT_SECONDS = 30
LIMITS_ENV = {
    "FAIRRECRUIT_PDF_MAX_SECONDS": str(LIMIT_SECONDS),
    "FAIRRECRUIT_PDF_MAX_CPU_SECONDS": str(LIMIT_SECONDS),
    "FAIRRECRUIT_PDF_OCR_DPI": "150",
}
"""Small limits keep the suite fast; a hit limit would show as reason 'timeout', asserted absent."""

GOOD_LINES = ["EMPLOYMENT CONTRACT", "The Employer shall pay the Worker a monthly wage of 900 USD.",
              "The Worker shall not pay any recruitment fee."]


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    """The hostile set plus two good contracts, named so the good ones sort among the bad."""
    folder = tmp_path_factory.mktemp("hostile")
    for index, (name, build) in enumerate(HOSTILE.items()):
        (folder / f"{index:02d}_{name}.pdf").write_bytes(build())
    (folder / "00a_good.pdf").write_bytes(make.simple())
    (folder / "99_good.pdf").write_bytes(make.text_pdf([GOOD_LINES]))
    return folder


@pytest.fixture(scope="module")
def ocr_cache(tmp_path_factory) -> Path:
    """One data dir for the module, so OCR of a page is done once across engines and doors."""
    return tmp_path_factory.mktemp("data")


async def _counts() -> tuple[int, int, int]:
    return (await Contract.count().run(), await Flag.count().run(), await FlagEvent.count().run())


def _is_clear(message: str) -> bool:
    """A sentence for a person, not a traceback or a bare code."""
    return len(message) > 20 and "Traceback" not in message and "Error:" not in message


def test_cli_batch_rejects_each_hostile_file_and_processes_the_rest(db, hostile_dir, ocr_cache):
    env = {**os.environ, **LIMITS_ENV, "FAIRRECRUIT_DATABASE_URL": db.url, "FAIRRECRUIT_DATA_DIR": str(ocr_cache)}
    completed = subprocess.run(
        [sys.executable, "-m", "api.cli", "contracts", "ingest", "--json", str(hostile_dir)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=len(HOSTILE) * LIMIT_SECONDS + 60,
    )
    assert completed.returncode == 1, completed.stderr
    results = {r["file"]: r for r in map(json.loads, completed.stdout.splitlines())}
    assert len(results) == len(HOSTILE) + 2
    for file_name, result in results.items():
        if "good" in file_name:
            assert result["status"] == "checked", result
            continue
        assert result["status"] in ("error", "needs_ocr"), result
        assert "timeout" not in result["error"] and "took longer" not in result["error"], result
        assert _is_clear(result["error"]), result
        assert f"{file_name}: {result['status']}: " in completed.stderr
    assert "Traceback" not in completed.stderr
    contracts, flags, events = asyncio.run(_counts())
    assert contracts == 2, "only the two good contracts are stored"
    stored = {row["file_name"] for row in asyncio.run(Contract.select(Contract.file_name).run())}
    assert stored == {"00a_good.pdf", "99_good.pdf"}
    assert flags == sum(len(r["findings"]) for r in results.values()) and events == flags


def test_upload_api_answers_each_hostile_file_with_a_problem_or_needs_ocr(db, hostile_dir, ocr_cache, monkeypatch):
    for name, value in {**LIMITS_ENV, "FAIRRECRUIT_DATA_DIR": str(ocr_cache)}.items():
        monkeypatch.setenv(name, value)
    inspector = auth(make_tokens()["inspector"])
    before = asyncio.run(_counts())
    answers: dict[str, tuple[int, dict]] = {}
    with TestClient(make_app()) as client:
        for path in sorted(hostile_dir.glob("[0-9][0-9]_*.pdf")):
            if "good" in path.name:
                continue
            response = client.post("/api/v1/contracts", files={"data": (path.name, path.read_bytes(), "application/pdf")},
                                   headers=inspector)
            answers[path.name] = (response.status_code, response.json())
    assert len(answers) == len(HOSTILE)
    for name, (status, body) in answers.items():
        if status == 200:
            assert body["status"] == "needs_ocr" and body["contract_id"] is None, (name, body)
            continue
        assert status == 422, (name, status, body)
        assert body["type"] == "/problems/invalid-input" and body["status"] == 422, (name, body)
        assert _is_clear(body["detail"]) and "took longer" not in body["detail"], (name, body)
    assert asyncio.run(_counts()) == before


def test_upload_over_the_size_limit_is_refused_before_reading(db):
    from api.routes.contracts import UPLOAD_LIMIT

    inspector = auth(make_tokens()["inspector"])
    with TestClient(make_app()) as client:
        response = client.post("/api/v1/contracts", headers=inspector,
                               files={"data": ("big.pdf", b"%PDF-1.4\n" + b"0" * UPLOAD_LIMIT, "application/pdf")})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert asyncio.run(_counts()) == (0, 0, 0)


def test_regression_ocr_of_noise_is_not_checked_as_a_contract(ocr_cache, monkeypatch):
    """Found here: a blank page or one of random glyphs went through OCR and was then 'checked'
    and stored with a dozen flags. OCR text below the trust threshold now means needs_ocr."""
    from importers.pdf import read_pdf_isolated

    for name, value in {**LIMITS_ENV, "FAIRRECRUIT_DATA_DIR": str(ocr_cache)}.items():
        monkeypatch.setenv(name, value)
    for build in (make.garbage_text_layer, make.deeply_nested):
        document = read_pdf_isolated(build())
        assert document.needs_ocr_pages == [1] and document.pages[0].lines == [], build.__name__
