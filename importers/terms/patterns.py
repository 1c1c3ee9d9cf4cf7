"""Regexes built from vocabulary words, tolerant of how PDF text layers damage them.

Text layers of Khmer PDFs insert stray spaces inside words (`ដុល្លា រ` for `ដុល្លារ`); Latin
words vary in case, spacing and hyphenation. A vocabulary word therefore matches with an
optional space between Khmer characters (and without the Khmer vowel signs OCR tends to drop),
and with any run of spaces or hyphens between Latin words.
(Zero-width separators are removed from clause text before any matching: see `clean_text`.)
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

from registry.numbers import ascii_digits

from .prefilter import guarded
from .script import is_khmer_char

_KHMER_BREAK = r"\s?"
_LATIN_BREAK = r"(?:\s|-)*"
# Lookarounds and breaks use categories, not character ranges: case-insensitive character
# ranges are slow to compile, and there are thousands of vocabulary words.


@lru_cache(maxsize=1 << 14)
def normalise(text: str) -> str:
    """One form for matching: NFC, ASCII digits, plain spaces, straight quotes. Cached: every
    extractor normalises the same clause texts again."""
    text = unicodedata.normalize("NFC", text)
    text = ascii_digits(text)
    return (
        text.replace("\u00a0", " ").replace("\u2019", "'").replace("\u2018", "'")
        .replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    )


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"))


def clean_text(text: str) -> str:
    """Text without zero-width spaces, joiners and soft hyphens (invisible on the page)."""
    return text.translate(_INVISIBLE)


def _is_khmer_mark(ch: str) -> bool:
    """Dependent vowels and signs: OCR and broken text layers drop them (`ក្នង` for `ក្នុង`),
    so a vocabulary word still matches without them."""
    return "\u17b6" <= ch <= "\u17d1" or ch == "\u17d3" or ch == "\u17dd"


MIN_BASE_FOR_OPTIONAL_MARKS = 4
"""Only words of four or more base characters lose their vowel signs: `កាត់` without them is
`កត`, which occurs inside unrelated words."""


def word_regex(word: str) -> str:
    word = normalise(word)
    base = sum(1 for ch in word if is_khmer_char(ch) and not _is_khmer_mark(ch))
    marks_optional = base >= MIN_BASE_FOR_OPTIONAL_MARKS
    out: list[str] = []
    for i, ch in enumerate(word):
        if ch.isspace() or ch == "-":
            if not out or out[-1] == _LATIN_BREAK:
                continue
            out.append(_LATIN_BREAK)
            continue
        out.append(re.escape(ch) + ("?" if marks_optional and _is_khmer_mark(ch) else ""))
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if is_khmer_char(ch) and nxt and is_khmer_char(nxt):
            out.append(_KHMER_BREAK)
    body = "".join(out)
    if word[:1].isascii() and word[:1].isalnum():
        body = r"(?<![^\W_])" + body
    if word[-1:].isascii() and word[-1:].isalnum():
        body += r"(?![^\W\d_])"
    return body


@lru_cache(maxsize=None)
def _compiled(words: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(set(words), key=lambda w: len(w), reverse=True)
    body = "|".join(f"(?:{word_regex(w)})" for w in ordered)
    return re.compile(guarded(body, re.I), re.I)


def any_of(words: Iterable[str]) -> re.Pattern[str]:
    """One pattern matching any of `words`, longest first."""
    return _compiled(tuple(words))
