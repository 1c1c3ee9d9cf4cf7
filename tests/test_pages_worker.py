"""The worker page and the public surfaces over the example registry: plain-words answers in
Khmer and English, look-alikes not found, signed checks that verify, QR codes, the feed."""
from __future__ import annotations

import asyncio
import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.signing import verify_document
from api_helpers import make_app

EXAMPLE_REGISTRY = Path(__file__).resolve().parent.parent / "examples" / "registry"


@pytest.fixture
def registry_db(db):
    from importers.registry_import import import_registry
    from registry.lookup import service

    async def load():
        await import_registry([EXAMPLE_REGISTRY], actor="test")
        await service.refresh()

    asyncio.run(load())
    return db


def _answer_status(page: str) -> str:
    found = re.search(r'id="answer" data-status="([a-z_]+)"', page)
    assert found, page[:2000]
    return found.group(1)


def test_worker_page_is_khmer_first_with_english_switch(registry_db):
    with TestClient(make_app()) as client:
        empty = client.get("/")
        assert empty.status_code == 200 and '<html lang="km">' in empty.text
        assert "<script" not in empty.text.lower()
        khmer = client.get("/", params={"q": "Kanhchana Workforce"})
        assert _answer_status(khmer.text) == "active"
        assert "មានអាជ្ញាប័ណ្ណ" in khmer.text and "ម៉ាឡេស៊ី" in khmer.text  # "licensed", Malaysia
        english = client.get("/", params={"q": "Kanhchana Workforce", "lang": "en"})
        assert "Licensed" in english.text and "Malaysia" in english.text and "2027-03-03" in english.text
        assert 'href="/?q=Kanhchana+Workforce&amp;lang=km"' in english.text or "lang=km" in english.text


def test_khmer_query_revoked_and_look_alike(registry_db):
    with TestClient(make_app()) as client:
        assert _answer_status(client.get("/", params={"q": "កញ្ចនា វើកហ្វស"}).text) == "active"
        revoked = client.get("/", params={"q": "Thida Overseas Placement", "lang": "en"}).text
        assert _answer_status(revoked) == "revoked" and "Licence revoked" in revoked
        assert "2025-06-10" in revoked  # the public history shows the revocation date
        look_alike = client.get("/", params={"q": "Kanhchana Golden Workforce", "lang": "en"}).text
        assert _answer_status(look_alike) == "not_found" and "Do not pay" in look_alike


def test_broker_answer_shows_parent_agency_and_its_status(registry_db):
    with TestClient(make_app()) as client:
        page = client.get("/", params={"q": "MLVT-SUB-5003/2021", "lang": "en"}).text
        assert "Kanhchana Workforce Co., Ltd." in page and "MLVT-PRA-101/2019" in page
        assert "Works for agency" in page and "Agency status" in page


def test_signed_check_verifies_online_and_offline_and_tampering_fails(registry_db):
    with TestClient(make_app()) as client:
        key = client.get("/.well-known/fairrecruit-signing-key").json()
        page = client.get("/check", params={"q": "Bayon Labour Link", "lang": "en"})
        assert page.status_code == 200
        signed = json.loads(html.unescape(re.search(r'<pre class="signed" id="signed-json">(.*?)</pre>', page.text, re.S).group(1)))
        assert signed["payload"]["status"] == "suspended" and signed["payload"]["match"]["number"] == "MLVT-PRA-103/2020"
        assert verify_document(signed, key["public_key"])
        assert client.post("/api/v1/public/checks/verify", json=signed).json()["valid"] is True
        forged = {**signed, "payload": {**signed["payload"], "status": "active"}}
        assert not verify_document(forged, key["public_key"])
        assert client.post("/api/v1/public/checks/verify", json=forged).json()["valid"] is False

        from api.signing import b64, canonical

        good = client.get("/check/verify", params={"d": b64(canonical(signed)), "lang": "en"}).text
        bad = client.get("/check/verify", params={"d": b64(canonical(forged)), "lang": "en"}).text
        assert "Signature valid" in good and "NOT valid" in bad
        garbage = client.get("/check/verify", params={"d": "not base64 json"})
        assert garbage.status_code == 200 and "verified" in garbage.text


def test_offline_verify_command(registry_db, tmp_path):
    from api.verify_check import main

    with TestClient(make_app()) as client:
        key = client.get("/.well-known/fairrecruit-signing-key").json()["public_key"]
        signed = client.get("/api/v1/public/checks", params={"q": "MLVT-PRA-102/2019"}).json()
    path = tmp_path / "check.json"
    path.write_text(json.dumps(signed), encoding="utf-8")
    assert main([str(path), "--public-key", key]) == 0
    signed["payload"]["checked_at"] = "2020-01-01T00:00:00+00:00"
    path.write_text(json.dumps(signed), encoding="utf-8")
    assert main([str(path), "--public-key", key]) == 1


def test_regression_a_public_key_starting_with_a_dash_was_taken_for_an_option(tmp_path):
    """One key in 64 starts with "-" in base64url; `--public-key KEY` then stopped with an
    argparse error instead of verifying (seen as a flaky test_offline_verify_command)."""
    from nacl.signing import SigningKey

    from api.signing import Signer
    from api.verify_check import main

    signer = next(s for s in (Signer(SigningKey.generate()) for _ in range(10_000)) if s.public_key.startswith("-"))
    path = tmp_path / "check.json"
    path.write_text(json.dumps(signer.sign({"status": "active", "checked_at": "2026-11-30T10:00:00+00:00"})),
                    encoding="utf-8")
    assert main([str(path), "--public-key", signer.public_key]) == 0
    assert main(["--public-key", signer.public_key, str(path)]) == 0


def test_qr_codes_point_to_live_status_of_broker_and_agency(registry_db):
    with TestClient(make_app()) as client:
        svg = client.get("/verify/sub-licence/MLVTSUB50032021/qr/svg")
        assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
        assert "/verify/sub-licence/MLVTSUB50032021</title>" in svg.text
        png = client.get("/verify/licence/MLVT-PRA-101-2019/qr/png")
        assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
        assert client.get("/verify/licence/MLVTPRA1012019/qr/gif").status_code == 404
        assert client.get("/verify/licence/MLVTSUB50032021").status_code == 404  # a sub-licence number
        live = client.get("/verify/sub-licence/MLVTSUB50032021", params={"lang": "en"}).text
        assert 'data-status="suspended"' in live and 'data-agency-status="active"' in live
        status = client.get("/api/v1/public/status/MLVT-SUB-5003-2021").json()
        assert status["agency"] == "MLVT-PRA-101/2019" and "version" not in status
        assert all(set(e) == {"event", "date"} for e in status["history"])


def test_change_feed_json_and_atom(registry_db):
    from registry import services

    asyncio.run(services.suspend_licence("MLVT-PRA-105/2021", on=dt.date.today(), reason="inspection", actor="officer"))
    since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)).isoformat()
    with TestClient(make_app()) as client:
        items = client.get("/api/v1/public/changes", params={"since": since, "limit": 500}).json()
        suspended = [i for i in items if i["event"] == "suspended" and i["number"] == "MLVT-PRA-105/2021"
                     and i["date"] == dt.date.today().isoformat()]
        assert len(suspended) == 1 and "reason" not in suspended[0] and "actor" not in suspended[0]
        atom = client.get("/api/v1/public/changes.atom", params={"since": since, "limit": 500})
        assert atom.headers["content-type"].startswith("application/atom+xml")
        ns = {"a": "http://www.w3.org/2005/Atom"}
        entries = ET.fromstring(atom.content).findall("a:entry", ns)
        assert any("MLVT-PRA-105/2021" in e.find("a:title", ns).text and "suspended" in e.find("a:title", ns).text for e in entries)
        later = client.get("/api/v1/public/changes", params={"since": dt.datetime.now(dt.timezone.utc).isoformat()}).json()
        assert later == []
        assert client.get("/api/v1/public/changes", params={"since": "yesterday"}).status_code == 400


def test_public_answers_never_carry_contract_or_worker_data(registry_db):
    from registry.tables import Contract, Licence

    secret_name, secret_passport = "Worker Secretname", "N7777777"

    async def seed():
        licence = await Licence.select(Licence.id).where(Licence.number == "MLVT-PRA-101/2019").first()
        await Contract(sha256="c" * 64, file_name="x.pdf", licence=licence["id"],
                       terms={"fields": {"worker_name": secret_name, "worker_passport_no": secret_passport}}).save()

    asyncio.run(seed())
    with TestClient(make_app()) as client:
        bodies = [client.get(url, params=params).text for url, params in [
            ("/", {"q": "Kanhchana"}), ("/check", {"q": "Kanhchana"}), ("/api/v1/public/lookup", {"q": "Kanhchana"}),
            ("/api/v1/public/status/MLVT-PRA-101-2019", None), ("/verify/licence/MLVTPRA1012019", None),
            ("/api/v1/public/changes", {"since": "2000-01-01T00:00:00Z", "limit": 500}),
        ]]
    assert all(secret_name not in body and secret_passport not in body for body in bodies)
