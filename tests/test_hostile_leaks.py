"""Issue 7 item 3: no public response carries a worker's name or passport number.

The whole shared corpus (40 contracts) is ingested on top of the corpus registry, then every
public surface is asked about every agency and broker those contracts name: worker page,
lookup API, signed checks (JSON and page), verification pages, QR codes, the change feed
(JSON and Atom), the signing key. Passport numbers come from labels.jsonl; worker names from
the party block of each contract's text layer, since they are not labelled. Runs on both engines.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from litestar.testing import TestClient

from api_helpers import make_app
from importers.ingest import ingest_paths
from importers.registry_import import import_registry
from registry.lookup import service as lookup_service

WORKER_NAME = re.compile(r"Worker\W{0,40}?(?:Name\W{0,3})?([A-Z][a-z]+(?:[ -](?!Sex\b|Name\b)[A-Z][a-z]+){1,2})")
"""In the party block: 'Worker: Name Pen Rattana; Sex ...' or 'ពលករ / Worker  Chhim Pov'."""


def _labels(corpus: Path) -> list[dict]:
    lines = (corpus / "contracts" / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _worker_name(path: Path) -> str | None:
    """The first name after the 'Worker' label of the party block (pdftotext's text layer;
    the two scans have none and give no name, which the count below allows for)."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=60).stdout
    found = WORKER_NAME.search(" ".join(text.split()))
    return found.group(1) if found else None


@pytest.fixture
def ingested(db, corpus, monkeypatch, tmp_path):
    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", os.environ.get("FAIRRECRUIT_TEST_OCR_CACHE", str(tmp_path)))
    lookup_service.forget()

    async def go() -> list[dict]:
        await import_registry([corpus / "registry"], actor="test")
        lookup_service.forget()
        return [r async for r in ingest_paths([corpus / "contracts"], actor="test")]

    results = asyncio.run(go())
    lookup_service.forget()
    return results


def _public_urls(labels: list[dict]) -> list[str]:
    urls = ["/", "/api/v1/public/changes?limit=500", "/api/v1/public/changes.atom?limit=500",
            "/.well-known/fairrecruit-signing-key"]
    for label in labels:
        fields = label["fields"]
        for query in (fields.get("agency_name"), fields.get("broker_name"),
                      fields.get("agency_licence_no"), fields.get("broker_sub_licence_no")):
            if query:
                q = quote(str(query))
                urls += [f"/api/v1/public/lookup?q={q}", f"/api/v1/public/checks?q={q}", f"/?q={q}", f"/check?q={q}"]
        for kind, number in (("licence", fields.get("agency_licence_no")),
                             ("sub-licence", fields.get("broker_sub_licence_no"))):
            if number:
                n = quote(str(number), safe="")
                urls += [f"/api/v1/public/status/{n}", f"/verify/{kind}/{n}", f"/verify/{kind}/{n}/qr/svg"]
    return sorted(set(urls))


def test_no_public_response_contains_a_worker_name_or_passport_number(ingested, corpus):
    labels = _labels(corpus)
    assert len(ingested) == len(labels) == 40
    assert sum(r["status"] == "checked" for r in ingested) >= 38, [r for r in ingested if r["status"] != "checked"]

    passports = {label["fields"]["worker_passport_no"] for label in labels if label["fields"].get("worker_passport_no")}
    names = {name for label in labels if (name := _worker_name(corpus / "contracts" / label["file"]))}
    registry_names = {label["fields"].get(k) for label in labels for k in ("broker_name", "agency_name")}
    names -= registry_names  # a worker who shares a broker's name is not leaked by showing the broker
    assert len(passports) >= 35 and len(names) >= 20, (len(passports), sorted(names))

    secrets = passports | names
    leaks: list[str] = []
    urls = _public_urls(labels)
    with TestClient(make_app()) as client:
        for url in urls:
            response = client.get(url, headers={"accept": "text/html" if not url.startswith("/api") else "*/*"})
            assert response.status_code < 500, (url, response.status_code)
            body = response.content.decode("utf-8", "replace")
            leaks += [f"{url}: {secret}" for secret in secrets if secret in body]
    assert len(urls) > 200
    assert not leaks, leaks
