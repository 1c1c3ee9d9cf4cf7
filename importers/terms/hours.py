"""Regular working hours per day and week, and weekly rest days.

Hours come from a stated figure (`8 hours a day`, `48 hours per week`) or from a schedule
(`07:00 to 16:00 with a one-hour break, 6 days a week`). Overtime sentences are skipped: they
state limits on extra hours, not the regular ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from compliance_rules.model import Clause, Extracted

from .numbers import number_words_regex, parse_number, words_to_number
from .patterns import any_of, normalise
from .sentences import english_first, sentences
from .vocab import load

_NUM = rf"(?P<n>\d+(?:[.,]\d+)?|{number_words_regex()})"
_TIME = r"(\d{1,2})\s?[:.h]\s?(\d{2})"
MAX_BREAK_DISTANCE = 60


@dataclass(slots=True)
class Hours:
    per_day: Extracted[Decimal] | None = None
    per_week: Extracted[Decimal] | None = None
    rest_days: Extracted[int] | None = None


def _number(text: str) -> Decimal | None:
    return parse_number(text) if text[:1].isdigit() else words_to_number(text)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    terms = load("terms")
    hour = any_of(terms["hour_words"]).pattern
    day = any_of(terms["day_words"]).pattern
    per_day = any_of(terms["periods"]["day"]).pattern
    per_week = any_of(terms["periods"]["week"]).pattern
    joiner = any_of(["to", "until", "till", "-", "ដល់ម៉ោង", "ដល់"]).pattern
    rest = any_of(terms["rest_words"]).pattern
    return {
        "hours_day": re.compile(rf"{_NUM}\s*(?:{hour})\s*(?:of\s+work\s*|of\s+\w+\s+work\s*)?(?:{per_day})", re.I),
        "hours_week": re.compile(rf"{_NUM}\s*(?:{hour})\s*(?:of\s+work\s*)?(?:{per_week})", re.I),
        "days_week": re.compile(rf"{_NUM}\s*(?:working\s+|work\s+)?(?:{day})\s*(?:of\s+work\s*)?(?:{per_week})", re.I),
        "schedule": re.compile(rf"{_TIME}\s*(?:{joiner})\s*(?:{hour})?\s*{_TIME}", re.I),
        "break": re.compile(rf"{_NUM}[\s\-]*(?P<unit>{hour}|minutes?|mins?|នាទី)", re.I),
        "rest_days": re.compile(rf"{_NUM}[\s\-]*(?:(?:{rest})|(?:{day}))(?:(?!\d).){{0,25}}?(?:{per_week})", re.I),
        "rest_after": re.compile(rf"(?:{rest})(?:(?!\d).){{0,12}}?{_NUM}\s*(?:{day})(?:(?!\d).){{0,25}}?(?:{per_week})", re.I),
    }


def _without_overtime(text: str) -> str:
    """The part of a sentence before it turns to overtime, with figures out of their
    parentheses (`eight (8) hours`)."""
    text = re.sub(r"\((\d+(?:[.,]\d+)?)\)", r"\1", text)
    match = any_of(load("terms")["overtime_words"]).search(text)
    return text[: match.start()] if match else text


def _schedule_hours(text: str) -> Decimal | None:
    patterns = _patterns()
    match = patterns["schedule"].search(text)
    if not match:
        return None
    start = int(match[1]) * 60 + int(match[2])
    end = int(match[3]) * 60 + int(match[4])
    if end <= start:
        end += 24 * 60
    minutes = Decimal(end - start)
    breaks = any_of(load("terms")["break_words"])
    for found in patterns["break"].finditer(text, match.end()):
        near = breaks.search(text, max(match.end(), found.start() - MAX_BREAK_DISTANCE), found.end() + MAX_BREAK_DISTANCE)
        value = _number(found["n"])
        if near and value is not None:
            unit = found["unit"].lower()
            minutes -= value if unit.startswith(("min", "នាទី")) else value * 60
            break
    return minutes / 60


def hours(clauses: list[Clause]) -> Hours:
    result = Hours()
    days_per_week: Decimal | None = None
    patterns = _patterns()
    for clause in english_first(clauses):
        for sentence in sentences(clause):
            text = _without_overtime(normalise(sentence.text))
            if result.per_day is None:
                found = patterns["hours_day"].search(text)
                value = _number(found["n"]) if found else _schedule_hours(text)
                if value:
                    result.per_day = Extracted(value=value, source=sentence.source())
            if result.per_week is None and (found := patterns["hours_week"].search(text)):
                value = _number(found["n"])
                if value:
                    result.per_week = Extracted(value=value, source=sentence.source())
            if days_per_week is None and (found := patterns["days_week"].search(text)):
                days_per_week = _number(found["n"])
                days_source = sentence.source()
    if result.per_week is None and result.per_day is not None and days_per_week:
        result.per_week = Extracted(value=result.per_day.value * days_per_week, source=days_source)
    if result.per_day is None and result.per_week is not None and days_per_week:
        result.per_day = Extracted(value=result.per_week.value / days_per_week, source=days_source)
    result.rest_days = rest_days(clauses, days_per_week)
    return result


def rest_days(clauses: list[Clause], days_per_week: Decimal | None = None) -> Extracted[int] | None:
    """Weekly rest days: a stated number, 0 when the worker works every day, None when not
    stated or left to the employer's discretion."""
    terms = load("terms")
    rest = any_of(terms["rest_words"])
    every_day = any_of(terms["every_day"])
    discretion = any_of(terms["discretion"])
    patterns = _patterns()
    for clause in english_first(clauses):
        for sentence in sentences(clause):
            text = normalise(sentence.text)
            if every_day.search(text):
                return Extracted(value=0, source=sentence.source())
            if not rest.search(text):
                continue
            if discretion.search(text):
                return None
            found = patterns["rest_days"].search(text) or patterns["rest_after"].search(text)
            if found and (value := _number(found["n"])) is not None:
                return Extracted(value=int(value), source=sentence.source())
    return None
