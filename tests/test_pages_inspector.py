"""Inspector pages: sign-in by token (cookie), the flag list and workflow form, and the contract
view whose page image has the evidence outlined."""
from __future__ import annotations

import asyncio
import io
from pathlib import Path

from litestar.testing import TestClient
from PIL import Image

from api import contract_files
from api_helpers import make_app, make_tokens, seed_flag, seed_licence
from registry.tables import Contract

DEMO_PDF = Path(__file__).resolve().parent.parent / "examples" / "demo" / "contracts" / "demo_fee_passport.pdf"


def _sign_in(client: TestClient, token: str) -> None:
    response = client.post("/inspector/login", data={"token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/inspector/flags"
    assert "httponly" in response.headers["set-cookie"].lower() and "samesite=strict" in response.headers["set-cookie"].lower()


def test_sign_in_flags_and_workflow_form(db):
    tokens = make_tokens()
    flag_id = asyncio.run(seed_flag(licence_id=asyncio.run(seed_licence())))
    with TestClient(make_app()) as client:
        assert client.get("/inspector/flags", follow_redirects=False).headers["location"] == "/inspector/login"
        officer = client.post("/inspector/login", data={"token": tokens["officer"]}, follow_redirects=False)
        assert officer.status_code == 401
        _sign_in(client, tokens["inspector"])
        listing = client.get("/inspector/flags", params={"agency": "TEST-PRA-001/2020"})
        assert f'href="/inspector/flags/{flag_id}"' in listing.text and "FEE001" in listing.text
        moved = client.post(f"/inspector/flags/{flag_id}/status", data={"to_status": "in_review", "note": "", "expected_version": "0"},
                            follow_redirects=False)
        assert moved.status_code == 303
        page = client.get(f"/inspector/flags/{flag_id}")
        assert 'id="flag-status">in review<' in page.text and "inspector-user" in page.text
        refused = client.post(f"/inspector/flags/{flag_id}/status", data={"to_status": "dismissed", "note": ""},
                              headers={"Accept": "text/html"})
        assert refused.status_code == 422 and "reason" in refused.text and "<html" in refused.text
        client.post("/inspector/logout")
        assert client.get("/inspector/flags", follow_redirects=False).status_code == 303


def test_contract_view_outlines_the_evidence(db, tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", str(tmp_path))
    tokens = make_tokens()
    data = DEMO_PDF.read_bytes()
    sha = "d" * 64
    contract_files.save(sha, data)
    flag_id = asyncio.run(seed_flag(sha256=sha))
    contract_id = asyncio.run(Contract.select(Contract.id).where(Contract.sha256 == sha).first().run())["id"]
    with TestClient(make_app()) as client:
        _sign_in(client, tokens["inspector"])
        view = client.get(f"/inspector/contracts/{contract_id}", params={"flag": flag_id})
        assert f"/api/v1/contracts/{contract_id}/pages/1/image?flag={flag_id}" in view.text
        outlined = client.get(f"/api/v1/contracts/{contract_id}/pages/1/image", params={"flag": flag_id})
        assert outlined.status_code == 200 and outlined.headers["cache-control"] == "private, no-store"
        plain = Image.open(io.BytesIO(contract_files.render_page(sha, 1, [])))
        boxed = Image.open(io.BytesIO(outlined.content))
        assert boxed.size == plain.size
        # The seeded evidence box [10, 10, 200, 30] (points) at 1.5x: its outline is red.
        assert boxed.convert("RGB").getpixel((int(100 * 1.5), int(10 * 1.5) - 2))[0] > 180
        assert plain.convert("RGB").getpixel((int(100 * 1.5), int(10 * 1.5) - 2)) == (255, 255, 255)
        assert client.get(f"/api/v1/contracts/{contract_id}/pages/9/image").status_code == 404
        assert client.get(f"/api/v1/contracts/{contract_id}/pages/1/image", params={"flag": 999}).status_code == 404
