"""What rules read (extracted terms and clauses) and what they return (findings with evidence)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")
BBox = tuple[float, float, float, float]
Severity = Literal["critical", "high", "medium", "low", "info"]
WagePeriod = Literal["hour", "day", "week", "month"]


class Source(BaseModel):
    """Where a value or clause was read: page (1-based), the quoted text, its box on the page."""

    page: int
    text: str
    bbox: BBox | None = None


class Extracted(BaseModel, Generic[T]):
    value: T
    source: Source | None = None


class Fee(BaseModel):
    """An amount the worker (or family) must pay. `item` uses the normalised vocabulary of
    compliance_rules/data/fee_items.json (recruitment fee, passport, medical examination, ...)."""

    item: str
    amount: Decimal | None = None
    currency: str | None = None
    source: Source | None = None


class Terms(BaseModel):
    """The terms extracted from one contract. `None` = the contract does not state it."""

    agency_name: Extracted[str] | None = None
    agency_licence_no: Extracted[str] | None = None
    broker_name: Extracted[str] | None = None
    broker_sub_licence_no: Extracted[str] | None = None
    employer_name: Extracted[str] | None = None
    destination_country: Extracted[str] | None = None
    job_title: Extracted[str] | None = None
    workplace: Extracted[str] | None = None
    wage_amount: Extracted[Decimal] | None = None
    wage_currency: Extracted[str] | None = None
    wage_period: Extracted[WagePeriod] | None = None
    hours_per_day: Extracted[Decimal] | None = None
    hours_per_week: Extracted[Decimal] | None = None
    rest_days_per_week: Extracted[int] | None = None
    contract_months: Extracted[int] | None = None
    signing_date: Extracted[dt.date] | None = None
    worker_passport_hash: str | None = None
    """HMAC-SHA256 of the passport number under the installation's key; the number is never kept."""
    worker_fees: list[Fee] = Field(default_factory=list)

    def public_fields(self) -> dict[str, object]:
        """The labelled fields as plain JSON values (labels.jsonl keys, passport excluded)."""
        out: dict[str, object] = {}
        for name in FIELD_NAMES:
            extracted = getattr(self, name)
            value = None if extracted is None else extracted.value
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[name] = value
        out["worker_fees"] = [
            {
                "item": fee.item,
                "amount": None if fee.amount is None else (
                    int(fee.amount) if fee.amount == fee.amount.to_integral_value() else float(fee.amount)
                ),
                "currency": fee.currency,
            }
            for fee in self.worker_fees
        ]
        return out


FIELD_NAMES = (
    "agency_name", "agency_licence_no", "broker_name", "broker_sub_licence_no", "employer_name",
    "destination_country", "job_title", "workplace", "wage_amount", "wage_currency", "wage_period",
    "hours_per_day", "hours_per_week", "rest_days_per_week", "contract_months", "signing_date",
)


class Clause(BaseModel):
    """One unit of contract text (a numbered clause, paragraph or table row) with its position.
    Rules judge clauses; bilingual contracts give the same clause in both languages."""

    page: int
    text: str
    bbox: BBox | None = None
    heading: str | None = None
    language: Literal["en", "km", "mixed"] = "en"


class ContractForCheck(BaseModel):
    """Everything a rule may look at for one contract."""

    sha256: str
    terms: Terms
    clauses: list[Clause]
    has_khmer_text: bool
    """Khmer script (U+1780-U+17FF) found in the read text (text layer or OCR)."""


class Evidence(BaseModel):
    page: int | None = None
    text: str
    bbox: BBox | None = None
    facts: dict[str, object] | None = None
    """For registry rules: the registry facts relied on (status history, dates, other sha256)."""


class Finding(BaseModel):
    rule: str
    severity: Severity
    title: str
    explanation: str
    evidence: list[Evidence]
