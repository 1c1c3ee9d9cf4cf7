"""Officer actions: the happy path, every refusal the issue names, stale versions, audit entries."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from registry import audit, services
from registry.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from registry.queries import history, licence_answer
from registry.tables import AuditLog, LicenceEvent

D = dt.date


async def _agency_with_licence(number: str = "TEST-PRA-001/2020") -> int:
    agency = await services.register_agency(name_en="Riverbend Placement Co., Ltd.", name_km="ក្រុមហ៊ុន តេស្ត", actor="officer-a")
    await services.issue_licence(agency_id=agency, number=number, issued_on=D(2020, 1, 1),
                                 valid_until=D(2021, 12, 31), destinations=["th", "MY"], actor="officer-a")
    return agency


async def _broker_with_sub(licence: str = "TEST-PRA-001/2020", number: str = "TEST-SUB-0001/2020") -> int:
    broker = await services.register_broker(name_en="Sok Test", name_km="សុខ តេស្ត", sex="F", national_id="N123", actor="officer-a")
    await services.grant_sub_licence(number=number, broker_id=broker, licence_number=licence,
                                     on=D(2020, 3, 1), valid_until=D(2021, 12, 31), actor="officer-a")
    return broker


def test_licence_lifecycle_and_history(db):
    async def scenario():
        await _agency_with_licence()
        await services.suspend_licence("TEST-PRA-001/2020", on=D(2020, 6, 1), reason="unpaid wages", actor="officer-b")
        await services.reinstate_licence("test pra ០០១ ២០២០", on=D(2020, 7, 1), reason="wages paid", actor="officer-b")
        result = await services.renew_licence("TEST-PRA-001/2020", on=D(2021, 12, 1), valid_until=D(2023, 12, 31), actor="officer-b")
        states = {day: (await licence_answer("TEST-PRA-001/2020", day))["status"]
                  for day in (D(2019, 12, 31), D(2020, 6, 1), D(2020, 7, 1), D(2022, 6, 1), D(2024, 1, 1))}
        return result, states, await history("TEST-PRA-001/2020")

    result, states, record = asyncio.run(scenario())
    assert (result.version, result.status) == (4, "active")
    assert states == {D(2019, 12, 31): "not_yet_valid", D(2020, 6, 1): "suspended", D(2020, 7, 1): "active",
                      D(2022, 6, 1): "active", D(2024, 1, 1): "expired"}
    assert [(e["event"], e["actor"]) for e in record["events"]] == [
        ("issued", "officer-a"), ("suspended", "officer-b"), ("reinstated", "officer-b"), ("renewed", "officer-b")]


def test_revoking_a_licence_revokes_its_valid_sub_licences_the_same_day(db):
    async def scenario():
        await _agency_with_licence()
        await _broker_with_sub()
        broker = await services.register_broker(name_en="Chan Other", actor="officer-a")
        await services.grant_sub_licence(number="TEST-SUB-0002/2020", broker_id=broker, licence_number="TEST-PRA-001/2020",
                                         on=D(2020, 3, 1), valid_until=D(2020, 5, 31), actor="officer-a")
        result = await services.revoke_licence("TEST-PRA-001/2020", on=D(2020, 9, 1), reason="fraud", actor="officer-b")
        answers = [await licence_answer(n, D(2020, 9, 1)) for n in ("TEST-SUB-0001/2020", "TEST-SUB-0002/2020")]
        before = await licence_answer("TEST-SUB-0001/2020", D(2020, 8, 31))
        return result, answers, before

    result, (revoked, lapsed), before = asyncio.run(scenario())
    assert result.cascaded == ("TEST-SUB-0001/2020",)
    assert (revoked["status"], revoked["agency_status"], revoked["may_recruit"]) == ("revoked", "revoked", False)
    assert lapsed["status"] == "expired"  # already out of term: not revoked again
    assert (before["status"], before["agency_status"], before["may_recruit"]) == ("active", "active", True)


def test_suspending_the_agency_leaves_the_sub_licence_status_but_stops_recruiting(db):
    async def scenario():
        await _agency_with_licence()
        await _broker_with_sub()
        await services.suspend_licence("TEST-PRA-001/2020", on=D(2020, 6, 1), reason="inspection", actor="officer-b")
        return await licence_answer("TEST-SUB-0001/2020", D(2020, 6, 2))

    answer = asyncio.run(scenario())
    assert (answer["status"], answer["agency_status"], answer["may_recruit"]) == ("active", "suspended", False)


@pytest.mark.parametrize("action, kwargs, message", [
    (services.reinstate_licence, {"on": D(2020, 10, 1), "reason": "appeal"}, "a revocation is final"),
    (services.suspend_licence, {"on": D(2020, 10, 1), "reason": "again"}, "is revoked then"),
    (services.renew_licence, {"on": D(2020, 10, 1), "valid_until": D(2022, 12, 31)}, "a revocation is final"),
    (services.suspend_licence, {"on": D(2020, 8, 1), "reason": "late"}, "before the latest recorded event"),
])
def test_invalid_licence_transitions_are_refused_with_the_reason(db, action, kwargs, message):
    async def scenario():
        await _agency_with_licence()
        await services.revoke_licence("TEST-PRA-001/2020", on=D(2020, 9, 1), reason="fraud", actor="officer-b")
        await action("TEST-PRA-001/2020", actor="officer-b", **kwargs)

    with pytest.raises(InvalidTransitionError, match=message):
        asyncio.run(scenario())


def test_event_dated_before_issue_is_refused(db):
    async def scenario():
        await _agency_with_licence()
        await services.suspend_licence("TEST-PRA-001/2020", on=D(2019, 5, 1), reason="x", actor="officer-b")

    with pytest.raises(InvalidTransitionError, match="before the licence was issued"):
        asyncio.run(scenario())


def test_sub_licensing_under_a_suspended_or_expired_agency_is_refused(db):
    async def scenario(day):
        await _agency_with_licence()
        await services.suspend_licence("TEST-PRA-001/2020", on=D(2020, 2, 1), reason="inspection", actor="officer-b")
        broker = await services.register_broker(name_en="Sok Test", actor="officer-a")
        await services.grant_sub_licence(number="TEST-SUB-0009/2020", broker_id=broker, licence_number="TEST-PRA-001/2020",
                                         on=day, valid_until=D(2023, 1, 1), actor="officer-a")

    with pytest.raises(InvalidTransitionError, match="licence is suspended on 2020-03-01"):
        asyncio.run(scenario(D(2020, 3, 1)))


def test_reason_actor_and_numbers_are_checked(db):
    async def missing_reason():
        await _agency_with_licence()
        await services.suspend_licence("TEST-PRA-001/2020", on=D(2020, 6, 1), reason="  ", actor="officer-b")

    async def duplicate_number():
        agency = await _agency_with_licence()
        await services.issue_licence(agency_id=agency, number="test/pra/001/2020", issued_on=D(2021, 1, 1),
                                     valid_until=D(2022, 1, 1), actor="officer-a")

    async def sub_with_licence_number():
        await _agency_with_licence()
        await _broker_with_sub(number="TEST PRA 001 2020")

    async def unknown():
        await services.suspend_licence("NOPE-1", on=D(2020, 6, 1), reason="x", actor="officer-b")

    with pytest.raises(ValidationError, match="reason is required"):
        asyncio.run(missing_reason())
    asyncio.run(_truncate(db))
    with pytest.raises(ConflictError, match="already registered"):
        asyncio.run(duplicate_number())
    asyncio.run(_truncate(db))
    with pytest.raises(ConflictError, match="already registered"):
        asyncio.run(sub_with_licence_number())
    with pytest.raises(NotFoundError):
        asyncio.run(unknown())


async def _truncate(db) -> None:
    from conftest import truncate_all

    await truncate_all(db.engine)


def test_stale_version_is_refused_and_nothing_is_written(db):
    async def scenario():
        await _agency_with_licence()
        seen = (await licence_answer("TEST-PRA-001/2020", D(2020, 5, 1)))["version"]
        await services.suspend_licence("TEST-PRA-001/2020", on=D(2020, 6, 1), reason="a", actor="officer-b",
                                       expected_version=seen)
        counts = (await LicenceEvent.count(), await AuditLog.count())
        with pytest.raises(ConflictError, match="changed since you read it"):
            await services.revoke_licence("TEST-PRA-001/2020", on=D(2020, 7, 1), reason="b", actor="officer-c",
                                          expected_version=seen)
        return counts, (await LicenceEvent.count(), await AuditLog.count())

    before, after = asyncio.run(scenario())
    assert before == after


def test_every_change_writes_a_chained_audit_entry(db):
    async def scenario():
        await _agency_with_licence()
        await _broker_with_sub()
        await services.suspend_sub_licence("TEST-SUB-0001/2020", on=D(2020, 4, 1), reason="complaint", actor="officer-b")
        await services.withdraw_sub_licence("TEST-SUB-0001/2020", on=D(2020, 5, 1), reason="agency ended it", actor="officer-b")
        rows = await AuditLog.select(AuditLog.action, AuditLog.actor, AuditLog.entity_key, AuditLog.after).order_by(AuditLog.id)
        return rows, await audit.verify()

    rows, verified = asyncio.run(scenario())
    assert [r["action"] for r in rows] == ["agency.register", "licence.issue", "broker.register", "sub_licence.grant",
                                           "sub_licence.suspended", "sub_licence.withdrawn"]
    assert verified.ok and verified.checked == 6
    assert "N123" not in str(rows)  # a broker's national ID never enters the audit trail


def test_refused_action_leaves_no_audit_entry(db):
    async def scenario():
        await _agency_with_licence()
        count = await AuditLog.count()
        with pytest.raises(InvalidTransitionError):
            await services.reinstate_licence("TEST-PRA-001/2020", on=D(2020, 6, 1), reason="x", actor="officer-b")
        return count, await AuditLog.count()

    before, after = asyncio.run(scenario())
    assert before == after == 2
