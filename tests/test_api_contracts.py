"""Contract upload through the API: a PDF is checked and kept for the page view; a file that is
not a readable PDF is a 422 problem and nothing is stored."""
from __future__ import annotations

import asyncio
from pathlib import Path

from litestar.testing import TestClient

from api import contract_files
from api_helpers import auth, make_app, make_tokens
from registry.tables import Contract

DEMO_PDF = Path(__file__).resolve().parent.parent / "examples" / "demo" / "contracts" / "demo_fee_passport.pdf"


def test_upload_checks_a_pdf_and_refuses_a_non_pdf(db, tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", str(tmp_path))
    inspector = auth(make_tokens()["inspector"])
    with TestClient(make_app()) as client:
        bad = client.post("/api/v1/contracts", files={"data": ("notes.pdf", b"this is not a PDF", "application/pdf")},
                          headers=inspector)
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
        empty = client.post("/api/v1/contracts", files={"data": ("empty.pdf", b"", "application/pdf")}, headers=inspector)
        assert empty.status_code == 422
        assert asyncio.run(Contract.count().run()) == 0

        good = client.post("/api/v1/contracts", files={"data": ("../../etc/demo.pdf", DEMO_PDF.read_bytes(), "application/pdf")},
                           headers=inspector)
        assert good.status_code == 201, good.text
        body = good.json()
        assert body["status"] == "checked" and body["contract_id"] and body["findings"]
        assert contract_files.has(body["sha256"])
        stored = client.get(f"/api/v1/contracts/{body['contract_id']}", headers=inspector).json()
        assert stored["file_name"] == "demo.pdf" and len(stored["flags"]) == len(body["findings"])
        assert "N0912345" not in good.text and "N0912345" not in str(stored)  # passport kept only as a keyed hash


def test_upload_whose_check_fails_is_a_500_problem_and_stores_nothing(db, tmp_path, monkeypatch):
    from compliance_rules import check

    class Broken:
        id = "FEE999"

        def check(self, contract, facts) -> list:
            raise KeyError("internal detail (simulated)")

    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(check, "all_rules", lambda: [Broken()])
    inspector = auth(make_tokens()["inspector"])
    with TestClient(make_app()) as client:
        response = client.post("/api/v1/contracts", files={"data": ("demo.pdf", DEMO_PDF.read_bytes(), "application/pdf")},
                               headers=inspector)
    assert response.status_code == 500 and response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == "/problems/check-failed" and "FEE999" in problem["detail"]
    assert "internal detail" not in response.text
    assert asyncio.run(Contract.count().run()) == 0
    assert not list(tmp_path.rglob("*.pdf"))
