"""Several processes, one database: a suspension recorded here reaches another process's lookups
(PostgreSQL: LISTEN/NOTIFY; SQLite: the commit counter, polled)."""
from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from registry import services

WATCHER = Path(__file__).resolve().parent / "registry_feed_watcher.py"
NUMBER = "MLVT-PRA-901/2020"
D = dt.date


async def _licensed_agency() -> None:
    agency = await services.register_agency(name_en="Lantern Harbour Manpower Co., Ltd.", name_km="", actor="officer-a")
    await services.issue_licence(agency_id=agency, number=NUMBER, issued_on=D(2020, 1, 1),
                                 valid_until=D(2021, 12, 31), destinations=["TH"], actor="officer-a")


def test_suspension_through_one_process_reaches_the_lookups_of_another(db):
    asyncio.run(_licensed_agency())
    watcher = subprocess.Popen([sys.executable, str(WATCHER), db.url, NUMBER, "2020-06-01", "60"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert watcher.stdout.readline().split() == ["ready", "live"]
        assert watcher.stdout.readline().split()[0] == "active"
        asyncio.run(services.suspend_licence(NUMBER, on=D(2020, 6, 1), reason="unpaid wages", actor="officer-b"))
        assert watcher.stdout.readline().split()[0] == "suspended"
    finally:
        watcher.kill()
        watcher.wait()


@pytest.mark.postgres_only
def test_a_rolled_back_write_is_not_announced(db):
    """The NOTIFY rides the write transaction: a refused action announces nothing."""
    import asyncpg

    from registry.errors import NotFoundError
    from registry.writes import CHANGE_CHANNEL

    async def scenario() -> list[str]:
        await _licensed_agency()
        heard: list[str] = []
        arrived = asyncio.Event()
        listener = await asyncpg.connect(db.url)
        await listener.add_listener(CHANGE_CHANNEL, lambda *args: (heard.append(args[2]), arrived.set()))
        try:
            with pytest.raises(NotFoundError):
                await services.suspend_licence("NONE-PRA-404/2020", on=D(2020, 6, 1), reason="x", actor="officer-b")
            await services.suspend_licence(NUMBER, on=D(2020, 6, 1), reason="unpaid wages", actor="officer-b")
            await asyncio.wait_for(arrived.wait(), 30)
            await listener.execute("SELECT 1")  # notifications queued before this reply are delivered by now
        finally:
            await listener.close()
        return heard

    assert asyncio.run(scenario()) == [CHANGE_CHANNEL]
