"""Several processes, one PostgreSQL: push registry changes to every process's lookup index.

Every write transaction NOTIFYs `registry.writes.CHANGE_CHANNEL` (delivered at commit). Each
serving process keeps one connection LISTENing; a notification wakes a task that brings the
lookup index up to date (`registry.lookup.service.catch_up`: one watermark query, then only
the changed records are re-read and patched in). While the feed is live, lookups skip their
own per-request watermark query; if the listening connection is lost they go back to it, so
a dead feed costs speed, never correctness. Bursts of notifications coalesce into one
catch-up.

SQLite has no such channel. There a task reads the database's commit counter (`PRAGMA
data_version`, a few microseconds) every `POLL_SECONDS` and catches up when it moved, so
lookups skip even that read. Why not read it per lookup: on the event loop a database call
per request costs far more than its own microseconds (measured: ~20 us a request at 10 k
requests/s, see docs/performance.md). Commits of this process's own write transactions are
seen by its next lookup either way (`registry.writes.on_commit`).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from registry.db import current_engine, is_sqlite
from registry.lookup import service
from registry.writes import CHANGE_CHANNEL

log = logging.getLogger(__name__)
POLL_SECONDS = 0.05
"""How often a SQLite serving process reads the commit counter: another process's write
reaches its lookups within this (plus the catch-up)."""


class ChangeFeed:
    """One LISTEN connection and the task that applies what it hears."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.pending = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def _heard(self, *_: Any) -> None:
        self.pending.set()

    def _lost(self, *_: Any) -> None:
        log.warning("registry change feed lost its connection; lookups check for changes themselves")
        service.trust_change_feed(None)

    async def _apply(self) -> None:
        while True:
            await self.pending.wait()
            self.pending.clear()
            try:
                await service.catch_up()
            except Exception:  # a failed catch-up must not end the feed; the next lookup rebuilds
                log.exception("registry change feed could not update the lookup index")
                service.forget()

    async def stop(self) -> None:
        service.trust_change_feed(None)
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        self.connection.remove_termination_listener(self._lost)
        await self.connection.close()


class CommitWatcher:
    """SQLite's change feed: poll the commit counter, catch up when it moved."""

    def __init__(self) -> None:
        self.task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                await service.checked()
            except Exception:  # as in ChangeFeed._apply: keep watching, rebuild on the next lookup
                log.exception("registry commit watcher could not update the lookup index")
                service.forget()

    async def stop(self) -> None:
        service.trust_change_feed(None)
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)


async def start_listener() -> ChangeFeed | CommitWatcher:
    """Call once per serving process after the engine is chosen.

    LISTEN first (on SQLite: read the commit counter first), then catch up once: a change
    committed while the index was being built is either in that catch-up or in a later
    notification (poll), never lost.
    """
    engine = current_engine()
    if is_sqlite(engine):
        watcher = CommitWatcher()
        await service.checked()
        service.trust_change_feed(engine)
        watcher.task = asyncio.create_task(watcher._watch(), name="registry-commit-watcher")
        return watcher
    connection = await engine.get_new_connection()
    feed = ChangeFeed(connection)
    await connection.add_listener(CHANGE_CHANNEL, feed._heard)
    connection.add_termination_listener(feed._lost)
    await service.catch_up()
    service.trust_change_feed(engine)
    feed.task = asyncio.create_task(feed._apply(), name="registry-change-feed")
    return feed


_serving: ChangeFeed | CommitWatcher | None = None


async def start_serving() -> None:
    """Litestar `on_startup` hook for each server process: the pool, then the change feed.

    The pool matters beyond speed: without it every catch-up query opens its own connection
    and a change takes about a second, not a tenth, to reach this process.
    """
    global _serving
    engine = current_engine()
    if not is_sqlite(engine):
        await engine.start_connection_pool()
    _serving = await start_listener()


async def stop_serving() -> None:
    """Litestar `on_shutdown` hook: stop listening, close the pool."""
    global _serving
    if _serving is not None:
        await _serving.stop()
        _serving = None
    engine = current_engine()
    if not is_sqlite(engine):
        await engine.close_connection_pool()
