"""Khmer script at the character level: classes, well-formed clusters, and repair of the
damage text layers typically do (marks split from their base, marks out of logical order).

The cluster grammar follows the Unicode Khmer shaping model (base, coeng+consonant
subscripts, register shifter, dependent vowel, signs); it is deliberately lenient about the
order of marks after the base because fonts and producers differ, and strict about the one
thing a correct layer never produces: a mark with no base.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

CONSONANT = "\u1780-\u17a2"
INDEPENDENT_VOWEL = "\u17a3-\u17b3"
BASE = f"{CONSONANT}{INDEPENDENT_VOWEL}"
COENG = "\u17d2"
REGISTER = "\u17c9\u17ca"
DEPENDENT_VOWEL = "\u17b6-\u17c5"
SIGN = "\u17c6-\u17c8\u17cb-\u17d1\u17d3\u17dd"
MARK = f"{REGISTER}{DEPENDENT_VOWEL}{SIGN}{COENG}"
PRE_BASE_VOWEL = "\u17c1\u17c2\u17c3"
INHERENT = "\u17b4\u17b5"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff" + INHERENT

_CLUSTER = re.compile(
    rf"[{BASE}]\u17cc?(?:{COENG}[{CONSONANT}]){{0,2}}[{REGISTER}]?"
    rf"(?:[{DEPENDENT_VOWEL}]{{0,2}})[{SIGN}{REGISTER}]{{0,3}}"
)
KHMER_CHAR = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]")
_KHMER_RUN = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]+")
_MARK_CHAR = re.compile(f"[{MARK}]")
_BASE_CHAR = re.compile(f"[{BASE}]")
_CONSONANT_CHAR = re.compile(f"[{CONSONANT}]")
_LEADING_PRE_BASE = re.compile(
    rf"(?<![\u1780-\u17ff])([{PRE_BASE_VOWEL}])([{BASE}](?:{COENG}[{CONSONANT}]){{0,2}}[{REGISTER}]?)"
    r"([\u17b6\u17b8]?)"
)
# A pre-base vowel drawn left of the base plus a following part drawn right of it are one
# two-part vowel in logical order (e + aa = oo, e + ii = oe).
_SPLIT_VOWELS = {("\u17c1", "\u17b6"): "\u17c4", ("\u17c1", "\u17b8"): "\u17be"}

# Canonical order of marks after a base: subscripts, register shifter, vowel, signs.
_MARK_RANK = {COENG: 0, "\u17c9": 1, "\u17ca": 1}


def is_khmer(ch: str) -> bool:
    """Whether the first character of `ch` is Khmer (a range test: called per character of
    every page, where a regex match costs several times more)."""
    return bool(ch) and ("\u1780" <= ch[0] <= "\u17ff" or "\u19e0" <= ch[0] <= "\u19ff")


def has_khmer(text: str) -> bool:
    return bool(KHMER_CHAR.search(text))


def count_khmer(text: str) -> int:
    """Khmer characters in `text`, counted by runs: a list of every character cost several
    times more on a Khmer page."""
    return sum(map(len, _KHMER_RUN.findall(text)))


_MARKS = frozenset(ch for ch in map(chr, range(0x1780, 0x1800)) if _MARK_CHAR.match(ch))
"""Every character `_MARK_CHAR` matches (all in the Khmer block): a set lookup costs a
fraction of a regex match, and `is_mark` runs for every character of every Khmer run."""


def is_mark(ch: str) -> bool:
    """Whether the first character of `ch` is a combining Khmer character, which cannot
    begin a cluster."""
    return ch[:1] in _MARKS


def clusters(text: str) -> Counter[str]:
    """Well-formed clusters of a text, counted (`findall` gives whole matches: the
    pattern has no capturing group)."""
    return Counter(_CLUSTER.findall(text))


_DAMAGED = re.compile(rf"((?>{_CLUSTER.pattern})[{MARK}]+|[{MARK}]+)|(?>{_CLUSTER.pattern})")
"""A damaged piece (in the group: a cluster directly followed by stray marks is damaged as a
whole, as is a mark with no base) or a well-formed cluster (matched, to be stepped over, with
an empty group). The cluster is atomic: it is the one `_CLUSTER` matches, never a shorter one
that a mark happens to follow."""
_KHMER_SYMBOL = re.compile(r"[\u19e0-\u19ff]")


def cluster_stats(text: str) -> tuple[int, int]:
    """(Khmer characters inside well-formed clusters, all Khmer characters).

    Every character of the main Khmer block is in a well-formed cluster, in a damaged
    piece, or stands alone by nature (digits, punctuation, currency sign) and counts as
    good; the symbols block never does. Counted with whole-text regex passes: stepping
    through the clusters in Python cost more than the rest of the quality score."""
    total = count_khmer(text)
    if not total:
        return 0, 0
    damaged = len("".join(_DAMAGED.findall(text)))
    return total - len(_KHMER_SYMBOL.findall(text)) - damaged, total


@lru_cache(maxsize=1 << 16)
def normalise(text: str) -> str:
    """NFC, invisible joiners and inherent vowels removed, marks in logical order.

    Zero-width spaces are how Khmer marks word breaks for line wrapping; they carry no
    meaning for reading and break verbatim matching, so they go. Cached: layout normalises
    every word of every layer, and the words of contracts repeat from page to page.
    """
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch not in INVISIBLE)
    if not has_khmer(text):
        return text
    text = _LEADING_PRE_BASE.sub(_logical_pre_base, text)
    return _reorder_marks(text)


def _logical_pre_base(match: re.Match[str]) -> str:
    vowel, base, second = match.group(1), match.group(2), match.group(3)
    if second:
        joined = _SPLIT_VOWELS.get((vowel, second))
        return base + joined if joined else base + vowel + second
    return base + vowel


def _reorder_marks(text: str) -> str:
    """Subscripts (coeng + consonant) and register shifters before vowels and signs.

    Visual-order layers emit a subscript after the vowel drawn above it; the logical order
    puts the subscript first. A stable sort keeps the relative order within each class.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        out.append(ch)
        i += 1
        if not _BASE_CHAR.match(ch):
            continue
        units: list[tuple[int, str]] = []
        while i < len(text) and is_mark(text[i]):
            if text[i] == COENG and i + 1 < len(text) and _CONSONANT_CHAR.match(text[i + 1]):
                units.append((0, text[i : i + 2]))
                i += 2
            elif text[i] == COENG:
                break
            else:
                units.append((_MARK_RANK.get(text[i], 2), text[i]))
                i += 1
        out.extend(unit for _, unit in sorted(units, key=lambda u: u[0]))
    return "".join(out)
