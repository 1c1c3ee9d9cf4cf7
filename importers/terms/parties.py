"""The parties section: who is employer, agency, worker and broker, with the details given for
each (name, licence or sub-licence number, passport number, country).

Cues are structural: a line or table row that names a party opens its block (`Employer:`,
a row `Worker`, `និយោជក / Employer`), and `label value` pairs inside it (`Name X; Licence No.
Y`, a row `Name | X`) give the details. Signature blocks (`For the Employer | For the Agency`)
close the block so that signatories are not read as parties.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from compliance_rules.model import Clause, Source

from .patterns import any_of, word_regex
from .values import is_vague, strip_label_punctuation
from .vocab import load

MAX_PARTY_LINE_WORDS = 6


@dataclass(slots=True)
class Detail:
    """One labelled detail of a party; `value` is None when the contract states it vaguely."""

    value: str | None
    source: Source


Parties = dict[str, dict[str, Detail]]


def _party_patterns() -> dict[str, re.Pattern[str]]:
    return {party: any_of(words) for party, words in load("parties")["parties"].items()}


def _label_pattern() -> re.Pattern[str]:
    labels = [(field, word) for field, words in load("parties")["fields"].items() for word in words]
    labels.sort(key=lambda pair: len(pair[1]), reverse=True)
    body = "|".join(f"(?P<f{i}>{word_regex(word)})" for i, (_, word) in enumerate(labels))
    return re.compile(rf"^\s*(?:{body})", re.I), [field for field, _ in labels]


def leading_labels(text: str) -> tuple[list[str], str]:
    """Field labels at the start of `text` (a bilingual `ឈ្មោះ / Name` counts once) and the rest."""
    pattern, fields = _LABELS
    found: list[str] = []
    rest = text
    while True:
        match = pattern.match(rest)
        if not match:
            break
        group = next(name for name, value in match.groupdict().items() if value is not None)
        found.append(fields[int(group[1:])])
        rest = rest[match.end():]
        rest = re.sub(r"^\s*(?:[/:៖]\s*)+", " ", rest) if re.match(r"^\s*[/:៖]", rest) else rest
    return found, rest


_LABELS = _label_pattern()
_PARTIES = _party_patterns()
_SIGNATURE = any_of(load("parties")["signature_cues"])


def _party_in(text: str) -> tuple[str | None, int]:
    """The one party named at the start of `text` (`Employer:`, `និយោជក / Employer`), with the
    offset where the rest begins; (None, 0) when none or several are named."""
    stripped = text.strip()
    if _SIGNATURE.match(stripped):
        return None, -1
    named = {party for party, pattern in _PARTIES.items() if pattern.match(stripped)}
    if len(named) != 1:
        return None, 0
    party = named.pop()
    match = _PARTIES[party].match(stripped)
    rest = stripped[match.end():]
    # A bilingual heading names the party twice: `ភ្នាក់ងារជ្រើសរើស / Recruitment agency`.
    second = re.match(r"\s*/\s*", rest)
    if second:
        again = _PARTIES[party].match(rest[second.end():])
        if again:
            rest = rest[second.end() + again.end():]
    return party, len(stripped) - len(rest)


def parse_parties(clauses: list[Clause]) -> Parties:
    parties: Parties = {}
    current: str | None = None
    opened_under: str | None = None
    for clause in clauses:
        if current is not None and clause.heading != opened_under:
            current = None  # a new numbered section ends the parties section
        cells = clause.text.split(" | ")
        party, offset = _party_in(cells[0])
        first_rest = cells[0].strip()[offset:] if offset > 0 else ""
        if offset < 0 or (party is None and _is_short_caption(cells)):
            current = None
            continue
        if party is not None and (first_rest.strip() == "" or re.match(r"^\s*[:៖]", first_rest)):
            current, opened_under = party, clause.heading
            cells = ([strip_label_punctuation(first_rest)] if first_rest.strip(" :៖") else []) + cells[1:]
        elif party is not None and len(clause.text.split()) <= MAX_PARTY_LINE_WORDS and len(cells) == 1:
            current, opened_under = party, clause.heading
            continue
        if current is None or not cells:
            continue
        _read_details(current, cells, clause, parties)
    return parties


def _is_short_caption(cells: list[str]) -> bool:
    """A short line that is neither a party nor a `label value` pair ends the current block."""
    text = " ".join(cells)
    return len(text.split()) <= MAX_PARTY_LINE_WORDS and not leading_labels(text)[0] and len(cells) == 1


def _read_details(party: str, cells: list[str], clause: Clause, parties: Parties) -> None:
    segments: list[str] = []
    for cell in cells:
        segments.extend(part for part in re.split(r"\s*;\s*", cell) if part.strip())
    i = 0
    while i < len(segments):
        labels, rest = leading_labels(segments[i])
        value = strip_label_punctuation(rest)
        quoted = segments[i]
        if labels and not value and i + 1 < len(segments) and not leading_labels(segments[i + 1])[0]:
            value = segments[i + 1].strip()
            quoted = f"{segments[i]} {segments[i + 1]}"
            i += 1
        i += 1
        if not labels or not value:
            continue
        details = parties.setdefault(party, {})
        field = labels[0]
        if field in details:
            continue
        source = Source(page=clause.page, text=quoted.strip(), bbox=clause.bbox)
        details[field] = Detail(None if is_vague(value) else value, source)
