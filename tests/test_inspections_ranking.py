"""Risk ranking on a registry whose order is known by construction (both engines)."""
from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

import inspections_fixture as fx
from registry.errors import NotFoundError, ValidationError
from registry.risk.service import entity_risk, plan
from registry.risk.weights import load_weights

D = dt.date
RECENT = D(2026, 9, 1)
OLD = D(2021, 9, 1)


async def _registry() -> dict[str, int]:
    """Each agency differs from the next by exactly one thing the weights rank."""
    ids = {}
    # Two critical indicators (document retention, debt bondage), recent.
    ids["alpha"] = a = await fx.agency("MLVT-PRA-001/2020", "Alpha Manpower")
    c = await fx.contract(signed=RECENT, licence_id=a)
    await fx.flag(c, "WRK006", "critical", licence_id=a)
    await fx.flag(c, "FEE003", "critical", licence_id=a)
    # One critical indicator, recent.
    ids["bravo"] = b = await fx.agency("MLVT-PRA-002/2020", "Bravo Recruitment")
    c = await fx.contract(signed=RECENT, licence_id=b)
    await fx.flag(c, "WRK012", "critical", licence_id=b)
    # The same single indicator, raised five years ago: fades to the floor.
    ids["charlie"] = ch = await fx.agency("MLVT-PRA-003/2020", "Charlie Services", province="Kandal")
    c = await fx.contract(signed=OLD, licence_id=ch, ingested=OLD)
    await fx.flag(c, "WRK012", "critical", licence_id=ch, raised=OLD)
    # Only dismissed flags: counts for nothing, so it is not on the worklist.
    ids["delta"] = d = await fx.agency("MLVT-PRA-004/2020", "Delta Workforce")
    c = await fx.contract(signed=RECENT, licence_id=d)
    await fx.flag(c, "WRK006", "critical", status="dismissed", licence_id=d, history=("in_review", "dismissed"))
    await fx.flag(c, "FEE004", "critical", status="closed", licence_id=d, history=("in_review", "dismissed", "closed"))
    return ids


def _numbers(entries) -> list[str]:
    return [e.entity.number for e in entries]


def test_order_known_by_construction(db):
    async def scenario():
        await _registry()
        return await plan(as_of=fx.AS_OF)

    entries = asyncio.run(scenario())
    assert _numbers(entries) == ["MLVT-PRA-001/2020", "MLVT-PRA-002/2020", "MLVT-PRA-003/2020"]
    assert [e.rank for e in entries] == [1, 2, 3]
    top = entries[0]
    assert top.critical_flags == 2
    rules = {item.ref["rule"] for f in top.factors for item in f.items if "rule" in item.ref}
    assert rules == {"WRK006", "FEE003"}


def test_explanations_add_up_to_the_score(db):
    async def scenario():
        await _registry()
        return await plan(as_of=fx.AS_OF)

    for entry in asyncio.run(scenario()):
        assert entry.score > 0
        assert sum((f.points for f in entry.factors), Decimal(0)) == entry.score
        for factor in entry.factors:
            assert sum((i.points for i in factor.items), Decimal(0)) == factor.points
        as_json = entry.as_dict()
        assert sum(Decimal(str(f["points"])) for f in as_json["factors"]) == Decimal(str(as_json["score"]))


def test_flag_points_follow_the_weights_file(db):
    weights = load_weights()

    async def scenario():
        await _registry()
        return await plan(as_of=fx.AS_OF)

    top = asyncio.run(scenario())[0]
    indicators = next(f for f in top.factors if f.code == "critical_indicators")
    for item in indicators.items:
        expected = (
            weights.critical_indicator_points[item.ref["rule"]]
            * weights.flag_status_factor["open"]
            * item.weights["recency"]
        ).quantize(Decimal("0.01"))
        assert item.points == expected
        assert Decimal("0") < item.weights["recency"] < Decimal("1")
        assert item.weights["indicator"] > weights.severity_points["critical"]


def test_old_indicator_fades_to_the_floor(db):
    async def scenario():
        await _registry()
        return await plan(as_of=fx.AS_OF)

    charlie = next(e for e in asyncio.run(scenario()) if e.entity.number == "MLVT-PRA-003/2020")
    (item,) = [i for f in charlie.factors for i in f.items]
    assert item.weights["recency"] == load_weights().recency_floor


def test_dismissed_flags_count_for_nothing(db):
    async def scenario():
        ids = await _registry()
        return ids, await plan(as_of=fx.AS_OF), await entity_risk("MLVT-PRA-004/2020", as_of=fx.AS_OF)

    _, entries, delta = asyncio.run(scenario())
    assert "MLVT-PRA-004/2020" not in _numbers(entries)
    assert delta.score == 0
    assert delta.flag_ids == []


def test_confirmed_outweighs_open_and_closed_after_confirmed_still_counts(db):
    async def scenario():
        scores = {}
        for n, (status, history) in enumerate(
            [("open", ()), ("confirmed", ("in_review", "confirmed")), ("closed", ("in_review", "confirmed", "closed"))],
            start=10,
        ):
            number = f"MLVT-PRA-0{n}/2020"
            lid = await fx.agency(number, f"Agency {n}")
            c = await fx.contract(signed=RECENT, licence_id=lid)
            await fx.flag(c, "WRK001", "high", status=status, licence_id=lid, history=history)
            scores[status] = (await entity_risk(number, as_of=fx.AS_OF)).score
        return scores

    scores = asyncio.run(scenario())
    assert scores["confirmed"] > scores["open"] > scores["closed"] > 0


def test_ties_share_a_rank_and_order_by_number(db):
    async def scenario():
        for number in ("MLVT-PRA-022/2020", "MLVT-PRA-021/2020"):
            lid = await fx.agency(number, f"Twin {number}")
            c = await fx.contract(signed=RECENT, licence_id=lid)
            await fx.flag(c, "FEE004", "critical", licence_id=lid)
        lid = await fx.agency("MLVT-PRA-023/2020", "Lesser")
        c = await fx.contract(signed=RECENT, licence_id=lid)
        await fx.flag(c, "WRK005", "medium", licence_id=lid)
        return await plan(as_of=fx.AS_OF)

    entries = asyncio.run(scenario())
    assert _numbers(entries) == ["MLVT-PRA-021/2020", "MLVT-PRA-022/2020", "MLVT-PRA-023/2020"]
    assert entries[0].score == entries[1].score
    assert [e.rank for e in entries] == [1, 1, 3]


def test_empty_registry_gives_an_empty_plan(db):
    assert asyncio.run(plan(as_of=fx.AS_OF)) == []


def test_registry_without_findings_gives_an_empty_plan(db):
    async def scenario():
        await fx.agency("MLVT-PRA-030/2020", "Quiet Agency")
        return await plan(as_of=fx.AS_OF)

    assert asyncio.run(scenario()) == []


def test_province_and_top_filters(db):
    async def scenario():
        await _registry()
        return (
            await plan(as_of=fx.AS_OF, province="kandal"),
            await plan(as_of=fx.AS_OF, top=1),
        )

    kandal, top1 = asyncio.run(scenario())
    assert _numbers(kandal) == ["MLVT-PRA-003/2020"]
    assert kandal[0].rank == 3  # ranks are national, filters only hide rows
    assert _numbers(top1) == ["MLVT-PRA-001/2020"]


def test_top_must_be_positive(db):
    with pytest.raises(ValidationError):
        asyncio.run(plan(as_of=fx.AS_OF, top=0))


def test_unknown_number_is_not_found(db):
    with pytest.raises(NotFoundError):
        asyncio.run(entity_risk("MLVT-PRA-999/2020", as_of=fx.AS_OF))


def test_licence_history_and_contracts_signed_while_suspended(db):
    async def scenario():
        lid = await fx.agency(
            "MLVT-PRA-040/2020", "Suspended Once",
            events=(("suspended", D(2026, 3, 1)), ("reinstated", D(2026, 6, 1))),
        )
        await fx.contract(signed=D(2026, 4, 1), licence_id=lid)  # during the suspension
        await fx.contract(signed=D(2026, 7, 1), licence_id=lid)  # after reinstatement: fine
        flagged = await fx.contract(signed=D(2026, 4, 2), licence_id=lid)
        await fx.flag(flagged, "LIC002", "high", licence_id=lid)  # counted as a flag, not twice
        return await entity_risk("mlvt pra 040 2020", as_of=fx.AS_OF)

    risk = asyncio.run(scenario())
    by_code = {f.code: f for f in risk.factors}
    assert [i.ref["event"] for i in by_code["licence_history"].items] == ["suspended"]
    assert [i.ref["signing_date"] for i in by_code["contracts_licence_not_active"].items] == [D(2026, 4, 1)]
    assert [i.ref["rule"] for i in by_code["other_flags"].items] == ["LIC002"]


def test_broker_without_active_sub_licence_scores_broker_and_agency(db):
    async def scenario():
        lid = await fx.agency("MLVT-PRA-050/2020", "Broker Parent")
        other = await fx.agency("MLVT-PRA-051/2020", "Other Parent")
        lapsed = await fx.broker("MLVT-SUB-0001/2021", "Sok Lapsed", lid, valid_until=D(2025, 12, 31))
        foreign = await fx.broker("MLVT-SUB-0002/2021", "Chan Foreign", other)
        await fx.contract(signed=D(2026, 5, 1), licence_id=lid, sub_licence_id=lapsed)
        await fx.contract(signed=D(2026, 5, 2), licence_id=lid, sub_licence_id=foreign)
        entries = await plan(as_of=fx.AS_OF)
        return entries, await plan(as_of=fx.AS_OF, kind="broker")

    entries, brokers = asyncio.run(scenario())
    agency = next(e for e in entries if e.entity.number == "MLVT-PRA-050/2020")
    factor = next(f for f in agency.factors if f.code == "brokers_without_sub_licence")
    assert len(factor.items) == 2
    assert _numbers(brokers) == ["MLVT-SUB-0001/2021", "MLVT-SUB-0002/2021"]
    assert all(e.entity.kind == "broker" for e in brokers)


def test_cascaded_revocation_is_not_the_brokers_own_record(db):
    async def scenario():
        lid = await fx.agency("MLVT-PRA-060/2020", "Revoked Parent", events=(("revoked", D(2026, 2, 1)),))
        await fx.broker("MLVT-SUB-0003/2021", "Cascade", lid, events=(("revoked", D(2026, 2, 1)),))
        await fx.broker("MLVT-SUB-0004/2021", "Own Fault", lid, events=(("revoked", D(2025, 2, 1)),))
        return await plan(as_of=fx.AS_OF)

    numbers = _numbers(asyncio.run(scenario()))
    assert "MLVT-PRA-060/2020" in numbers
    assert "MLVT-SUB-0004/2021" in numbers
    assert "MLVT-SUB-0003/2021" not in numbers


def test_repeated_substitution_needs_several_workers(db):
    async def scenario():
        one = await fx.agency("MLVT-PRA-070/2020", "One Worker")
        for _ in range(2):
            c = await fx.contract(signed=RECENT, licence_id=one, passport="N0000001")
            await fx.flag(c, "FRD001", "critical", licence_id=one)
        many = await fx.agency("MLVT-PRA-071/2020", "Two Workers")
        for passport in ("N0000002", "N0000002", "N0000003", "N0000003"):
            c = await fx.contract(signed=RECENT, licence_id=many, passport=passport)
            await fx.flag(c, "FRD001", "critical", licence_id=many)
        return (await entity_risk("MLVT-PRA-070/2020", as_of=fx.AS_OF),
                await entity_risk("MLVT-PRA-071/2020", as_of=fx.AS_OF))

    one, many = asyncio.run(scenario())
    substitution = {r.entity.number: next(f for f in r.factors if f.code == "repeated_substitution") for r in (one, many)}
    assert substitution["MLVT-PRA-070/2020"].items == ()
    assert len(substitution["MLVT-PRA-071/2020"].items) == 2


def test_unregistered_recruiter_is_ranked_by_printed_name(db):
    async def scenario():
        for printed in ("Golden Star Manpower Co., Ltd.", "golden star  manpower co., ltd."):
            c = await fx.contract(signed=RECENT, agency_name=printed)
            await fx.flag(c, "LIC001", "critical")
        return await plan(as_of=fx.AS_OF, kind="unregistered")

    (entry,) = asyncio.run(scenario())
    assert entry.status == "not_registered"
    assert entry.entity.name == "Golden Star Manpower Co., Ltd."
    assert entry.critical_flags == 2


def test_agency_suspension_is_not_counted_again_through_its_broker(db):
    """Regression: a contract signed during the agency's suspension by its (in-force) broker
    was counted twice for the agency — once as 'licence not active', once as 'broker without
    an active sub-licence'. For the broker, recruiting while its agency is suspended counts."""

    async def scenario():
        lid = await fx.agency("MLVT-PRA-080/2020", "Suspended Parent",
                              events=(("suspended", D(2026, 3, 1)), ("reinstated", D(2026, 6, 1))))
        sub = await fx.broker("MLVT-SUB-0008/2021", "In Force", lid)
        await fx.contract(signed=D(2026, 4, 1), licence_id=lid, sub_licence_id=sub)
        return (await entity_risk("MLVT-PRA-080/2020", as_of=fx.AS_OF),
                await entity_risk("MLVT-SUB-0008/2021", as_of=fx.AS_OF))

    agency, broker = asyncio.run(scenario())
    agency_codes = {f.code: len(f.items) for f in agency.factors}
    assert agency_codes["contracts_licence_not_active"] == 1
    assert agency_codes["brokers_without_sub_licence"] == 0
    (item,) = next(f for f in broker.factors if f.code == "brokers_without_sub_licence").items
    assert "agency licence suspended" in item.what


def test_flags_raised_after_the_day_asked_about_do_not_count(db):
    async def scenario():
        lid = await fx.agency("MLVT-PRA-090/2020", "Later Findings")
        c = await fx.contract(signed=RECENT, licence_id=lid, ingested=D(2026, 11, 20))
        await fx.flag(c, "WRK006", "critical", licence_id=lid, raised=D(2026, 11, 20))
        return (await entity_risk("MLVT-PRA-090/2020", as_of=fx.AS_OF),
                await entity_risk("MLVT-PRA-090/2020", as_of=D(2026, 11, 21)))

    before, after = asyncio.run(scenario())
    assert before.score == 0 and after.score > 0


def test_a_critical_indicator_outweighs_a_contract_full_of_lesser_findings(db):
    """The policy the weights encode: one indicator counts more than ten high-severity breaches."""
    weights = load_weights()
    assert min(weights.critical_indicator_points.values()) > 10 * weights.severity_points["high"] - 1

    async def scenario():
        one = await fx.agency("MLVT-PRA-100/2020", "One Indicator")
        c = await fx.contract(signed=RECENT, licence_id=one)
        await fx.flag(c, "WRK012", "critical", licence_id=one)
        many = await fx.agency("MLVT-PRA-101/2020", "Many Breaches")
        c = await fx.contract(signed=RECENT, licence_id=many)
        for rule in ("FEE001", "FEE002", "WRK001", "WRK003", "WRK004", "WRK007", "WRK011"):
            await fx.flag(c, rule, "high", licence_id=many)
        for rule in ("WRK005", "WRK009", "WRK013"):
            await fx.flag(c, rule, "medium", licence_id=many)
        return await plan(as_of=fx.AS_OF)

    assert _numbers(asyncio.run(scenario())) == ["MLVT-PRA-100/2020", "MLVT-PRA-101/2020"]
