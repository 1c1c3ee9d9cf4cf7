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
from abc import ABC, abstractmethod
from typing import Any

from registry.db import current_engine, is_sqlite
from registry.lookup import service
from registry.writes import CHANGE_CHANNEL

log = logging.getLogger(__name__)
POLL_SECONDS = 0.05
"""How often a SQLite serving process reads the commit counter: another process's write
reaches its lookups within this (plus the catch-up)."""


class _Feed(ABC):
    """What both feeds share: a task that brings the lookup index up to date whenever `_due`
    returns, and survives a failed update (the next lookup then rebuilds)."""

    task: asyncio.Task[None] | None = None

    @abstractmethod
    async def _due(self) -> None:
        """Return when the index may be behind."""

    @abstractmethod
    async def _update(self) -> None:
        """Bring the index up to date."""

    async def _apply(self) -> None:
        while True:
            await self._due()
            try:
                await self._update()
            except Exception:  # a failed update must not end the feed
                log.exception("registry change feed could not update the lookup index")
                service.forget()

    def start(self) -> None:
        self.task = asyncio.create_task(self._apply(), name=f"registry-{type(self).__name__}")

    async def stop(self) -> None:
        service.trust_change_feed(None)
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)


class ChangeFeed(_Feed):
    """One LISTEN connection and the task that applies what it hears."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.pending = asyncio.Event()

    def _heard(self, *_: Any) -> None:
        self.pending.set()

    def _lost(self, *_: Any) -> None:
        log.warning("registry change feed lost its connection; lookups check for changes themselves")
        service.trust_change_feed(None)

    async def _due(self) -> None:
        await self.pending.wait()
        self.pending.clear()

    async def _update(self) -> None:
        await service.catch_up()

    async def stop(self) -> None:
        await super().stop()
        self.connection.remove_termination_listener(self._lost)
        await self.connection.close()


class CommitWatcher(_Feed):
    """SQLite's change feed: read the commit counter every `POLL_SECONDS`, catch up when it moved."""

    async def _due(self) -> None:
        await asyncio.sleep(POLL_SECONDS)

    async def _update(self) -> None:
        await service.checked()


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
        watcher.start()
        return watcher
    connection = await engine.get_new_connection()
    feed = ChangeFeed(connection)
    await connection.add_listener(CHANGE_CHANNEL, feed._heard)
    connection.add_termination_listener(feed._lost)
    await service.catch_up()
    service.trust_change_feed(engine)
    feed.start()
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
