"""Recording inspections: the outcome moves the score as the weights file says, the record is kept
in the entity's history, and every record writes an audit entry (both engines)."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import inspections_fixture as fx
from registry.audit import verify
from registry.errors import NotFoundError, ValidationError
from registry.inspections import inspection_history, record_inspection
from registry.risk.service import entity_risk
from registry.risk.weights import load_weights
from registry.tables import AuditLog

NUMBER = "MLVT-PRA-001/2020"
RECENT = dt.date(2026, 9, 1)


async def _flagged_agency() -> int:
    lid = await fx.agency(NUMBER, "Alpha Manpower")
    c = await fx.contract(signed=RECENT, licence_id=lid)
    await fx.flag(c, "WRK006", "critical", licence_id=lid)
    return lid


def _inspection_factor(risk):
    return next(f for f in risk.factors if f.code == "inspections")


def test_violations_raise_and_clean_inspection_lowers_the_score(db):
    weights = load_weights()

    async def scenario():
        await _flagged_agency()
        before = await entity_risk(NUMBER, as_of=fx.AS_OF)
        await record_inspection(NUMBER, day=dt.date(2026, 10, 1), inspector="Insp. Dara",
                                outcome="violations_found", notes="passports in a locked drawer",
                                actor="dara", today=fx.AS_OF)
        raised = await entity_risk(NUMBER, as_of=fx.AS_OF)
        await record_inspection(NUMBER, day=dt.date(2026, 11, 10), inspector="Insp. Dara",
                                outcome="no_violation", actor="dara", today=fx.AS_OF)
        lowered = await entity_risk(NUMBER, as_of=fx.AS_OF)
        return before, raised, lowered

    before, raised, lowered = asyncio.run(scenario())
    assert raised.score > before.score
    assert lowered.score < raised.score
    items = _inspection_factor(lowered).items
    assert [i.ref["outcome"] for i in items] == ["violations_found", "no_violation"]
    for item in items:
        expected = (weights.inspection_outcome_points[item.ref["outcome"]] * item.weights["recency"]).quantize(Decimal("0.01"))
        assert item.points == expected
    assert sum((f.points for f in lowered.factors), Decimal(0)) == lowered.score


def test_clean_inspection_cannot_push_the_score_below_zero(db):
    async def scenario():
        lid = await fx.agency(NUMBER, "Alpha Manpower")
        c = await fx.contract(signed=dt.date(2020, 1, 1), licence_id=lid)
        await fx.flag(c, "WRK005", "medium", licence_id=lid)
        await record_inspection(NUMBER, day=dt.date(2026, 11, 1), inspector="Insp. Sok",
                                outcome="no_violation", actor="sok", today=fx.AS_OF)
        return await entity_risk(NUMBER, as_of=fx.AS_OF)

    risk = asyncio.run(scenario())
    assert risk.score == 0
    cap = _inspection_factor(risk).items[-1]
    assert cap.ref == {"cap": True} and cap.points > 0
    assert sum((i.points for f in risk.factors for i in f.items), Decimal(0)) == 0


def test_history_and_audit_entry(db):
    async def scenario():
        await _flagged_agency()
        saved = await record_inspection("mlvt pra ០០១ ២០២០", day=dt.date(2026, 10, 1),
                                        inspector="Insp. Dara", outcome="minor_violations",
                                        notes="no complaint poster", actor="dara", today=fx.AS_OF)
        history = await inspection_history(NUMBER)
        audit = await AuditLog.select().where(AuditLog.action == "inspection.record").output(load_json=True)
        return saved, history, audit, await verify()

    saved, history, audit, verified = asyncio.run(scenario())
    assert saved["number"] == NUMBER
    assert [(h["inspector"], h["outcome"], h["notes"]) for h in history] == [
        ("Insp. Dara", "minor_violations", "no complaint poster")
    ]
    (entry,) = audit
    assert entry["actor"] == "dara" and entry["entity_key"] == str(saved["id"])
    assert entry["after"]["outcome"] == "minor_violations"
    assert verified.ok


def test_broker_inspection_is_kept_on_the_sub_licence(db):
    async def scenario():
        lid = await _flagged_agency()
        await fx.broker("MLVT-SUB-0001/2021", "Sok Dara", lid)
        await record_inspection("MLVT-SUB-0001/2021", day=dt.date(2026, 10, 1), inspector="I",
                                outcome="serious_violations", actor="i", today=fx.AS_OF)
        return (await inspection_history("MLVT-SUB-0001/2021"), await inspection_history(NUMBER),
                await entity_risk("MLVT-SUB-0001/2021", as_of=fx.AS_OF))

    broker_history, agency_history, broker_risk = asyncio.run(scenario())
    assert len(broker_history) == 1 and agency_history == []
    assert broker_risk.score > 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"outcome": "excellent"},
        {"inspector": "  "},
        {"day": dt.date(2026, 12, 1)},
        {"notes": "x" * 5000},
    ],
    ids=["unknown-outcome", "no-inspector", "future-day", "notes-too-long"],
)
def test_invalid_inspections_are_refused_and_nothing_is_written(db, kwargs):
    async def scenario():
        await _flagged_agency()
        args = {"day": dt.date(2026, 10, 1), "inspector": "I", "outcome": "no_violation", "notes": ""} | kwargs
        with pytest.raises(ValidationError):
            await record_inspection(NUMBER, actor="i", today=fx.AS_OF, **args)
        return await inspection_history(NUMBER), await AuditLog.count()

    history, audits = asyncio.run(scenario())
    assert history == [] and audits == 0


def test_unknown_entity_is_not_found(db):
    with pytest.raises(NotFoundError):
        asyncio.run(record_inspection("MLVT-PRA-404/2020", day=dt.date(2026, 10, 1), inspector="I",
                                      outcome="no_violation", actor="i", today=fx.AS_OF))


@pytest.mark.sqlite_only
def test_cli_plan_record_show(db):
    """The real command line against the fixture's database (SQLite only: each command is a
    process start; the services behind it run on both engines in the tests above)."""
    asyncio.run(_flagged_agency())
    env = {**os.environ, "FAIRRECRUIT_DATABASE_URL": db.url}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(Path(sys.executable).parent / "fairrecruit"), *args], env=env, capture_output=True,
                              text=True, timeout=120)

    planned = cli("inspections", "plan", "--as-of", "2026-11-15", "--json")
    assert planned.returncode == 0, planned.stderr
    (entry,) = json.loads(planned.stdout)
    assert entry["number"] == NUMBER and entry["rank"] == 1
    assert entry["factors"][0]["items"][0]["rule"] == "WRK006"

    recorded = cli("inspections", "record", NUMBER, "--date", "2026-11-01", "--inspector", "Insp. Dara",
                   "--outcome", "violations_found", "--notes", "ID cards kept")
    assert recorded.returncode == 0, recorded.stderr
    shown = cli("inspections", "show", NUMBER, "--as-of", "2026-11-15", "--json")
    detail = json.loads(shown.stdout)
    assert detail["score"] > entry["score"]
    assert [i["outcome"] for i in detail["inspections"]] == ["violations_found"]

    bad = cli("inspections", "show", "MLVT-PRA-404/2020")
    assert bad.returncode != 0 and "MLVT-PRA-404/2020" in bad.stderr
