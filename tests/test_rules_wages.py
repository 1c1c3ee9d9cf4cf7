"""Wage conversion and reference data with effective dates (WRK002, WRK003)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from compliance_rules.examples import example_contract, example_registry
from compliance_rules.model import Extracted, Source
from compliance_rules.reference import hour_limit_on, minimum_wage_on, statutory_item
from compliance_rules.rule import get_rule
from compliance_rules.wages import Schedule

D = Decimal


def _schedule(per_day=8, per_week=48, rest=1, basis=None):
    return Schedule.from_terms(None if per_day is None else D(per_day), None if per_week is None else D(per_week), rest,
                               max_hours_day=D(8), max_days_week=6, monthly_hour_basis=basis)


def test_six_day_week_gives_26_days_a_month():
    assert _schedule().convert(D(337), "day", "month").quantize(D("0.01")) == D("8762.00")


def test_hours_and_days_are_capped():
    schedule = _schedule(per_day=12, per_week=84, rest=0)
    assert (schedule.hours_per_day, schedule.days_per_week) == (D(8), D(6))


def test_five_day_week_and_monthly_to_hourly():
    schedule = _schedule(per_day=8, per_week=40, rest=2)
    assert schedule.days_per_week == D(5)
    assert schedule.per_hour(D("1733.33"), "month").quantize(D("0.01")) == D("10.00")


def test_stated_monthly_hour_basis_wins():
    assert _schedule(per_week=40, rest=2, basis=D(209)).per_hour(D(2060740), "month") == D(9860)


def test_minimum_in_force_on_the_signing_date():
    assert minimum_wage_on("TH", dt.date(2025, 6, 30)).amount == D(330)
    assert minimum_wage_on("TH", dt.date(2025, 7, 1)).amount == D(337)
    assert minimum_wage_on("SG", dt.date(2025, 7, 1)).amount is None
    assert minimum_wage_on("XX", dt.date(2025, 7, 1)) is None


def test_hour_limit_benchmark_applies_everywhere():
    limit = hour_limit_on("MY", dt.date(2025, 1, 1))
    assert (limit.max_hours_day, limit.max_hours_week) == (D(8), D(48))


def test_statutory_worker_item_is_matched_on_its_text():
    assert statutory_item("KR", "insurance", "Return cost insurance (EPS)", dt.date(2025, 1, 1))
    assert not statutory_item("KR", "insurance", "Pre-departure insurance", dt.date(2025, 1, 1))
    assert not statutory_item("TH", "insurance", "Return cost insurance", dt.date(2025, 1, 1))


def _wage_contract(amount, period, country, currency, day, **hours):
    contract = example_contract()
    values = {"wage_amount": D(amount), "wage_period": period, "destination_country": country,
              "wage_currency": currency, "signing_date": dt.date.fromisoformat(day), **hours}
    for name, value in values.items():
        setattr(contract.terms, name, Extracted(value=value, source=Source(page=1, text=str(value))))
    return contract


def test_wrk002_equal_to_minimum_is_compliant():
    rule = get_rule("WRK002")
    assert not rule.check(_wage_contract(337, "day", "TH", "THB", "2025-12-01"), example_registry())
    assert rule.check(_wage_contract(335, "day", "TH", "THB", "2025-12-01"), example_registry())
    assert not rule.check(_wage_contract(335, "day", "TH", "THB", "2025-03-01"), example_registry()), "330 then"


def test_wrk002_monthly_wage_against_daily_minimum():
    rule = get_rule("WRK002")
    assert not rule.check(_wage_contract(8762, "month", "TH", "THB", "2025-12-01"), example_registry())
    assert rule.check(_wage_contract(8700, "month", "TH", "THB", "2025-12-01"), example_registry())


def test_wrk002_other_currency_is_not_judged():
    assert not get_rule("WRK002").check(_wage_contract(100, "month", "TH", "USD", "2025-12-01"), example_registry())


def test_wrk003_hours_above_limit():
    contract = _wage_contract(2000, "month", "MY", "MYR", "2025-12-01",
                              hours_per_day=D(10), hours_per_week=D(60))
    findings = get_rule("WRK003").check(contract, example_registry())
    assert findings and findings[0].severity == "high"


def test_wrk003_silent_hours_are_medium():
    contract = example_contract()
    contract.terms.hours_per_day = contract.terms.hours_per_week = None
    contract.clauses = [c for c in contract.clauses if "overtime" not in c.text]
    findings = get_rule("WRK003").check(contract, example_registry())
    assert findings and findings[0].severity == "medium"


def test_regression_hours_in_text_the_extractor_missed_are_not_silence():
    contract = example_contract()
    contract.terms.hours_per_day = contract.terms.hours_per_week = None
    assert not get_rule("WRK003").check(contract, example_registry()), "the clause states 8 a day, 48 a week"


def test_regression_a_signing_date_before_every_hour_limit_row_stopped_the_whole_check():
    """A date no hour-limit row covers raised LookupError out of WRK002/WRK003, and with it out
    of `check_contract` for every rule (found by fuzzing contracts through extract and check)."""
    from compliance_rules.check import check_contract

    assert hour_limit_on("SG", dt.date(1905, 5, 21)) is None
    contract = _wage_contract(100, "day", "TH", "THB", "1905-05-21", hours_per_day=D(12), hours_per_week=D(72))
    assert not get_rule("WRK002").check(contract, example_registry())
    assert not get_rule("WRK003").check(contract, example_registry())  # overtime is paid in the example
    assert isinstance(check_contract(contract, example_registry()), list)
