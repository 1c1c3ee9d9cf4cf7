"""Amounts of money in contract text -> (Decimal, ISO currency).

A currency marker (code, symbol or word, English or Khmer) before or after a figure, or after
an amount in words. `USD 0`, `nil` and a dash are amounts of zero or none, reported as such so
callers can tell "no charge" from "not stated".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .numbers import number_words_regex, parse_number, words_to_number
from .patterns import normalise, word_regex
from .prefilter import compile_guarded
from .vocab import load

_FIGURE = r"\d{1,3}(?:[,.\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str | None
    start: int
    end: int
    """Span in the normalised text."""


@lru_cache(maxsize=1)
def _currency_index() -> tuple[re.Pattern[str], dict[str, str]]:
    lookup: dict[str, str] = {}
    markers: list[str] = []
    for code, spellings in load("currencies").items():
        for spelling in spellings:
            key = _marker_key(spelling)
            lookup.setdefault(key, code)
            markers.append(spelling)
    markers.sort(key=len, reverse=True)
    pattern = compile_guarded("|".join(f"(?:{word_regex(m)})" for m in markers), re.I)
    return pattern, lookup


def _marker_key(marker: str) -> str:
    return re.sub(r"[\s\u200b\-]", "", normalise(marker)).lower()


def currency_of(marker: str) -> str | None:
    return _currency_index()[1].get(_marker_key(marker))


@lru_cache(maxsize=1)
def _amount_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    currency = _currency_index()[0].pattern
    before = compile_guarded(rf"(?P<cur>{currency})\s?(?P<num>{_FIGURE})(?!\d)", re.I)
    after = compile_guarded(rf"(?<![\d.,])(?P<num>{_FIGURE})\s?(?P<cur>{currency})", re.I)
    words = compile_guarded(rf"(?P<words>{number_words_regex()})\s*(?P<cur>{currency})", re.I)
    return before, after, words


def find_money(text: str) -> list[Money]:
    """Every amount with a currency in `text`, left to right; overlapping readings keep the
    first found (figures before words).

    Every amount pattern contains the currency pattern, matched on the same text with the
    same context around it, so where the currency pattern finds nothing no amount can be
    found either: one scan settles most texts (which name no currency)."""
    text = normalise(text)
    if not _currency_index()[0].search(text):
        return []
    before, after, words = _amount_patterns()
    found: list[Money] = []
    taken: list[tuple[int, int]] = []
    for pattern in (before, after):
        for match in pattern.finditer(text):
            amount = parse_number(match.group("num"))
            if amount is None or _overlaps(match.span(), taken):
                continue
            found.append(Money(amount, currency_of(match.group("cur")), *match.span()))
            taken.append(match.span())
    for match in words.finditer(text):
        amount = words_to_number(match.group("words"))
        if amount is None or _overlaps(match.span(), taken):
            continue
        found.append(Money(amount, currency_of(match.group("cur")), *match.span()))
        taken.append(match.span())
    return sorted(found, key=lambda m: m.start)


def find_currencies(text: str) -> list[str]:
    """Currencies named anywhere in `text`, in order (for a wage whose amount is missing)."""
    pattern = _currency_index()[0]
    return [code for m in pattern.finditer(normalise(text)) if (code := currency_of(m.group(0)))]


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)
