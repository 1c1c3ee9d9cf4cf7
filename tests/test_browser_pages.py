"""The pages in real headless Chromium (Debian `chromium`), served by uvicorn on 127.0.0.1:
the worker page in Khmer (screenshot on a phone-sized window) and English, a revoked agency and
a look-alike, and an inspector who signs in, uploads a contract and sees the clause outlined."""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image, ImageStat

from browser_helpers import CHROMIUM, DevTools, dump_dom, screenshot, server

REPO = Path(__file__).resolve().parent.parent
DEMO_PDF = REPO / "examples" / "demo" / "contracts" / "demo_fee_passport.pdf"
SCREENSHOT_DIR = Path(os.environ.get("FAIRRECRUIT_SCREENSHOT_DIR", tempfile.gettempdir())) / "fairrecruit-screenshots"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A fresh SQLite registry (the example registry, one inspector) served by uvicorn."""
    from importers.registry_import import import_registry
    from registry.db import engine_from_url, migrate, use_engine
    from registry.users import create_user

    root = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{root / 'site.sqlite'}"

    async def prepare() -> str:
        use_engine(engine_from_url(url))
        await migrate()
        await import_registry([REPO / "examples" / "registry"], actor="test")
        return (await create_user("browser-inspector", "inspector", actor="test"))[1]

    token = asyncio.run(prepare())
    with server(url, root) as base:
        yield base, token


def _status(dom: str) -> str:
    found = re.search(r'id="answer" data-status="([a-z_]+)"', dom)
    assert found, dom[:3000]
    return found.group(1)


def test_worker_page_in_khmer_on_a_phone(site):
    base, _ = site
    query = quote("កញ្ចនា វើកហ្វស")
    dom = dump_dom(f"{base}/?q={query}")
    assert '<html lang="km">' in dom and _status(dom) == "active"
    assert "មានអាជ្ញាប័ណ្ណ" in dom
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOT_DIR / "worker-page-km.png"
    screenshot(f"{base}/?q={query}", shot)
    image = Image.open(shot).convert("L")
    assert image.size == (412, 915)
    assert ImageStat.Stat(image).stddev[0] > 20, "the screenshot is blank"


def test_english_switch_revoked_and_look_alike(site):
    base, _ = site
    revoked = dump_dom(f"{base}/?q=Thida%20Overseas%20Placement&lang=en")
    assert '<html lang="en">' in revoked and _status(revoked) == "revoked"
    look_alike = dump_dom(f"{base}/?q=Kanhchana%20Golden%20Workforce&lang=en")
    assert _status(look_alike) == "not_found"


def test_inspector_uploads_a_contract_and_sees_the_clause(site, tmp_path):
    base, token = site
    profile = tempfile.mkdtemp(prefix="fairrecruit-chromium-")
    browser = DevTools(profile)

    async def steps(call, open_page, evaluate, capture):
        await open_page(f"{base}/inspector/flags")
        assert (await evaluate("location.pathname")) == "/inspector/login"
        await evaluate(f"document.querySelector('input[name=token]').value = {token!r};"
                       "document.querySelector('form').submit()")
        for _ in range(100):
            if (await evaluate("location.pathname")) == "/inspector/flags":
                break
            await asyncio.sleep(0.1)
        await open_page(f"{base}/inspector/upload")
        document = await call("DOM.getDocument")
        node = await call("DOM.querySelector", nodeId=document["root"]["nodeId"], selector="input[type=file]")
        await call("DOM.setFileInputFiles", nodeId=node["nodeId"], files=[str(DEMO_PDF)])
        await evaluate("document.querySelector('form[enctype]').submit()")
        for _ in range(600):
            path = await evaluate("location.pathname")
            if path.startswith("/inspector/contracts/") and (await evaluate("document.readyState")) == "complete":
                break
            await asyncio.sleep(0.2)
        findings = await evaluate("[...document.querySelectorAll('#findings li')].map(li => li.textContent)")
        images = await evaluate(
            "Promise.all([...document.images].map(i => i.complete ? i : new Promise(r => { i.onload = i.onerror = () => r(i); })))"
            ".then(list => list.map(i => [i.src, i.naturalWidth]))")
        await capture(tmp_path / "contract.png")
        return path, findings, images

    try:
        path, findings, images = browser.run(steps)
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)
    assert path.startswith("/inspector/contracts/")
    assert findings and "No findings." not in findings[0]
    assert images and all(width > 500 for _, width in images), images
    assert Image.open(tmp_path / "contract.png").size[0] >= 1000
