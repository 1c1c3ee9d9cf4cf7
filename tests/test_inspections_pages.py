"""The inspector's worklist, entity, summary and export routes (pages and JSON), behind the
inspector role (both engines)."""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re

from litestar.testing import TestClient
from openpyxl import load_workbook

import inspections_fixture as fx
from api_helpers import auth, make_app, make_tokens

NUMBER = "MLVT-PRA-001/2020"
KEY = "MLVTPRA0012020"


async def _seed() -> None:
    a = await fx.agency(NUMBER, "Alpha Manpower")
    b = await fx.agency("MLVT-PRA-002/2020", "Bravo Recruitment", province="Kandal")
    c = await fx.contract(signed=dt.date(2026, 9, 1), licence_id=a)
    await fx.flag(c, "WRK006", "critical", licence_id=a)
    await fx.flag(c, "FEE003", "critical", licence_id=a)
    c = await fx.contract(signed=dt.date(2026, 9, 1), licence_id=b)
    await fx.flag(c, "WRK005", "medium", licence_id=b)


def test_worklist_entity_summary_and_exports(db, tmp_path):
    tokens = make_tokens()
    asyncio.run(_seed())
    with TestClient(make_app(tmp_path)) as client:
        inspector = auth(tokens["inspector"])
        plan = client.get("/api/v1/inspections/plan", headers=inspector)
        assert plan.status_code == 200
        assert [e["number"] for e in plan.json()] == [NUMBER, "MLVT-PRA-002/2020"]
        assert {i["rule"] for i in plan.json()[0]["factors"][0]["items"]} == {"WRK006", "FEE003"}
        top = plan.json()[0]
        assert isinstance(top["score"], (int, float)), "scores are JSON numbers, not strings"
        assert abs(sum(f["points"] for f in top["factors"]) - top["score"]) < 0.005

        page = client.get("/inspections", headers=inspector)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html = page.text
        assert html.index("Alpha Manpower") < html.index("Bravo Recruitment")
        assert f'href="/inspections/entities/{KEY}"' in html
        assert "<script" not in html
        assert "Bravo" in client.get("/inspections", params={"province": "Kandal"}, headers=inspector).text
        assert "Bravo" not in client.get("/inspections", params={"top": 1}, headers=inspector).text
        empty_form = client.get("/inspections", params={"province": "", "kind": "", "top": ""}, headers=inspector)
        assert empty_form.status_code == 200 and "Bravo" in empty_form.text

        entity = client.get(f"/inspections/entities/{KEY}", headers=inspector)
        assert entity.status_code == 200 and "WRK006" in entity.text and "Never inspected" in entity.text
        assert 'href="/inspector/contracts/1?flag=1"' in entity.text and "Contracts (1)" in entity.text
        score_before = client.get(f"/api/v1/inspections/entities/{KEY}", headers=inspector).json()["score"]

        form = {"date": "2026-10-01", "inspector": "Insp. Dara", "outcome": "violations_found", "notes": "passports kept"}
        posted = client.post(f"/inspections/entities/{KEY}", data=form, headers=inspector, follow_redirects=False)
        assert posted.status_code == 303 and posted.headers["location"] == f"/inspections/entities/{KEY}"
        after = client.get(f"/api/v1/inspections/entities/{KEY}", headers=inspector).json()
        assert after["score"] > score_before
        assert [h["outcome"] for h in after["inspections"]] == ["violations_found"]

        recorded = client.post("/api/v1/inspections", headers=inspector, json={
            "number": "MLVT-PRA-002/2020", "date": "2026-10-02", "inspector": "Insp. Sok", "outcome": "no_violation"})
        assert recorded.status_code == 201 and recorded.json()["number"] == "MLVT-PRA-002/2020"
        unknown = client.post("/api/v1/inspections", headers=inspector, json={
            "number": "MLVT-PRA-002/2020", "date": "2026-10-02", "inspector": "I", "outcome": "great"})
        assert unknown.status_code == 422 and unknown.json()["type"] == "/problems/invalid-input"

        summary = client.get("/inspections/summary", headers=inspector)
        assert summary.status_code == 200
        assert len(re.findall(r"<svg\b", summary.text)) >= 3
        assert "Alpha Manpower (MLVT-PRA-001/2020)" in summary.text

        csv_download = client.get("/inspections/export/csv", params={"severity": "critical"}, headers=inspector)
        assert csv_download.status_code == 200
        assert "attachment" in csv_download.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(csv_download.content.decode("utf-8-sig"))))
        api_flags = client.get("/api/v1/flags", params={"severity": "critical"}, headers=inspector).json()
        assert [int(r["flag_id"]) for r in rows] == [f["id"] for f in api_flags]

        xlsx = client.get("/inspections/export/xlsx", params={"agency": NUMBER}, headers=inspector)
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["WRK006", "FEE003"]
        assert client.get("/inspections/export/pdf", headers=inspector).status_code == 422


def test_inspection_routes_are_for_inspectors_only(db, tmp_path):
    tokens = make_tokens()
    asyncio.run(_seed())
    routes = ["/inspections", "/inspections/summary", "/inspections/export/csv",
              f"/inspections/entities/{KEY}", "/api/v1/inspections/plan"]
    with TestClient(make_app(tmp_path)) as client:
        for path in routes:
            signed_out = client.get(path, follow_redirects=False)
            if path.startswith("/api/"):
                assert signed_out.status_code == 401, path
            else:
                assert signed_out.status_code == 303 and signed_out.headers["location"] == "/inspector/login", path
            assert client.get(path, headers=auth(tokens["officer"])).status_code == 403, path
            assert client.get(path, headers=auth(tokens["admin"])).status_code == 200, path
        posted = client.post("/api/v1/inspections", headers=auth(tokens["officer"]), json={
            "number": NUMBER, "date": "2026-10-02", "inspector": "I", "outcome": "no_violation"})
        assert posted.status_code == 403
