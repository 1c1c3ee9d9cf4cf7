"""Concept vocabularies (data/concepts.json) compiled for matching normalised sentences.

English patterns are bounded by non-letters so "fee" does not match "coffee"; Khmer patterns
match anywhere because Khmer writes words without spaces. Both are matched against the output
of `compliance_rules.text.normalise`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from compliance_rules.text import KHMER, normalise

NEGATION_REACH = 60
"""Characters before a concept in which a negation cue still negates it (about seven English
words or four to six Khmer words)."""


@dataclass(frozen=True, eq=False)
class Concept:
    """A concept's pattern; searches are remembered, because the rules ask about the same
    concepts in the same sentences of a contract many times (several rules share concepts such
    as `worker_pays` or `negation`). Compared by identity (`eq=False`): hashing a compiled
    pattern hashes its whole code, which for a vocabulary costs more than the search."""

    name: str
    doc: str
    pattern: re.Pattern[str]

    def search(self, text: str) -> re.Match[str] | None:
        return _search(self, text)

    def finditer(self, text: str) -> tuple[re.Match[str], ...]:
        return _finditer(self, text)

    def __contains__(self, text: str) -> bool:
        return _search(self, text) is not None


@lru_cache(maxsize=1 << 14)
def _search(concept: Concept, text: str) -> re.Match[str] | None:
    return concept.pattern.search(text)


@lru_cache(maxsize=1 << 14)
def _finditer(concept: Concept, text: str) -> tuple[re.Match[str], ...]:
    return tuple(concept.pattern.finditer(text))


_DROPPABLE_BELOW = "\u17bb\u17bc\u17bd"
"""Vowel signs written below the consonant (u, uu, ua): OCR and some text layers drop them."""
_BANTOC = "\u17cb"


def _ocr_tolerant(pattern: str) -> str:
    """Let a Khmer pattern match text whose below-vowels were dropped or whose bantoc came out
    as a look-alike mark, the commonest OCR faults in Khmer."""
    for mark in _DROPPABLE_BELOW:
        pattern = pattern.replace(mark, mark + "?")
    return pattern.replace(_BANTOC, "[\u17cb\u17d0']?")


def _compile(name: str, entry: dict[str, object]) -> Concept:
    english = [normalise(p) if not any(ch in p for ch in "\\[(") else p for p in entry.get("en", [])]
    khmer = [_ocr_tolerant(p) for p in entry.get("km", [])]
    parts = []
    if english:
        parts.append(rf"(?<![a-z{KHMER}])(?:{'|'.join(english)})(?![a-z])")
    if khmer:
        parts.append(f"(?:{'|'.join(khmer)})")
    return Concept(name, str(entry.get("doc", "")), re.compile("|".join(parts)))


@cache
def concepts() -> dict[str, Concept]:
    raw = json.loads(resources.files("compliance_rules.data").joinpath("concepts.json").read_text("utf-8"))
    return {name: _compile(name, entry) for name, entry in raw.items() if not name.startswith("_")}


def concept(name: str) -> Concept:
    return concepts()[name]


@lru_cache(maxsize=1 << 14)
def occurs(name: str, text: str) -> bool:
    """The named concept occurs in `text` (negated or not). The rules ask this of every sentence
    for several concepts each, tens of thousands of times per contract batch: one cached call
    by name costs a fraction of going through `concept(name).search`."""
    return concepts()[name].pattern.search(text) is not None


def negated_at(text: str, start: int, end: int | None = None) -> bool:
    """A negation cue shortly before `start` (or inside the match up to `end`: "the worker
    shall not be charged"), with no contrast word ("but", "except") after it."""
    window = text[max(0, start - NEGATION_REACH):start if end is None else end]
    cues = concept("negation").finditer(window)
    if not cues:
        return False
    after_cue = window[cues[-1].end():]
    return concept("contrast").search(after_cue) is None


_LIST_JOINER = re.compile(r"^(?:\s*(?:,|/|;|\bor\b|\band\b|\bnor\b|\bany\b|ឬ|និង|ក៏ដូចជា)\s*)+$")


def affirmed(name: str, text: str) -> list[re.Match[str]]:
    """Matches of a concept in `text` that are not negated. An item listed right after a negated
    one shares its negation ("no deposit, bond or collateral")."""
    out: list[re.Match[str]] = []
    previous: tuple[int, bool] | None = None
    for match in concept(name).finditer(text):
        negated = negated_at(text, match.start(), match.end())
        if previous is not None and previous[1] and _LIST_JOINER.match(text[previous[0]:match.start()] or ","):
            negated = True
        if not negated:
            out.append(match)
        previous = (match.end(), negated)
    return out
