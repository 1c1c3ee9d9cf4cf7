"""Issue 7 item 6: the audit log is hash-chained; editing or deleting an entry behind the
application's back is caught by `verify` and by `fairrecruit audit verify`."""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from registry import audit, services

REPO = Path(__file__).resolve().parent.parent


async def _some_history() -> None:
    agency = await services.register_agency(name_en="Audit Test Co., Ltd.", actor="officer-a")
    await services.issue_licence(agency_id=agency, number="AUD-PRA-001/2020", issued_on=dt.date(2020, 1, 1),
                                 valid_until=dt.date(2022, 1, 1), actor="officer-a")
    await services.suspend_licence("AUD-PRA-001/2020", on=dt.date(2020, 5, 1), reason="complaint", actor="officer-b")
    await services.reinstate_licence("AUD-PRA-001/2020", on=dt.date(2020, 6, 1), reason="resolved", actor="officer-b")


def _cli_verify(db) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "fairrecruit"), "audit", "verify"],
        capture_output=True, text=True, env={**os.environ, "FAIRRECRUIT_DATABASE_URL": db.url}, cwd=REPO, timeout=120,
    )


def test_editing_an_entry_behind_the_apps_back_is_caught(db):
    asyncio.run(_some_history())
    assert asyncio.run(audit.verify()).as_dict() == {"ok": True, "checked": 4, "broken_id": None, "why": ""}
    ids = asyncio.run(db.engine.run_ddl('SELECT id FROM audit_log ORDER BY id'))
    third = ids[2]["id"]
    asyncio.run(db.engine.run_ddl(
        f"UPDATE audit_log SET after = '{{\"status\": \"active\"}}' WHERE id = {third}"))
    result = asyncio.run(audit.verify())
    assert (result.ok, result.broken_id, result.checked) == (False, third, 2)
    assert "edited" in result.why
    shown = _cli_verify(db)
    assert shown.returncode == 1 and f"broken at entry {third}" in shown.stderr


def test_deleting_an_entry_breaks_the_next_link(db):
    asyncio.run(_some_history())
    ids = [row["id"] for row in asyncio.run(db.engine.run_ddl('SELECT id FROM audit_log ORDER BY id'))]
    asyncio.run(db.engine.run_ddl(f"DELETE FROM audit_log WHERE id = {ids[1]}"))
    result = asyncio.run(audit.verify())
    assert (result.ok, result.broken_id) == (False, ids[2])
    assert "removed" in result.why


def test_intact_log_verifies_through_the_cli(db):
    asyncio.run(_some_history())
    shown = _cli_verify(db)
    assert shown.returncode == 0 and "4 entries verified" in shown.stdout
