"""Country names (English or Khmer, as printed or damaged by a text layer) -> ISO alpha-2."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .patterns import any_of
from .vocab import load

ORIGIN = "KH"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    return {code: any_of(names) for code, names in load("countries").items()}


def countries_in(text: str) -> list[tuple[str, int, int]]:
    """(ISO code, start, end) of every country named in `text`, longest names first, left to right."""
    found: list[tuple[str, int, int]] = []
    for code, pattern in _patterns().items():
        for match in pattern.finditer(text):
            if not any(match.start() < e and s < match.end() for _, s, e in found):
                found.append((code, match.start(), match.end()))
    return sorted(found, key=lambda item: item[1])


def country_code(text: str) -> str | None:
    """The country a short value names (`Japan`, `ប្រទេសម៉ាឡេស៊ី`, `Republic of Korea`)."""
    found = countries_in(text)
    return found[0][0] if found else None


def most_named_destination(texts: list[str]) -> str | None:
    """The foreign country named most often (a fallback when no party gives a country)."""
    counts = Counter(code for text in texts for code, _, _ in countries_in(text) if code != ORIGIN)
    return counts.most_common(1)[0][0] if counts else None


def strip_trailing_country(value: str) -> str:
    """`Kluang, Johor, Malaysia` -> `Kluang, Johor`; a value that is only a country -> ``."""
    value = value.strip()
    while True:
        found = [item for item in countries_in(value) if value[item[2]:].strip(" .,។") == ""]
        if not found:
            return value
        _, start, _ = found[-1]
        head = value[:start]
        head = re.sub(r"(?:,|\s)*(?:the|ប្រទេស|ព្រះរាជាណាចក្រ)?\s*$", "", head, flags=re.I)
        value = head.strip(" ,")
