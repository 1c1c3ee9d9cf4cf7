"""Piccolo Admin at /admin: its own login (API tokens do not open it, see test_api_roles), and
edits made there land in the audit trail with the admin's name."""
from __future__ import annotations

import asyncio
import uuid

from litestar.testing import TestClient

from api.admin import create_admin_login
from api_helpers import make_app, seed_licence
from registry import audit
from registry.tables import Agency, AuditLog


def _login(client: TestClient, username: str, password: str) -> dict[str, str]:
    client.get("/admin/")
    csrf = client.cookies.get("csrftoken")
    assert csrf, "Piccolo Admin sets a CSRF cookie on its page"
    headers = {"X-CSRFToken": csrf}
    response = client.post("/admin/public/login/", json={"username": username, "password": password}, headers=headers)
    assert response.status_code in (200, 303), response.text
    return headers


def test_admin_login_and_edits_are_audited(db):
    username, password = f"adm{uuid.uuid4().hex[:8]}", "correct horse battery"
    asyncio.run(create_admin_login(username, password, actor="test"))
    asyncio.run(seed_licence())
    agency_id = asyncio.run(Agency.select(Agency.id).first().run())["id"]
    with TestClient(make_app()) as client:
        assert client.get("/admin/api/tables/").status_code == 401
        wrong = client.post("/admin/public/login/", json={"username": username, "password": "nope"},
                            headers={"X-CSRFToken": client.cookies.get("csrftoken") or ""})
        assert wrong.status_code in (401, 403)
        headers = _login(client, username, password)
        tables = client.get("/admin/api/tables/")
        assert tables.status_code == 200 and "agency" in tables.json() and "api_user" not in tables.json()
        patched = client.patch(f"/admin/api/tables/agency/{agency_id}/", json={"phone": "012 345 678"}, headers=headers)
        assert patched.status_code == 200, patched.text
    stored = asyncio.run(Agency.select(Agency.phone).where(Agency.id == agency_id).first().run())
    assert stored["phone"] == "012 345 678"
    entries = asyncio.run(AuditLog.select(AuditLog.actor, AuditLog.action, AuditLog.after).where(
        AuditLog.action == "admin.update_requested.agency").run())
    assert len(entries) == 1 and entries[0]["actor"] == f"admin:{username}"
    assert asyncio.run(audit.verify()).ok
