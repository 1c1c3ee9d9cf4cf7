"""`fairrecruit serve [--host] [--port] [--workers N] [--demo] [--loop]`: the web app under uvicorn."""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

import click

from registry.settings import database_url

EVENT_LOOP = "asyncio"
"""uvicorn's event loop. Why not uvloop: under CPU-bound load it leaves some connections
unserved for seconds while others are answered (measured, 64 connections on one worker:
name lookups p99 1.4 s with wrk timeouts under uvloop, 0.2 s and none under asyncio; the same
with a plain handler that only burns 1.2 ms; docs/performance.md). A worker on a slow phone
must not be the one left waiting; asyncio's loop answers in arrival order."""


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes; use PostgreSQL for more than one.")
@click.option("--demo", is_flag=True, help="Serve a fresh demo registry (./fairrecruit-demo/) with demo contracts and users.")
@click.option("--secure-cookies", is_flag=True, help="Admin session cookies only over HTTPS (production).")
# No access log unless asked for: a public lookup carries what the worker typed in its URL
# (/api/v1/public/lookup?q=...), and the log line pairs it with the client's address, a record
# of who checked which broker that the registry has no need to keep (the plan's recommendation
# 10). It also cost a third of a bare route's throughput (13,199 against 20,970 requests/s, one
# worker, wrk -c64; docs/performance.md).
@click.option("--access-log", is_flag=True,
              help="Log every request with the client's address and whole URL, which for a public "
                   "lookup holds what the worker typed.")
@click.option("--loop", "loop", default=EVENT_LOOP, show_default=True, type=click.Choice(["asyncio", "uvloop"]),
              help="Event loop (see docs/performance.md before choosing uvloop).")
def serve(host: str, port: int, workers: int, demo: bool, secure_cookies: bool, access_log: bool, loop: str) -> None:
    """Serve the API, the worker and inspector pages and /admin."""
    from api.server import run
    from registry.db import engine_from_url, use_engine

    if demo:
        url = _load_demo(Path("fairrecruit-demo").resolve())
    else:
        url = database_url()
        if workers > 1 and url.startswith("sqlite"):
            click.echo("note: several workers on SQLite serialise every write; PostgreSQL scales better", err=True)
    os.environ["FAIRRECRUIT_DATABASE_URL"] = url  # worker processes read it when they start
    os.environ["FAIRRECRUIT_SECURE_COOKIES"] = "1" if secure_cookies else ""
    use_engine(engine_from_url(url))
    click.echo(f"serving {url} on http://{host}:{port}/  (API docs: /schema, admin: /admin)", err=True)
    run("api.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
        proxy_headers=True, log_level="info", access_log=access_log, loop=loop)


def _load_demo(directory: Path) -> str:
    from api.demo import load_demo, prepare_directory

    url = prepare_directory(directory)
    os.environ["FAIRRECRUIT_DATA_DIR"] = str(directory)
    credentials, results = asyncio.run(load_demo(url))
    click.echo(f"demo registry and {len(results)} contract(s) loaded into {directory}", err=True)
    for role, token in credentials.tokens.items():
        click.echo(f"  {role:9} API token: {token}", err=True)
    click.echo(f"  /admin login: {credentials.admin_username} / {credentials.admin_password}", err=True)
    click.echo("  inspector pages: /inspector/login (paste the inspector token)", err=True)
    return url
