"""The summary page in a real browser: headless Chromium takes a screenshot and prints it to PDF;
the charts must be there in both (they are inline SVG, no JavaScript).

SQLite only: what is tested here is rendering, which does not depend on the engine; the same
routes run on both engines in test_inspections_pages.py.
"""
from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from PIL import Image

from api_helpers import make_app, make_tokens
from test_inspections_pages import _seed

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.sqlite_only,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]


def _with_token(app, token: str):
    """The browser cannot send a bearer header from the command line: the test server adds it."""

    async def wrapped(scope, receive, send):
        if scope["type"] == "http":
            headers = [h for h in scope["headers"] if h[0] != b"authorization"]
            scope = {**scope, "headers": [*headers, (b"authorization", f"Bearer {token}".encode())]}
        await app(scope, receive, send)

    return wrapped


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(db, tmp_path):
    token = make_tokens()["inspector"]
    asyncio.run(_seed())
    port = _free_port()
    config = uvicorn.Config(_with_token(make_app(tmp_path), token), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "test server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _chromium(tmp_path: Path, *args: str) -> None:
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'chrome'}", *args],
                   check=True, capture_output=True, timeout=120)


def test_summary_page_screenshot_and_print(server, tmp_path):
    url = f"{server}/inspections/summary"
    png = tmp_path / "summary.png"
    pdf = tmp_path / "summary.pdf"
    _chromium(tmp_path, "--window-size=1280,2200", "--hide-scrollbars", f"--screenshot={png}", url)
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", url)

    image = Image.open(png).convert("RGB")
    assert image.size == (1280, 2200)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, "the page rendered blank"
    # The critical-indicator bars are drawn in vermilion (#D55E00): the chart is on screen.
    assert any(rgb == (0xD5, 0x5E, 0x00) for _, rgb in colours)

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("Findings per rule family", "Agencies with the most critical indicators",
                     "Alpha Manpower (MLVT-PRA-001/2020)", "Kandal"):
        assert expected in text, expected
