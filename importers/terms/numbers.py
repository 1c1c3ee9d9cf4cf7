"""Numbers as contracts print them: Khmer digits, thousand separators of either kind
(`1,200`, `1.200.000`, `២០០.០០០`), decimals, and numbers written in English or Khmer words."""
from __future__ import annotations

import re
from decimal import Decimal

from .patterns import normalise
from .vocab import load

NUMBER_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:[,.\s]\d{3})+(?:[.,]\d{1,2})?(?![\d])|(?<![\d.,])\d+(?:[.,]\d+)?(?![\d])")
"""A figure with optional grouping (comma, dot or space) and an optional decimal part."""


def parse_number(text: str) -> Decimal | None:
    """The value of one printed figure; None when `text` is not a figure.

    With both `,` and `.` the later one is the decimal mark. With one kind used several times it
    groups thousands. Used once, it groups thousands when exactly three digits follow it
    (`1,500`, `២០០.០០០`); otherwise it is the decimal mark (`12.5`).
    """
    text = normalise(text).strip()
    text = re.sub(r"(?<=\d)\s(?=\d{3}(?!\d))", "", text)
    if not re.fullmatch(r"\d+(?:[.,]\d+)*", text):
        return None
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        text = text.replace(group_mark, "").replace(decimal_mark, ".")
    elif commas + dots:
        mark = "," if commas else "."
        if commas + dots > 1 or re.search(rf"\{mark}\d{{3}}$", text):
            text = text.replace(mark, "")
        else:
            text = text.replace(mark, ".")
    return Decimal(text)


def _tokens_km(text: str, vocabulary: dict[str, float]) -> list[str] | None:
    """Khmer number words are written together (`បីរយសាមសិបបួន`): longest-match tokenising."""
    words = sorted(vocabulary, key=len, reverse=True)
    text = re.sub(r"[\s\u200b]", "", text)
    tokens: list[str] = []
    i = 0
    while i < len(text):
        for word in words:
            if text.startswith(word, i):
                tokens.append(word)
                i += len(word)
                break
        else:
            return None
    return tokens


def words_to_number(text: str) -> Decimal | None:
    """`three hundred thirty-four` -> 334, `ពីរលានប្រាំរយពាន់` -> 2,500,000; None when the text
    is not entirely number words."""
    text = normalise(text).strip().lower()
    if not text:
        return None
    for lang in ("en", "km"):
        vocab = load("number_words")[lang]
        values = {**vocab["units"], **vocab["multipliers"]}
        if lang == "en":
            tokens = [t for t in re.split(r"[\s\-]+", text) if t and t not in vocab["ignore"]]
            if not tokens or any(t not in values for t in tokens):
                continue
        else:
            ignore = "|".join(map(re.escape, vocab["ignore"]))
            tokens = _tokens_km(re.sub(ignore, "", text), values) if ignore else _tokens_km(text, values)
            if not tokens:
                continue
        return _combine(tokens, vocab["units"], vocab["multipliers"])
    return None


def _combine(tokens: list[str], units: dict[str, float], multipliers: dict[str, float]) -> Decimal:
    total = Decimal(0)
    current = Decimal(0)
    for token in tokens:
        if token in units:
            current += Decimal(str(units[token]))
            continue
        factor = Decimal(str(multipliers[token]))
        current = (current or Decimal(1)) * factor
        if factor >= 1000:
            total += current
            current = Decimal(0)
    return total + current


def number_words_regex() -> str:
    """A regex for a run of number words in either language (used to find amounts in words)."""
    words: list[str] = []
    for lang in ("en", "km"):
        vocab = load("number_words")[lang]
        words += [*vocab["units"], *vocab["multipliers"]]
    en_words = sorted((w for w in words if w.isascii()), key=len, reverse=True)
    km_words = sorted((w for w in words if not w.isascii()), key=len, reverse=True)
    en = "|".join(re.escape(w) for w in en_words if len(w) > 2 or w in ("one", "two", "six", "ten"))
    km = "|".join(re.escape(w) for w in km_words)
    return (
        rf"(?:\b(?:{en})\b(?:(?:\s+and\s+|[\s\-]+)\b(?:{en})\b)*)"
        rf"|(?:(?:{km})(?:[\s\u200b]?(?:{km}|និង))*)"
    )
