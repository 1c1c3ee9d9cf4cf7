"""The OpenAPI document at /schema describes every JSON route, and the docs UI is served."""
from __future__ import annotations

from litestar.testing import TestClient

from api_helpers import make_app


def test_openapi_lists_every_api_route_and_docs_ui_is_served():
    app = make_app()
    with TestClient(app) as client:
        schema = client.get("/schema/openapi.json")
        assert schema.status_code == 200
        documented = set(schema.json()["paths"])
        assert client.get("/schema/swagger").status_code == 200
    api_paths = {route.path for route in app.routes if route.path.startswith("/api/v1/")}
    normalise = lambda path: path.replace(":int}", "}").replace(":str}", "}")  # noqa: E731
    assert {normalise(p) for p in api_paths} <= documented
    assert "/" not in documented and not any(p.startswith("/inspector") for p in documented)
