"""The numbers behind the summary page: findings per rule family per month, per province, and
the agencies with the most critical indicators.

Dismissed flags are left out: an inspector judged them wrong. A finding is dated by its
contract's signing date (when the practice happened), else by the day it was raised.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from registry.reports.exports import rule_family
from registry.risk.weights import load_weights
from registry.tables import Flag

UNKNOWN_PROVINCE = "not in registry"
TOP_AGENCIES = 10


@dataclass
class Summary:
    total: int = 0
    families: tuple[str, ...] = ()
    by_month: dict[str, Counter] = field(default_factory=dict)
    """'YYYY-MM' -> Counter(family -> findings), months in order."""
    by_province: list[tuple[str, int]] = field(default_factory=list)
    top_critical: list[tuple[str, str, int]] = field(default_factory=list)
    """(licence number, agency name, critical indicators), most first."""

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "families": list(self.families),
            "by_month": {month: dict(counts) for month, counts in self.by_month.items()},
            "by_province": [{"province": p, "findings": n} for p, n in self.by_province],
            "top_critical": [
                {"licence_number": number, "agency_name": name, "critical_indicators": n}
                for number, name, n in self.top_critical
            ],
        }


def _day(row: dict) -> dt.date:
    signed = row["signing_date"]
    if isinstance(signed, dt.date):
        return signed
    if signed:
        return dt.date.fromisoformat(str(signed)[:10])
    created = row["created_at"]
    return created.date() if isinstance(created, dt.datetime) else dt.date.fromisoformat(str(created)[:10])


async def build_summary() -> Summary:
    weights = load_weights()
    rows = await Flag.select(
        Flag.rule, Flag.severity, Flag.created_at,
        Flag.contract.signing_date.as_alias("signing_date"),
        Flag.licence.number.as_alias("licence_number"),
        Flag.licence.agency.name_en.as_alias("agency_name"),
        Flag.licence.agency.province.as_alias("agency_province"),
        Flag.sub_licence.broker.province.as_alias("broker_province"),
    ).where(Flag.status != "dismissed")
    by_month: dict[str, Counter] = defaultdict(Counter)
    provinces: Counter = Counter()
    critical: Counter = Counter()
    names: dict[str, str] = {}
    for row in rows:
        family = rule_family(row["rule"])
        by_month[_day(row).strftime("%Y-%m")][family] += 1
        provinces[row["agency_province"] or row["broker_province"] or UNKNOWN_PROVINCE] += 1
        is_critical = row["severity"] == "critical" or row["rule"] in weights.critical_indicator_points
        if is_critical and row["licence_number"]:
            critical[row["licence_number"]] += 1
            names[row["licence_number"]] = row["agency_name"] or ""
    families = tuple(sorted({f for counts in by_month.values() for f in counts}))
    return Summary(
        total=len(rows),
        families=families,
        by_month={month: by_month[month] for month in sorted(by_month)},
        by_province=sorted(provinces.items(), key=lambda kv: (-kv[1], kv[0])),
        top_critical=[
            (number, names[number], n)
            for number, n in sorted(critical.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_AGENCIES]
        ],
    )
