"""A second serving process for the change-feed test and bench: watches one number's status.

    python tests/registry_feed_watcher.py DATABASE_URL NUMBER AS_OF SECONDS

Starts a connection pool (PostgreSQL) and builds its own lookup index (as a serving process does), starts
the change feed, prints `ready live`, then prints
`<status> <unix time>` whenever the status its index gives for NUMBER on AS_OF changes. Its
lookups never query the database while the feed is live, so a change it prints reached it
through the feed.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time

import registry  # noqa: F401  (sets PICCOLO_CONF)
from registry import change_feed
from registry.db import engine_from_url, is_sqlite, use_engine
from registry.lookup import service


async def watch(url: str, number: str, as_of: dt.date, seconds: float) -> None:
    engine = engine_from_url(url)
    use_engine(engine)
    pooled = not is_sqlite(engine)
    if pooled:
        await engine.start_connection_pool(min_size=1, max_size=2)  # as a serving process does
    await service.current()
    feed = await change_feed.start_listener()
    print("ready", "live", flush=True)
    last = None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = (await service.current()).answer(number, as_of=as_of)["status"]
        if status != last:
            print(status, f"{time.time():.6f}", flush=True)
            last = status
        await asyncio.sleep(0.002)
    await feed.stop()
    if pooled:
        await engine.close_connection_pool()


if __name__ == "__main__":
    asyncio.run(watch(sys.argv[1], sys.argv[2], dt.date.fromisoformat(sys.argv[3]), float(sys.argv[4])))
