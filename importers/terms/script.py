"""Which script a piece of text is written in.

WRK010 asks for Khmer *script*, not a claim of a Khmer version, and clause splitting keeps a
Khmer paragraph apart from its English translation; both need the same measure.
"""
from __future__ import annotations

import re
import string
from typing import Literal

Language = Literal["en", "km", "mixed"]

_KHMER_LETTER = re.compile("[\u1780-\u17d3\u17dd]")
"""The characters `is_khmer_letter` accepts, for counting a whole text at C speed."""
_NOT_ASCII_LETTER = bytes(b for b in range(256) if chr(b) not in string.ascii_letters)
"""Bytes to delete from UTF-8 text to leave its ASCII letters (every byte of a multi-byte
character is >= 0x80): counting them this way is several times faster than a regex."""


def is_khmer_char(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"


def is_khmer_letter(ch: str) -> bool:
    """Khmer consonants, vowels and signs, not Khmer digits or punctuation (digits also occur
    in English clauses of Khmer-made documents)."""
    return ("\u1780" <= ch <= "\u17d3") or ch == "\u17dd"


def has_khmer(text: str) -> bool:
    return _KHMER_LETTER.search(text) is not None


def khmer_share(text: str) -> float | None:
    """Share of Khmer among the letters of `text`; None when it has no letters at all."""
    khmer = 0 if text.isascii() else len(_KHMER_LETTER.findall(text))
    latin = len(text.encode("utf-8", "surrogatepass").translate(None, _NOT_ASCII_LETTER))
    if khmer + latin == 0:
        return None
    return khmer / (khmer + latin)


def language_of(text: str) -> Language:
    return language_of_share(khmer_share(text))


def language_of_share(share: float | None) -> Language:
    """The language a Khmer share (see `khmer_share`) means."""
    if share is None or share <= 0.25:
        return "en"
    if share >= 0.75:
        return "km"
    return "mixed"
