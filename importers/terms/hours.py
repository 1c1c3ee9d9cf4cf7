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
from .prefilter import compile_guarded
from .sentences import english_first, sentences
from .vocab import load

_NUM = rf"(?P<n>\d+(?:[.,]\d+)?|{number_words_regex()})"
_TIME = r"(\d{1,2})\s?[:.h]\s?(\d{2})"
_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?\s?([ap])\.?\s?m\b\.?"
"""`8 a.m.`, `5.30 pm`: a twelve-hour clock time."""
_BREAK_NUM = rf"(?P<n>\d+(?:[.,]\d+)?|{number_words_regex()}|\ban?\b)"
"""A break is often `an hour` or `a one-hour break`."""
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
    # Guarded (see prefilter) where searched in many sentences; the others run only where an
    # hour word was found (or a schedule, or a rest word), too rarely to repay the guard's
    # one-time analysis.
    return {
        "hours_day": re.compile(rf"{_NUM}\s*(?:{hour})\s*(?:of\s+work\s*|of\s+\w+\s+work\s*)?(?:{per_day})", re.I),
        "hours_week": re.compile(rf"{_NUM}\s*(?:{hour})\s*(?:of\s+work\s*)?(?:{per_week})", re.I),
        "days_week": compile_guarded(rf"{_NUM}\s*(?:working\s+|work\s+)?(?:{day})\s*(?:of\s+work\s*)?(?:{per_week})", re.I),
        "schedule": compile_guarded(rf"{_TIME}\s*(?:{joiner})\s*(?:{hour})?\s*{_TIME}", re.I),
        "clock": compile_guarded(rf"{_CLOCK}\s*(?:{joiner})\s*{_CLOCK}", re.I),
        "hours_day_after": re.compile(
            rf"(?:{per_day})\s+(?:\w+\s+){{0,2}}?(?:{hour})(?:(?!\d)[^.;]){{0,30}}?{_NUM}\s*(?:{hour})", re.I),
        "break": re.compile(rf"{_BREAK_NUM}[\s\-]*(?P<unit>{hour}|minutes?|mins?|នាទី)", re.I),
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
    if match:
        start = int(match[1]) * 60 + int(match[2])
        end = int(match[3]) * 60 + int(match[4])
    elif match := patterns["clock"].search(text):
        start = _clock_minutes(match[1], match[2], match[3])
        end = _clock_minutes(match[4], match[5], match[6])
    else:
        return None
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


def _clock_minutes(hour: str, minute: str | None, half: str) -> int:
    return (int(hour) % 12 + (12 if half.lower() == "p" else 0)) * 60 + int(minute or 0)


def hours(clauses: list[Clause]) -> Hours:
    """Sentences that name no hour (or no day) are not searched for the hour (day) figures:
    `hours_day`, `hours_day_after` and `hours_week` contain the hour-word pattern, `days_week`
    the day-word pattern, matched on the same text; where the word pattern alone finds nothing
    they cannot match, and the word pattern alone is several times cheaper to run."""
    result = Hours()
    days_per_week: Decimal | None = None
    patterns = _patterns()
    terms = load("terms")
    hour_word, day_word = any_of(terms["hour_words"]), any_of(terms["day_words"])
    for clause in english_first(clauses):
        for sentence in sentences(clause):
            text = _without_overtime(normalise(sentence.text))
            wanted = result.per_day is None or result.per_week is None
            names_hours = wanted and hour_word.search(text) is not None
            if result.per_day is None:
                found = None
                if names_hours:
                    found = patterns["hours_day"].search(text) or patterns["hours_day_after"].search(text)
                value = _number(found["n"]) if found else _schedule_hours(text)
                if value:
                    result.per_day = Extracted(value=value, source=sentence.source())
            if result.per_week is None and names_hours and (found := patterns["hours_week"].search(text)):
                value = _number(found["n"])
                if value:
                    result.per_week = Extracted(value=value, source=sentence.source())
            names_days = days_per_week is None and day_word.search(text) is not None
            if names_days and (found := patterns["days_week"].search(text)):
                days_per_week = _number(found["n"])
                days_source = sentence.source()
            elif days_per_week is None and (span := _weekday_range(text)):
                days_per_week = Decimal(span)
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
    for clause in english_first(clauses):
        for sentence in sentences(clause):
            text = normalise(sentence.text)
            if every_day.search(text):
                return Extracted(value=0, source=sentence.source())
            if not rest.search(text):
                continue
            if discretion.search(text):
                return None
            value = _stated_rest_days(text)
            if value is not None:
                return Extracted(value=value, source=sentence.source())
    return None


def _stated_rest_days(text: str) -> int | None:
    """`one rest day per week`, `rest: 1 day a week`, or the rest days named as days of the
    week (`Saturday and Sunday are rest days`). `6 days a week` in the same sentence is the
    working week, not the rest."""
    patterns = _patterns()
    rest = any_of(load("terms")["rest_words"])
    for pattern in (patterns["rest_days"], patterns["rest_after"]):
        for found in pattern.finditer(text):
            working_week = patterns["days_week"].match(text, found.start())
            if pattern is patterns["rest_days"] and working_week and not rest.search(text, 0, found.start()):
                continue
            if (value := _number(found["n"])) is not None:
                return int(value)
    named = _weekdays_named(text)
    return len(named) or None


@lru_cache(maxsize=1)
def _weekday_patterns() -> tuple[list[re.Pattern[str]], re.Pattern[str]]:
    """Each day's pattern, and one for a range of days (`Monday to Friday`, `ថ្ងៃចន្ទ ដល់ថ្ងៃសុក្រ`)."""
    days = [any_of(names) for names in load("terms")["weekdays"]]

    def named(side: str) -> str:
        return "|".join(f"(?P<d{i}{side}>{day.pattern})" for i, day in enumerate(days))

    joiner = r"\s*(?:to|through|until|till|-|ដល់)\s*"
    return days, compile_guarded(f"(?:{named('a')}){joiner}(?:{named('b')})", re.I)


def _weekday_range(text: str) -> int | None:
    """`Monday to Friday`: the number of days the range covers (5)."""
    _, ranges = _weekday_patterns()
    match = ranges.search(text)
    if not match:
        return None
    first, last = (int(next(k for k, v in match.groupdict().items() if v and k.endswith(side))[1:-1])
                   for side in ("a", "b"))
    return (last - first) % 7 + 1


def _weekdays_named(text: str) -> set[int]:
    """Days of the week named on their own; a range (`Monday to Saturday`) names working days."""
    days, ranges = _weekday_patterns()
    text = ranges.sub(" ", text)
    return {i for i, day in enumerate(days) if day.search(text)}
