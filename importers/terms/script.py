"""Which script a piece of text is written in.

WRK010 asks for Khmer *script*, not a claim of a Khmer version, and clause splitting keeps a
Khmer paragraph apart from its English translation; both need the same measure.
"""
from __future__ import annotations

from typing import Literal

Language = Literal["en", "km", "mixed"]


def is_khmer_char(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"


def is_khmer_letter(ch: str) -> bool:
    """Khmer consonants, vowels and signs, not Khmer digits or punctuation (digits also occur
    in English clauses of Khmer-made documents)."""
    return ("\u1780" <= ch <= "\u17d3") or ch == "\u17dd"


def has_khmer(text: str) -> bool:
    return any(is_khmer_letter(ch) for ch in text)


def khmer_share(text: str) -> float | None:
    """Share of Khmer among the letters of `text`; None when it has no letters at all."""
    khmer = sum(1 for ch in text if is_khmer_letter(ch))
    latin = sum(1 for ch in text if ch.isalpha() and ch.isascii())
    if khmer + latin == 0:
        return None
    return khmer / (khmer + latin)


def language_of(text: str) -> Language:
    share = khmer_share(text)
    if share is None or share <= 0.25:
        return "en"
    if share >= 0.75:
        return "km"
    return "mixed"
