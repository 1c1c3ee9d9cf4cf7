"""The fixed wage: amount, currency and pay period.

The wage is the first amount in a sentence about wages that is not about overtime, deductions,
allowances or fees. "Up to" amounts, ranges and wages left to the employer have no fixed
amount (WRK001): the amount is None while a stated currency and period are still reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from compliance_rules.model import Clause, Extracted, Source

from .money import find_currencies, find_money
from .patterns import any_of, normalise
from .sentences import Sentence, english_first, sentences
from .values import is_vague
from .vocab import load


@dataclass(slots=True)
class Wage:
    amount: Extracted[Decimal] | None = None
    currency: Extracted[str] | None = None
    period: Extracted[str] | None = None


def pay_period(text: str) -> str | None:
    """The first pay period named in `text` (`per day`, `monthly`, `ក្នុងមួយខែ`)."""
    best: tuple[int, str] | None = None
    for period, words in load("terms")["periods"].items():
        match = any_of(words).search(text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), period)
    return None if best is None else best[1]


def _is_wage_sentence(sentence: Sentence) -> bool:
    terms = load("terms")
    text = sentence.text
    about_wage = any_of(terms["wage_words"]).search(text) or (
        sentence.clause.heading and any_of(terms["wage_words"]).search(sentence.clause.heading)
    )
    return bool(about_wage) and not any_of(terms["wage_not_wage"]).search(text)


def _not_fixed(text: str, start: int) -> bool:
    """An "up to" amount, or one end of a range (`380-540 THB`, `between X and Y`)."""
    terms = load("terms")
    before = text[max(0, start - 30):start]
    if any_of(terms["up_to"]).search(before):
        return True
    joiners = "|".join(re.escape(j) for j in terms["range_joiners"])
    return bool(re.search(rf"\d[\d,.]*\s*(?:{joiners})\s*$", before, re.I)) or bool(
        re.search(r"\bbetween\b", before, re.I)
    )


def wage(clauses: list[Clause]) -> Wage:
    for clause in english_first(clauses):
        for sentence in sentences(clause):
            if not _is_wage_sentence(sentence):
                continue
            found = _wage_in(sentence)
            if found is not None:
                return found
    return Wage()


def _wage_in(sentence: Sentence) -> Wage | None:
    text = normalise(sentence.text)
    source = sentence.source()
    period = pay_period(text)
    extra_pay = any_of(load("terms")["wage_extra_pay"])
    amounts = [m for m in find_money(text) if m.amount > 0 and not extra_pay.search(text[: m.start])]
    if amounts:
        first = amounts[0]
        fixed = not _not_fixed(text, first.start)
        period = pay_period(text[first.start:]) or period
        return Wage(
            amount=_ext(first.amount, source) if fixed else None,
            currency=_ext(first.currency, source) if first.currency else None,
            period=_ext(period, source) if period else None,
        )
    if is_vague(text):
        currencies = find_currencies(text)
        return Wage(
            currency=_ext(currencies[0], source) if currencies else None,
            period=_ext(period, source) if period else None,
        )
    return None


def _ext(value, source: Source) -> Extracted:
    return Extracted(value=value, source=source)
