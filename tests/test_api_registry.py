"""Officer actions and registry reads through the API: reasons required, stale writes refused,
history and the audit trail written, broker status shows the agency's status too."""
from __future__ import annotations

from litestar.testing import TestClient

from api_helpers import auth, make_app, make_tokens


def _setup(client, officer):
    agency = client.post("/api/v1/agencies", json={"name_en": "Sample Overseas Jobs Co., Ltd.", "name_km": "ក្រុមហ៊ុន គំរូ"},
                         headers=officer)
    assert agency.status_code == 201, agency.text
    licence = client.post(f"/api/v1/agencies/{agency.json()['id']}/licences", headers=officer, json={
        "number": "TST-PRA-042/2021", "issued_on": "2021-03-01", "valid_until": "2099-02-28", "destinations": ["th", "MY"]})
    assert licence.status_code == 201, licence.text
    broker = client.post("/api/v1/brokers", json={"name_en": "Chan Sokha", "sex": "F", "national_id": "123"}, headers=officer)
    sub = client.post("/api/v1/sub-licences", headers=officer, json={
        "number": "TST-SUB-0007/2022", "broker_id": broker.json()["id"], "licence_number": "TST-PRA-042/2021",
        "on": "2022-01-10", "valid_until": "2099-01-09"})
    assert sub.status_code == 201, sub.text
    return licence.json(), broker.json()["id"]


def test_licence_actions_need_reasons_and_fresh_versions(db):
    tokens = make_tokens()
    officer = auth(tokens["officer"])
    with TestClient(make_app()) as client:
        issued, _ = _setup(client, officer)
        assert issued["version"] == 1 and issued["status"] == "active"

        no_reason = client.post("/api/v1/licences/TST-PRA-042-2021/suspend", json={"on": "2024-05-01"}, headers=officer)
        assert no_reason.status_code == 400
        assert no_reason.headers["content-type"].startswith("application/problem+json")
        blank = client.post("/api/v1/licences/TST-PRA-042-2021/suspend", json={"on": "2024-05-01", "reason": "  "}, headers=officer)
        assert blank.status_code == 422

        suspended = client.post("/api/v1/licences/tst pra 042 2021/suspend", headers=officer,
                                json={"on": "2024-05-01", "reason": "fees charged to workers", "expected_version": 1})
        assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
        stale = client.post("/api/v1/licences/TST-PRA-042-2021/reinstate", headers=officer,
                            json={"on": "2024-06-01", "reason": "fees refunded", "expected_version": 1})
        assert stale.status_code == 409 and stale.json()["type"] == "/problems/conflict"
        reinstated = client.post("/api/v1/licences/TST-PRA-042-2021/reinstate", headers=officer,
                                 json={"on": "2024-06-01", "reason": "fees refunded", "expected_version": 2})
        assert reinstated.json()["status"] == "active"
        revoked = client.post("/api/v1/licences/TST-PRA-042-2021/revoke", headers=officer,
                              json={"on": "2025-01-15", "reason": "repeat offence"})
        assert revoked.json()["cascaded"] == ["TST-SUB-0007/2022"]
        again = client.post("/api/v1/licences/TST-PRA-042-2021/reinstate", headers=officer,
                            json={"on": "2025-02-01", "reason": "appeal"})
        assert again.status_code == 409 and again.json()["type"] == "/problems/invalid-transition"

        on_day = client.get("/api/v1/licences/TST-PRA-042-2021", params={"as_of": "2024-05-20"}, headers=officer).json()
        assert on_day["status"] == "suspended" and on_day["destinations"] == ["TH", "MY"]
        events = client.get("/api/v1/licences/TST-PRA-042-2021/history", headers=officer).json()["events"]
        assert [e["event"] for e in events] == ["issued", "suspended", "reinstated", "revoked"]
        assert events[1]["reason"] == "fees charged to workers" and events[1]["actor"] == "officer-user"

        changes = client.get("/api/v1/history", params={"entity": "licence"}, headers=officer).json()
        assert [c["action"] for c in changes] == ["licence.revoked", "licence.reinstated", "licence.suspended", "licence.issue"]
        assert all(c["actor"] == "officer-user" for c in changes)


def test_broker_status_for_inspectors_shows_both_licences(db):
    tokens = make_tokens()
    officer, inspector = auth(tokens["officer"]), auth(tokens["inspector"])
    with TestClient(make_app()) as client:
        _, broker_id = _setup(client, officer)
        client.post("/api/v1/licences/TST-PRA-042-2021/suspend", headers=officer,
                    json={"on": "2024-05-01", "reason": "inspection findings"})
        before = client.get("/api/v1/sub-licences/TST-SUB-0007-2022", params={"as_of": "2024-04-30"}, headers=inspector).json()
        during = client.get("/api/v1/sub-licences/TST-SUB-0007-2022", params={"as_of": "2024-05-02"}, headers=inspector).json()
        assert (before["status"], before["agency_status"], before["may_recruit"]) == ("active", "active", True)
        assert (during["status"], during["agency_status"], during["may_recruit"]) == ("active", "suspended", False)
        assert during["agency"] == "TST-PRA-042/2021"
        broker = client.get(f"/api/v1/brokers/{broker_id}", headers=inspector)
        assert broker.status_code == 200 and broker.json()["sub_licences"] == [
            {"number": "TST-SUB-0007/2022", "agency": "TST-PRA-042/2021"}]
        assert "national_id" not in broker.text


def test_unknown_numbers_and_bad_input_are_4xx(db):
    tokens = make_tokens()
    officer = auth(tokens["officer"])
    with TestClient(make_app()) as client:
        assert client.get("/api/v1/licences/NOPE-1", headers=officer).status_code == 404
        assert client.get("/api/v1/licences/---", headers=officer).status_code == 422
        bad_country = client.post("/api/v1/agencies/1/licences", headers=officer, json={
            "number": "X-1", "issued_on": "2021-01-01", "valid_until": "2022-01-01", "destinations": ["Thailand"]})
        assert bad_country.status_code == 422 and "ISO 3166" in bad_country.json()["detail"]
        extra = client.post("/api/v1/agencies", json={"name_en": "A", "status": "active"}, headers=officer)
        assert extra.status_code == 400
        huge = client.post("/api/v1/agencies", content=b"{" + b" " * 200_000 + b"}", headers={
            **officer, "content-type": "application/json"})
        assert huge.status_code == 413
