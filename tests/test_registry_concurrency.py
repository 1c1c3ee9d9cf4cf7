"""Issue 7 item 4: concurrent conflicting officer actions on one licence never lose an update."""
from __future__ import annotations

import asyncio
import datetime as dt
import random

import pytest

from registry import audit, services
from registry.errors import ConflictError, InvalidTransitionError
from registry.queries import history, licence_answer
from registry.status import StatusEvent
from registry.transitions import refusal

NUMBER = "RACE-PRA-001/2020"
DAY = dt.date(2021, 6, 1)


async def _setup() -> int:
    agency = await services.register_agency(name_en="Race Test Co., Ltd.", actor="setup")
    await services.issue_licence(agency_id=agency, number=NUMBER, issued_on=dt.date(2020, 1, 1),
                                 valid_until=dt.date(2021, 12, 31), actor="setup")
    return (await licence_answer(NUMBER, DAY))["version"]


def _action(i: int, version: int | None):
    kind = ("suspend", "reinstate", "revoke", "renew")[i % 4]
    common = {"on": DAY, "actor": f"officer-{i}", "expected_version": version}
    if kind == "renew":
        return kind, services.renew_licence(NUMBER, valid_until=dt.date(2023, 12, 31) + dt.timedelta(days=i), **common)
    call = {"suspend": services.suspend_licence, "reinstate": services.reinstate_licence, "revoke": services.revoke_licence}[kind]
    return kind, call(NUMBER, reason=f"{kind} #{i}", **common)


async def _race(engine, with_version: bool) -> tuple[list, list, dict, object]:
    """All twenty start together on their own pooled connections; (kinds, outcomes, ...)."""
    await engine.start_connection_pool(max_size=20)
    try:
        version = await _setup()
        actions = [_action(i, version if with_version else None) for i in random.Random(7).sample(range(20), 20)]
        outcomes = await asyncio.gather(*(call for _, call in actions), return_exceptions=True)
        return [kind for kind, _ in actions], outcomes, await history(NUMBER), await audit.verify()
    finally:
        await engine.close_connection_pool()


def _valid_sequence(events: list[dict]) -> bool:
    done: list[StatusEvent] = []
    for event in events:
        new = StatusEvent(event["event"], event["date"], event["valid_until"])
        if refusal("licence", done, new):
            return False
        done.append(new)
    return True


@pytest.mark.postgres_only
@pytest.mark.parametrize("with_version", [True, False], ids=["expected-version", "no-version"])
def test_twenty_concurrent_conflicting_actions_leave_a_valid_history(db, with_version):
    kinds, outcomes, record, verified = asyncio.run(_race(db.engine, with_version))
    accepted = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, (ConflictError, InvalidTransitionError)) for o in refused), refused
    assert len(record["events"]) == 1 + len(accepted)  # no lost update, nothing extra
    assert _valid_sequence(record["events"])
    assert record["version"] == 1 + len(accepted)
    assert verified.ok and verified.checked == 2 + len(accepted)
    if with_version:
        # Every stale write is a conflict. A reinstatement that takes the lock before the winner
        # commits holds the current version and is refused for what it is: reinstating an active
        # licence (which of the twenty locks first is the scheduler's choice).
        assert len(accepted) == 1
        assert all(isinstance(o, ConflictError) or (kind == "reinstate" and isinstance(o, InvalidTransitionError))
                   for kind, o in zip(kinds, outcomes) if isinstance(o, Exception)), list(zip(kinds, outcomes))
