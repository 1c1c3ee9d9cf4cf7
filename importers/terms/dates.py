"""Dates as contracts print them: day-first numerals (`dd/mm/yyyy`, `dd.mm.yyyy`, `dd-mm-yyyy`),
month names in English or Khmer in either order, Khmer digits (`ថ្ងៃទី១៤ ខែមេសា ឆ្នាំ២០២៦`)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .patterns import normalise, word_regex
from .prefilter import compile_guarded
from .vocab import load


@dataclass(frozen=True, slots=True)
class FoundDate:
    value: dt.date
    start: int
    end: int


_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s?([./\-])\s?(\d{1,2})\s?\2\s?(\d{4})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_YEAR = re.compile(r"\d{4}")


@lru_cache(maxsize=1)
def _named_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    months = sorted(load("months"), key=len, reverse=True)
    month = "(?P<month>" + "|".join(word_regex(m) for m in months) + ")"
    # Khmer words that may surround the parts: ថ្ងៃទី (day), ខែ (month), ឆ្នាំ (year).
    day_word, month_word, year_word = (word_regex(w) + r"\s?" for w in ("ថ្ងៃទី", "ខែ", "ឆ្នាំ"))
    day_first = compile_guarded(
        rf"(?:{day_word})?(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+day)?(?:\s+of)?[\s\-.,]*"
        rf"(?:{month_word})?{month}\.?[\s\-.,]*(?:{year_word})?(?P<year>\d{{4}})(?!\d)",
        re.I,
    )
    month_first = compile_guarded(
        rf"{month}\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})(?!\d)", re.I
    )
    return day_first, month_first


_MONTH_KEY = re.compile(r"[\s\u200b.]")


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    return {_MONTH_KEY.sub("", k).lower(): v for k, v in load("months").items()}


def _month_number(name: str) -> int | None:
    return _months().get(_MONTH_KEY.sub("", name).lower())


_PLAUSIBLE_YEARS = range(1900, 2101)
"""Years a date in a recruitment contract can have, a worker's birth date included. Others are
misread digits ("1102" for "2011") and were taken as the signing date, which every dated rule
then judged the contract on."""


def _make(year: int, month: int, day: int) -> dt.date | None:
    if year not in _PLAUSIBLE_YEARS:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[FoundDate]:
    """Every date in `text`, left to right."""
    text = normalise(text)
    found: list[FoundDate] = []
    if not _YEAR.search(text):  # every date pattern ends in a four-digit year; most text has none
        return found

    def add(value: dt.date | None, span: tuple[int, int]) -> None:
        if value and not any(span[0] < f.end and f.start < span[1] for f in found):
            found.append(FoundDate(value, *span))

    for match in _ISO.finditer(text):
        add(_make(int(match[1]), int(match[2]), int(match[3])), match.span())
    for match in _NUMERIC.finditer(text):
        add(_make(int(match[4]), int(match[3]), int(match[1])), match.span())
    for pattern in _named_patterns():
        for match in pattern.finditer(text):
            month = _month_number(match["month"])
            if month:
                add(_make(int(match["year"]), month, int(match["day"])), match.span())
    return sorted(found, key=lambda f: f.start)
