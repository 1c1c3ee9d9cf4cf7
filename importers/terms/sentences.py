"""Sentences of a clause, each kept with the clause it came from (for its Source)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from compliance_rules.model import Clause, Source

_BOUNDARY = re.compile(r"(?<=[.!?។៕;])\s+(?=[^\sa-z0-9(])|(?<=។)(?=\S)")
"""After `.`/`។`/`;` and before something that does not continue the sentence (not a lower-case
word or a digit: `Co., Ltd. of`, `Art. 3`)."""


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    clause: Clause

    def source(self) -> Source:
        return Source(page=self.clause.page, text=self.text.strip(), bbox=self.clause.bbox)


def sentences(clause: Clause) -> list[Sentence]:
    return [Sentence(part, clause) for part in _parts(clause.text)]


@lru_cache(maxsize=1 << 12)
def _parts(text: str) -> tuple[str, ...]:
    """The sentence texts of a clause text. Cached: every extractor walks the same clauses
    sentence by sentence."""
    return tuple(part for part in _BOUNDARY.split(text) if part.strip())


def english_first(clauses: list[Clause]) -> list[Clause]:
    """English clauses before Khmer ones: where a contract gives both, the English text layer is
    the more reliable one (Khmer layers lose and reorder characters)."""
    return sorted(clauses, key=lambda c: {"en": 0, "mixed": 1, "km": 2}[c.language])
