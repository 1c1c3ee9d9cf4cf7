"""Sentences of a contract with their clause, for rules that judge wording.

A rule looks at one sentence at a time (a table row counts as one sentence), because who pays,
and whether it is negated, is decided within a sentence; the clause gives the page and box an
inspector needs.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from compliance_rules.model import Clause, ContractForCheck, Evidence, Extracted
from compliance_rules.text import normalise, sentences
from compliance_rules.vocabulary import affirmed, occurs

MAX_EVIDENCE = 6
_PART_BREAK = re.compile(r"\s*;\s*|,\s+and\s+|,\s+(?=(?:is|are|will|shall)\s)", re.I)


@dataclass(frozen=True)
class Passage:
    clause: Clause
    text: str
    norm: str
    heading: str

    def has(self, *names: str) -> bool:
        """Every named concept occurs (negated or not)."""
        norm = self.norm
        for name in names:
            if not occurs(name, norm):
                return False
        return True

    def has_any(self, *names: str) -> bool:
        norm = self.norm
        for name in names:
            if occurs(name, norm):
                return True
        return False

    def affirms(self, name: str) -> bool:
        """The concept occurs at least once without a negation just before it."""
        return bool(affirmed(name, self.norm))

    def parts(self) -> list["Passage"]:
        """The sentence cut at `;` and at `, and`: `paid sick leave of 30 days, and is
        registered with social security` makes two statements, and a rule that sets leave
        sentences aside must not lose the second one."""
        pieces = [piece for piece in _PART_BREAK.split(self.text) if piece and piece.strip()]
        if len(pieces) < 2:
            return [self]
        return [Passage(self.clause, piece, normalise(piece), self.heading) for piece in pieces]

    def evidence(self) -> Evidence:
        return Evidence(page=self.clause.page, text=self.text, bbox=self.clause.bbox)


def passages(contract: ContractForCheck) -> tuple[Passage, ...]:
    held = _HELD.get()
    if held is not None and held[0] is contract:
        return held[1]
    return _split(contract)


def _split(contract: ContractForCheck) -> tuple[Passage, ...]:
    out: list[Passage] = []
    for clause in contract.clauses:
        heading = normalise(clause.heading or "")
        for sentence in _sentences(clause.text):
            out.append(Passage(clause, sentence, normalise(sentence), heading))
    return tuple(out)


_HELD: ContextVar[tuple[ContractForCheck, tuple[Passage, ...]] | None] = ContextVar("passages", default=None)


@contextmanager
def held_for(contract: ContractForCheck) -> Iterator[None]:
    """Inside, `passages(contract)` is split once: a dozen rules ask for the same contract's
    sentences one after the other, and none changes the contract meanwhile."""
    token = _HELD.set((contract, _split(contract)))
    try:
        yield
    finally:
        _HELD.reset(token)


@lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(sentences(text))


def evidence_of(found: Iterable[Passage]) -> list[Evidence]:
    seen: set[tuple[int, str]] = set()
    out: list[Evidence] = []
    for passage in found:
        key = (passage.clause.page, passage.text)
        if key not in seen:
            seen.add(key)
            out.append(passage.evidence())
    return out[:MAX_EVIDENCE]


def term_evidence(*values: Extracted | None) -> list[Evidence]:
    return [
        Evidence(page=value.source.page, text=value.source.text, bbox=value.source.bbox)
        for value in values if value is not None and value.source is not None
    ]


def absence_evidence(contract: ContractForCheck, what: str) -> list[Evidence]:
    """Evidence for a missing protection: what was searched and found wanting."""
    pages = sorted({clause.page for clause in contract.clauses})
    span = f"pages {pages[0]}-{pages[-1]}" if len(pages) > 1 else f"page {pages[0]}" if pages else "no pages"
    return [Evidence(page=None, text=f"No clause {what} in {len(contract.clauses)} clauses ({span}).")]
