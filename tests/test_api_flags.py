"""The flag workflow through the API: filters, assignment, transitions, history, conflicts."""
from __future__ import annotations

import asyncio

from litestar.testing import TestClient

from api_helpers import auth, make_app, make_tokens, seed_flag, seed_licence


def test_flag_workflow_end_to_end(db):
    tokens = make_tokens()

    async def seed():
        licence_id = await seed_licence()
        first = await seed_flag(licence_id=licence_id)
        await seed_flag(rule="WRK010", severity="low", sha256="b" * 64)
        return first

    flag_id = asyncio.run(seed())
    with TestClient(make_app()) as client:
        inspector = auth(tokens["inspector"])
        by_agency = client.get("/api/v1/flags", params={"agency": "test pra 001 2020"}, headers=inspector)
        assert by_agency.status_code == 200
        assert [f["id"] for f in by_agency.json()] == [flag_id]
        assert by_agency.json()[0]["agency_name"] == "Example Placement Co., Ltd."
        assert [f["rule"] for f in client.get("/api/v1/flags", params={"severity": "low"}, headers=inspector).json()] == ["WRK010"]
        assert client.get("/api/v1/flags", params={"rule": "fee001", "status": "open"}, headers=inspector).json()[0]["id"] == flag_id

        assigned = client.post(f"/api/v1/flags/{flag_id}/assign", json={"assignee": "inspector-user"}, headers=inspector)
        assert assigned.status_code == 200 and assigned.json()["assignee"] == "inspector-user"
        version = assigned.json()["version"]

        skip = client.post(f"/api/v1/flags/{flag_id}/status", json={"to_status": "closed"}, headers=inspector)
        assert skip.status_code == 409
        assert skip.headers["content-type"].startswith("application/problem+json")
        assert skip.json()["type"] == "/problems/invalid-transition"

        review = client.post(f"/api/v1/flags/{flag_id}/status",
                             json={"to_status": "in_review", "expected_version": version}, headers=inspector)
        assert review.status_code == 200
        stale = client.post(f"/api/v1/flags/{flag_id}/status",
                            json={"to_status": "confirmed", "expected_version": version}, headers=inspector)
        assert stale.status_code == 409 and stale.json()["type"] == "/problems/conflict"

        no_reason = client.post(f"/api/v1/flags/{flag_id}/status", json={"to_status": "dismissed"}, headers=inspector)
        assert no_reason.status_code == 422 and "reason" in no_reason.json()["detail"]
        dismissed = client.post(f"/api/v1/flags/{flag_id}/status",
                                json={"to_status": "dismissed", "note": "fee is refunded by employer"}, headers=inspector)
        assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
        client.post(f"/api/v1/flags/{flag_id}/notes", json={"note": "agency informed"}, headers=inspector)
        closed = client.post(f"/api/v1/flags/{flag_id}/status", json={"to_status": "closed"}, headers=inspector)
        assert closed.json()["status"] == "closed"

        history = client.get(f"/api/v1/flags/{flag_id}", headers=inspector).json()["history"]
        assert [(h["action"], h["to_status"]) for h in history] == [
            ("raised", "open"), ("assigned", "open"), ("status", "in_review"), ("status", "dismissed"),
            ("note", "dismissed"), ("status", "closed"),
        ]
        assert history[3]["note"] == "fee is refunded by employer"
        assert all(h["actor"] == "inspector-user" for h in history[1:])


def test_flag_changes_are_audited(db):
    from registry import audit
    from registry.tables import AuditLog

    tokens = make_tokens()
    flag_id = asyncio.run(seed_flag())
    with TestClient(make_app()) as client:
        client.post(f"/api/v1/flags/{flag_id}/status", json={"to_status": "in_review"}, headers=auth(tokens["inspector"]))
    rows = asyncio.run(AuditLog.select(AuditLog.action, AuditLog.actor).where(AuditLog.entity == "flag").run())
    assert rows == [{"action": "flag.in_review", "actor": "inspector-user"}]
    assert asyncio.run(audit.verify()).ok


def test_bad_filters_are_4xx_problems(db):
    tokens = make_tokens()
    with TestClient(make_app()) as client:
        inspector = auth(tokens["inspector"])
        for params in ({"severity": "urgent"}, {"limit": 0}, {"status": "gone"}, {"offset": -1}):
            response = client.get("/api/v1/flags", params=params, headers=inspector)
            assert response.status_code == 400, params
            assert response.headers["content-type"].startswith("application/problem+json")
        missing = client.get("/api/v1/flags/999999", headers=inspector)
        assert missing.status_code == 404 and missing.json()["type"] == "/problems/not-found"
