"""Converting a wage between hour, day and month the way the minimum-wage comparison needs.

Convention (the corpus README and common practice for migrant contracts): regular hours capped
at the hour limit per day and the day limit per week, 52/12 weeks a month; a monthly wage that
states its own hour basis (e.g. a 209-hour month) is divided by that basis.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WEEKS_PER_MONTH = Decimal(52) / Decimal(12)


@dataclass(frozen=True)
class Schedule:
    hours_per_day: Decimal
    days_per_week: Decimal
    monthly_hour_basis: Decimal | None = None

    @classmethod
    def from_terms(
        cls,
        hours_per_day: Decimal | None,
        hours_per_week: Decimal | None,
        rest_days_per_week: int | None,
        *,
        max_hours_day: Decimal,
        max_days_week: int,
        monthly_hour_basis: Decimal | None = None,
    ) -> "Schedule":
        day = min(hours_per_day, max_hours_day) if hours_per_day else max_hours_day
        if hours_per_day and hours_per_week:
            days = hours_per_week / hours_per_day
        elif rest_days_per_week is not None:
            days = Decimal(7 - rest_days_per_week)
        elif hours_per_week:
            days = hours_per_week / day
        else:
            days = Decimal(max_days_week)
        days = max(Decimal(1), min(days, Decimal(max_days_week)))
        return cls(day, days, monthly_hour_basis)

    def hours_per_month(self) -> Decimal:
        if self.monthly_hour_basis:
            return self.monthly_hour_basis
        return self.hours_per_day * self.days_per_week * WEEKS_PER_MONTH

    def per_hour(self, amount: Decimal, period: str) -> Decimal:
        if period == "hour":
            return amount
        if period == "day":
            return amount / self.hours_per_day
        if period == "week":
            return amount / (self.hours_per_day * self.days_per_week)
        if period == "month":
            return amount / self.hours_per_month()
        raise ValueError(f"unknown pay period {period!r}")

    def convert(self, amount: Decimal, period: str, to: str) -> Decimal:
        hourly = self.per_hour(amount, period)
        if to == "hour":
            return hourly
        if to == "day":
            return hourly * self.hours_per_day
        if to == "week":
            return hourly * self.hours_per_day * self.days_per_week
        if to == "month":
            return hourly * self.hours_per_month()
        raise ValueError(f"unknown pay period {to!r}")
