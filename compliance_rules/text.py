"""One matching form for contract text, so a vocabulary written once matches every reader's output.

Khmer has no spaces between words, yet PDF text layers and OCR scatter spaces inside Khmer
words ("ម៉ោ ង"); removing every space between two Khmer characters makes both forms equal.
Everything is lower-cased, digits become ASCII, and typographic quotes plain.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from registry.numbers import ascii_digits

KHMER = "\u1780-\u17ff\u19e0-\u19ff"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


class _PlainCharacters(dict[int, str]):
    """One `str.translate` table for the per-character steps of `normalise` (invisible marks
    dropped, typographic quotes plain, digits ASCII as `ascii_digits` makes them), each
    character worked out the first time it is seen: `ascii_digits` looks at every character
    in Python, which was most of the time spent normalising a contract."""

    def __missing__(self, code: int) -> str:
        plain = self[code] = "" if code in _INVISIBLE else ascii_digits(chr(code).translate(_QUOTES))
        return plain


_PLAIN = _PlainCharacters()
_SPACE_IN_KHMER = re.compile(rf"(?<=[{KHMER}])\s+(?=[{KHMER}])")
_SPACES = re.compile(r"\s+")
_KHMER_LETTER = re.compile(r"[\u1780-\u17b3]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
KHMER_TEXT_SHARE = 0.05
"""Share of letters that must be Khmer for a text to count as (partly) Khmer: a riel sign, Khmer
digits or a Khmer company name in a letterhead do not make an English contract Khmer."""
_SENTENCE_END = re.compile(r"(?<=[។៕!?])\s*|(?<=[a-z0-9)\"'%])\.\s+(?=[A-Z\u1780-\u17ff(\"'])")
_ABBREVIATION = re.compile(r"(?:\b(?:no|nos|mr|mrs|ms|dr|st|co|ltd|pte|bhd|sdn|inc|corp|art|sec|vs|etc|approx))$", re.I)


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Cached: every rule normalises the same sentences of a contract."""
    text = unicodedata.normalize("NFC", text).translate(_PLAIN).casefold()
    text = _SPACE_IN_KHMER.sub("", text)
    return _SPACES.sub(" ", text).strip()


def has_khmer(text: str) -> bool:
    """Any Khmer letter (U+1780-U+17B3; not the riel sign or digits)."""
    return bool(_KHMER_LETTER.search(text))


def khmer_share(text: str) -> float:
    khmer = len(_KHMER_LETTER.findall(text))
    total = khmer + len(_LATIN_LETTER.findall(text))
    return khmer / total if total else 0.0


def sentences(text: str) -> list[str]:
    """Sentences of a clause. A full stop after a common abbreviation ("No.", "Co., Ltd.")
    does not end a sentence; Khmer sentences end with ។ or ៕."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start()
        if end <= start:
            continue
        if text[end - 1] not in "។៕!?" and _ABBREVIATION.search(text[start:end]):
            continue
        piece = text[start:match.end()].strip()
        if piece:
            out.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
