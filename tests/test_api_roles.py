"""The role matrix: every route of the app, asked by each role (and by nobody), answers exactly
as the table below says. The table is written here, independently of the route declarations;
a route missing from it fails the test, so a new route cannot ship unclassified."""
from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
from litestar.testing import TestClient

from api_helpers import auth, make_app, make_tokens
from registry import users

PUBLIC = "public"
I, O, A = "inspector", "officer", "admin"
INSPECT = {I, A}
READ = {I, O, A}
OFFICE = {O, A}
ADMIN = {A}

EXPECTED: dict[tuple[str, str], object] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/.well-known/fairrecruit-signing-key"): PUBLIC,
    ("GET", "/check"): PUBLIC,
    ("GET", "/check/verify"): PUBLIC,
    ("GET", "/verify/licence/{number:str}"): PUBLIC,
    ("GET", "/verify/licence/{number:str}/qr/{fmt:str}"): PUBLIC,
    ("GET", "/verify/sub-licence/{number:str}"): PUBLIC,
    ("GET", "/verify/sub-licence/{number:str}/qr/{fmt:str}"): PUBLIC,
    ("GET", "/static/{name:str}"): PUBLIC,
    ("GET", "/api/v1/public/changes"): PUBLIC,
    ("GET", "/api/v1/public/changes.atom"): PUBLIC,
    ("GET", "/api/v1/public/checks"): PUBLIC,
    ("POST", "/api/v1/public/checks/verify"): PUBLIC,
    ("GET", "/api/v1/public/lookup"): PUBLIC,
    ("GET", "/api/v1/public/status/{number:str}"): PUBLIC,
    ("GET", "/inspector/login"): PUBLIC,
    ("POST", "/inspector/login"): PUBLIC,
    ("POST", "/inspector/logout"): PUBLIC,
    ("GET", "/api/v1/agencies"): READ,
    ("POST", "/api/v1/agencies"): OFFICE,
    ("GET", "/api/v1/agencies/{agency_id:int}"): READ,
    ("POST", "/api/v1/agencies/{agency_id:int}/licences"): OFFICE,
    ("POST", "/api/v1/brokers"): OFFICE,
    ("GET", "/api/v1/brokers/{broker_id:int}"): READ,
    ("GET", "/api/v1/licences/{number:str}"): READ,
    ("GET", "/api/v1/licences/{number:str}/history"): READ,
    ("POST", "/api/v1/licences/{number:str}/renew"): OFFICE,
    ("POST", "/api/v1/licences/{number:str}/suspend"): OFFICE,
    ("POST", "/api/v1/licences/{number:str}/reinstate"): OFFICE,
    ("POST", "/api/v1/licences/{number:str}/revoke"): OFFICE,
    ("POST", "/api/v1/sub-licences"): OFFICE,
    ("GET", "/api/v1/sub-licences/{number:str}"): READ,
    ("GET", "/api/v1/sub-licences/{number:str}/history"): READ,
    ("POST", "/api/v1/sub-licences/{number:str}/renew"): OFFICE,
    ("POST", "/api/v1/sub-licences/{number:str}/suspend"): OFFICE,
    ("POST", "/api/v1/sub-licences/{number:str}/reinstate"): OFFICE,
    ("POST", "/api/v1/sub-licences/{number:str}/withdraw"): OFFICE,
    ("GET", "/api/v1/history"): OFFICE,
    ("GET", "/api/v1/contracts"): INSPECT,
    ("POST", "/api/v1/contracts"): INSPECT,
    ("GET", "/api/v1/contracts/{contract_id:int}"): INSPECT,
    ("GET", "/api/v1/contracts/{contract_id:int}/pages/{page:int}/image"): INSPECT,
    ("GET", "/api/v1/flags"): INSPECT,
    ("GET", "/api/v1/flags/{flag_id:int}"): INSPECT,
    ("POST", "/api/v1/flags/{flag_id:int}/assign"): INSPECT,
    ("POST", "/api/v1/flags/{flag_id:int}/status"): INSPECT,
    ("POST", "/api/v1/flags/{flag_id:int}/notes"): INSPECT,
    ("GET", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users/{name:str}/revoke"): ADMIN,
    ("GET", "/inspector/flags"): INSPECT,
    ("GET", "/inspector/flags/{flag_id:int}"): INSPECT,
    ("POST", "/inspector/flags/{flag_id:int}/status"): INSPECT,
    ("POST", "/inspector/flags/{flag_id:int}/assign"): INSPECT,
    ("GET", "/inspector/contracts/{contract_id:int}"): INSPECT,
    ("GET", "/inspector/upload"): INSPECT,
    ("POST", "/inspector/upload"): INSPECT,
    # The inspections engineer's routes (api/routes/inspections.py).
    ("POST", "/api/v1/inspections"): INSPECT,
    ("GET", "/api/v1/inspections/entities/{number:str}"): INSPECT,
    ("GET", "/api/v1/inspections/plan"): INSPECT,
    ("GET", "/api/v1/inspections/summary"): INSPECT,
    ("GET", "/inspections"): INSPECT,
    ("GET", "/inspections/entities/{number:str}"): INSPECT,
    ("POST", "/inspections/entities/{number:str}"): INSPECT,
    ("GET", "/inspections/export/{fmt:str}"): INSPECT,
    ("GET", "/inspections/summary"): INSPECT,
}
SAMPLE_PARAMS = {"int": "1", "str": "X-1", "path": "site.css"}
SPECIAL = {"fmt": "svg", "name": "nobody"}
QUERY = {"/check": {"q": "x"}, "/check/verify": {"d": "e30"}, "/api/v1/public/lookup": {"q": "x"},
         "/api/v1/public/checks": {"q": "x"}}
LOGIN_PAGES = re.compile(r"^/inspector/(?!login|logout)|^/inspections")
"""Pages answer an anonymous visitor with a redirect to the sign-in form instead of a 401."""


def _app_routes(app) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if route.path.startswith(("/schema", "/admin")):
            continue
        for handler in getattr(route, "route_handlers", None) or [route.route_handler]:
            for method in getattr(handler, "http_methods", set()) - {"OPTIONS", "HEAD"}:
                found.add((method, route.path))
    return found


def _url(path: str) -> str:
    def fill(match: re.Match) -> str:
        name, kind = match.group(1), match.group(2)
        return SPECIAL.get(name, SAMPLE_PARAMS[kind])

    url = re.sub(r"\{(\w+):(\w+)\}", fill, path)
    return "/static/site.css" if path.startswith("/static/") else url


def test_every_route_is_in_the_matrix():
    assert _app_routes(make_app()) == set(EXPECTED)


def test_role_matrix(db):
    tokens = make_tokens()
    callers = {None: None, **tokens}
    failures = []
    with TestClient(make_app()) as client:
        for (method, path), expected in sorted(EXPECTED.items()):
            url = _url(path)
            for role, token in callers.items():
                response = client.request(method, url, params=QUERY.get(path), headers=auth(token),
                                          follow_redirects=False, **({"json": {}} if method == "POST" else {}))
                client.cookies.clear()
                allowed = expected == PUBLIC or role in expected
                refused_status = (
                    {303} if role is None and LOGIN_PAGES.match(path) else {401} if role is None else {403}
                )
                sent_to_login = _is_login_redirect(response) and path != "/inspector/logout"
                if allowed and (response.status_code in (401, 403) or sent_to_login):
                    failures.append(f"{role} refused on {method} {path}: {response.status_code}")
                if not allowed and response.status_code not in refused_status:
                    failures.append(f"{role} NOT refused on {method} {path}: {response.status_code}")
                if response.status_code >= 500:
                    failures.append(f"{role} got {response.status_code} on {method} {path}")
    assert not failures, "\n".join(failures)


def _is_login_redirect(response) -> bool:
    return response.status_code in (302, 303) and response.headers.get("location", "").endswith("/inspector/login")


def test_revoked_and_expired_tokens_are_refused(db):
    async def setup():
        _, revoked = await users.create_user("gone", "inspector", actor="test")
        await users.revoke_user("gone", actor="test")
        past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
        _, expired = await users.create_user("old", "inspector", actor="test", expires_at=past)
        future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
        _, fresh = await users.create_user("new", "inspector", actor="test", expires_at=future)
        return revoked, expired, fresh

    revoked, expired, fresh = asyncio.run(setup())
    with TestClient(make_app()) as client:
        assert client.get("/api/v1/flags", headers=auth(revoked)).status_code == 401
        assert client.get("/api/v1/flags", headers=auth(expired)).status_code == 401
        assert client.get("/api/v1/flags", headers=auth(fresh)).status_code == 200
        assert client.get("/api/v1/flags", headers=auth(fresh + "x")).status_code == 401
        assert client.get("/api/v1/flags", headers={"Authorization": f"Basic {fresh}"}).status_code == 401


def test_tokens_are_stored_hashed(db):
    from registry.tables import ApiUser

    _, token = asyncio.run(users.create_user("hashed", "officer", actor="test"))
    stored = asyncio.run(ApiUser.select(ApiUser.token_hash).where(ApiUser.name == "hashed").first().run())
    assert token not in stored["token_hash"] and stored["token_hash"] == users.token_hash(token)


def test_login_is_rate_limited(db, tmp_path):
    from api.app import Limits

    app = make_app(tmp_path, Limits(public_rate=("minute", 1000), login_rate=("minute", 3)), with_admin=False)
    with TestClient(app) as client:
        codes = [client.post("/inspector/login", data={"token": "wrong"}, follow_redirects=False).status_code
                 for _ in range(5)]
    assert codes == [401, 401, 401, 429, 429]


def test_public_routes_are_rate_limited_but_not_staff_routes(db, tmp_path):
    from api.app import Limits

    tokens = make_tokens()
    app = make_app(tmp_path, Limits(public_rate=("minute", 2), login_rate=("minute", 100)), with_admin=False)
    with TestClient(app) as client:
        public = [client.get("/.well-known/fairrecruit-signing-key") for _ in range(3)]
        staff = [client.get("/api/v1/flags", headers=auth(tokens["inspector"])) for _ in range(3)]
    assert [r.status_code for r in public] == [200, 200, 429]
    assert [r.status_code for r in staff] == [200, 200, 200]
    assert [r.headers["ratelimit-remaining"] for r in public] == ["1", "0", "0"]
    assert public[0].headers["ratelimit-policy"] == "2; w=60"
    assert public[2].headers["content-type"].startswith("application/problem+json")
    assert "ratelimit-remaining" not in staff[0].headers


@pytest.mark.parametrize("role", [None, I, O, A])
def test_api_tokens_do_not_open_piccolo_admin(db, role):
    tokens = make_tokens() if role else {}
    with TestClient(make_app()) as client:
        response = client.get("/admin/api/tables/", headers=auth(tokens.get(role)))
    assert response.status_code in (401, 403)
