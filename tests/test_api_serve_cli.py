"""`fairrecruit serve`: the uvicorn settings it starts with (the server itself is exercised by the
page and API tests in-process, and by bench/bench_api.py over HTTP)."""
from __future__ import annotations

from click.testing import CliRunner

import api.server
from api.cli import main


def _started_with(monkeypatch, tmp_path, *args: str) -> dict:
    started: dict = {}
    monkeypatch.setattr(api.server, "run", lambda target, **options: started.update(options, target=target))
    monkeypatch.setenv("FAIRRECRUIT_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.sqlite'}")
    result = CliRunner().invoke(main, ["serve", "--port", "8123", *args])
    assert result.exit_code == 0, result.output
    return started


def test_serve_runs_the_asyncio_loop_unless_told_otherwise(monkeypatch, tmp_path):
    """uvloop left some connections waiting seconds under CPU-bound load (docs/performance.md)."""
    default = _started_with(monkeypatch, tmp_path)
    assert (default["target"], default["factory"], default["loop"], default["port"]) == (
        "api.app:app_from_environment", True, "asyncio", 8123)
    assert _started_with(monkeypatch, tmp_path, "--loop", "uvloop")["loop"] == "uvloop"


def test_serve_hands_several_workers_to_the_server_that_keeps_tcp_nodelay(monkeypatch, tmp_path):
    """uvicorn.run with workers > 1 left Nagle's algorithm on (tests/test_server.py)."""
    assert _started_with(monkeypatch, tmp_path, "--workers", "2")["workers"] == 2


def test_serve_keeps_no_access_log_unless_asked(monkeypatch, tmp_path):
    """The log line would pair a worker's typed query with their address (api/cli/serve_cmds.py)."""
    assert _started_with(monkeypatch, tmp_path)["access_log"] is False
    assert _started_with(monkeypatch, tmp_path, "--access-log")["access_log"] is True
