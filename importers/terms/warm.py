"""Warming the term extractor before its first real document.

Extraction compiles its vocabulary patterns and fills its caches on first use: about 0.1 s of
CPU that every new reader worker would otherwise pay on its first contract. The zygote that
forks the workers (`importers.pdf.zygote`) calls `warm_up` once, so the workers start warm.
The text is the fictitious example contract and every rule's example clauses, English and
Khmer: it reaches the extractors real contracts reach, and is no one's data.
"""
from __future__ import annotations

from compliance_rules.examples import clause_texts
from compliance_rules.rule import all_rules
from importers.document import Document, Line, Page, Word

from . import extract

_LINE_HEIGHT = 12.0
_WORD_WIDTH = 40.0


def warm_up() -> None:
    texts = clause_texts() + [example.text for rule in all_rules() for example in (*rule.good, *rule.bad)]
    rows = [row.split() for text in texts for row in text.splitlines() if row.strip()]
    lines = [
        Line([Word(word, (i * _WORD_WIDTH, y * _LINE_HEIGHT, (i + 1) * _WORD_WIDTH, (y + 1) * _LINE_HEIGHT))
              for i, word in enumerate(row)])
        for y, row in enumerate(rows)
    ]
    page = Page(1, len(max(rows, key=len)) * _WORD_WIDTH, len(rows) * _LINE_HEIGHT, lines=lines,
                source="pypdfium2", quality=1.0)
    extract(Document("warm-up", [page]), passport_key=bytes(32))
