"""Real headless Chromium against a uvicorn server started by the test (SQLite, example data).

Public pages are checked with Chromium's own `--dump-dom` / `--screenshot`; pages behind the
inspector sign-in are driven over the DevTools protocol, which can set the session cookie.
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(database_url: str, data_dir: Path):
    """uvicorn on 127.0.0.1 in a child process; yields the base URL and stops it afterwards."""
    port = free_port()
    env = {**os.environ, "FAIRRECRUIT_DATABASE_URL": database_url, "FAIRRECRUIT_DATA_DIR": str(data_dir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:app_from_environment", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--timeout-graceful-shutdown", "2"],
        env=env, cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base + "/static/site.css", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {process.stderr.read().decode()[-2000:]}")
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def chromium(*args: str, timeout: int = 60) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, timeout=timeout, text=True)
    return done.stdout


def dump_dom(url: str) -> str:
    return chromium("--dump-dom", url)


def screenshot(url: str, path: Path, size: str = "412,915") -> None:
    """412x915 CSS pixels: a common small phone."""
    chromium(f"--screenshot={path}", f"--window-size={size}", "--hide-scrollbars", url)


class DevTools:
    """Just enough of the DevTools protocol: set a cookie, open a page, evaluate, screenshot."""

    def __init__(self, profile: str) -> None:
        port = free_port()
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--remote-debugging-port={port}",
             "--window-size=1200,1600", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2))
                page = next(t for t in targets if t["type"] == "page")
                self.ws_url = page["webSocketDebuggerUrl"]
                break
            except (OSError, StopIteration, ValueError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        self._id = 0

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)

    def run(self, steps):
        return asyncio.run(self._run(steps))

    async def _run(self, steps):
        import websockets

        async with websockets.connect(self.ws_url, max_size=64 * 1024 * 1024) as ws:
            async def call(method: str, **params):
                self._id += 1
                await ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
                while True:
                    message = json.loads(await ws.recv())
                    if message.get("id") == self._id:
                        if "error" in message:
                            raise RuntimeError(f"{method}: {message['error']}")
                        return message["result"]

            async def open_page(url: str) -> None:
                await call("Page.navigate", url=url)
                for _ in range(200):
                    state = await call("Runtime.evaluate", expression="document.readyState + ':' + location.href",
                                       returnByValue=True)
                    ready, _, href = state["result"]["value"].partition(":")
                    if ready == "complete" and href.startswith(url.split("?")[0].split("#")[0][:30]):
                        return
                    await asyncio.sleep(0.1)

            async def evaluate(expression: str):
                result = await call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
                return result["result"].get("value")

            async def capture(path: Path) -> None:
                shot = await call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
                path.write_bytes(base64.b64decode(shot["data"]))

            await call("Page.enable")
            await call("Network.enable")
            return await steps(call, open_page, evaluate, capture)
