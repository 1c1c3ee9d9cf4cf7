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
from .script import has_khmer
from .values import is_vague, strip_label_punctuation
from .vocab import load

MAX_PARTY_LINE_WORDS = 6


@dataclass(slots=True)
class Detail:
    """One labelled detail of a party; `value` is None when the contract states it vaguely."""

    value: str | None
    source: Source


Parties = dict[str, dict[str, list[Detail]]]
"""party -> field -> every value given for it, in document order (a bilingual contract gives
its parties twice)."""


def best(parties: Parties, party: str, field: str) -> Detail | None:
    """The value to report when a bilingual contract gives several: the first written without
    Khmer script, else the first with Latin letters in it (labels want the English name and
    the number as printed in the English text where there is one), else the first."""
    details = [d for d in parties.get(party, {}).get(field, [])]
    if not details:
        return None

    def rank(detail: Detail) -> int:
        value = detail.value or ""
        if not has_khmer(value):
            return 0
        return 1 if any(ch.isascii() and ch.isalpha() for ch in value) else 2

    return min(details, key=rank)


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
_SEGMENT_BREAK = re.compile(
    r"\s*;\s*|,\s+(?=(?:" + "|".join(
        word_regex(w) for field, words in load("parties")["fields"].items() if field != "name"
        for w in sorted(words, key=len, reverse=True)
    ) + r")\s*[:៖]?\s)|\s+(?=(?:" + "|".join(
        word_regex(w) for field in ("licence_no", "sub_licence_no", "passport_no")
        for w in sorted(load("parties")["fields"][field], key=len, reverse=True)
    ) + r")\s*[:៖]?\s*[^\s\d០-៩]*[0-9០-៩])",
    re.I,
)
"""Details are separated by `;`, by a comma before the next label (`..., Licence No. X`), or by
a plain space before a numbered label and its number (`ក្រុមហ៊ុន ... ឯ.ក អាជ្ញាប័ណ្ណលេខ ១០៦`)."""


def first_detail(text: str) -> str:
    """The text up to the next labelled detail (`Lotus Co., Ltd. Licence No. 12`: the name)."""
    return _SEGMENT_BREAK.split(text, maxsplit=1)[0].strip()


_LABELLED_PARENS = re.compile(
    r"\s*\(\s*((?:" + "|".join(
        word_regex(w) for field, words in load("parties")["fields"].items() if field != "name"
        for w in sorted(words, key=len, reverse=True)
    ) + r")[^()]*)\)",
    re.I,
)
"""`NAME (licence NUM), place`: a parenthesis that opens with a label is a detail of its own,
and what follows it is no longer part of the name."""
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
    for clause, text in ((c, piece) for c in clauses for piece in _pieces(c.text)):
        if current is not None and clause.heading != opened_under:
            current = None  # a new numbered section ends the parties section
        cells = text.split(" | ")
        party, offset = _party_in(cells[0])
        first_rest = cells[0].strip()[offset:] if offset > 0 else ""
        if offset < 0 or (party is None and _is_short_caption(cells)):
            current = None
            continue
        unlabelled_is_name = False
        if party is not None and (first_rest.strip() == "" or re.match(r"^\s*[:៖]", first_rest)):
            current, opened_under = party, clause.heading
            inline = bool(first_rest.strip(" :៖"))
            cells = ([strip_label_punctuation(first_rest)] if inline else []) + cells[1:]
            unlabelled_is_name = bool(cells)  # `Employer: X` or a row `Employer | X`
        elif party is not None and len(text.split()) <= MAX_PARTY_LINE_WORDS and len(cells) == 1:
            current, opened_under = party, clause.heading
            continue
        if current is None or not cells:
            continue
        _read_details(current, cells, clause, parties, unlabelled_is_name)
    _named_in_preamble(clauses, parties)
    _broker_in_prose(clauses, parties)
    return parties


def _pieces(text: str) -> list[str]:
    """A paragraph that lists the parties one after another (`Agency: X (licence N). Employer:
    Y. Worker: Z`) is read as if each party had its own line."""
    if " | " in text:
        return [text]
    starts = [m.end() for m in _SENTENCE_GAP.finditer(text) if _opens_party(text[m.end():])]
    if not starts:
        return [text]
    bounds = [0, *starts, len(text)]
    return [text[a:b].strip() for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


_SENTENCE_GAP = re.compile(r"(?<=[.;។])\s+")


def _opens_party(text: str) -> bool:
    """`Employer: ...`: a party label and a colon."""
    _, offset = _party_in(text)
    return offset > 0 and bool(re.match(r"\s*[:៖]", text[offset:]))


_ROLE_IN_PARENTHESES = re.compile(r"(?P<name>[^\s(),;:][^();:]{2,90}?)\s*\((?P<role>[^()]{1,60})\)")
_ROLE_INTRO = re.compile(
    r"^\s*(?:hereinafter\s+)?(?:(?:referred\s+to|called|known)\s+as\s+)?[\"'“‘]?(?:the\s+)?", re.I
)
"""A defining parenthesis is only the role (`the "Agency"`, `hereinafter called the Employer`);
`Service fee (Agency)` or `(household employer)` do not name a party."""
_LEADING_LINK = re.compile(r"^(?:.*\b(?:between|and|with|by)\s+|.*(?:រវាង|និង)\s*)", re.I)


def _named_in_preamble(clauses: list[Clause], parties: Parties) -> None:
    """`between Lotus Co., Ltd. (the "Agency") and Orchid Sdn. Bhd. (the "Employer")`: a name
    followed by its role in parentheses, for parties the parties section did not name."""
    for clause in clauses:
        if "(" not in clause.text:  # the pattern is slow to fail; most clauses have no role
            continue
        for match in _ROLE_IN_PARENTHESES.finditer(clause.text):
            role = _ROLE_INTRO.sub("", match["role"]).strip(" \"'“”‘’")
            named = [p for p, pattern in _PARTIES.items() if pattern.fullmatch(role)]
            if len(named) != 1 or parties.get(named[0], {}).get("name"):
                continue
            name = _LEADING_LINK.sub("", match["name"]).strip(" ,\"'“”")
            if name and any(ch.isupper() or not ch.isascii() for ch in name[:1]):
                source = Source(page=clause.page, text=match.group(0), bbox=clause.bbox)
                parties.setdefault(named[0], {})["name"] = [Detail(name, source)]


def _is_short_caption(cells: list[str]) -> bool:
    """A short line that is neither a party nor a `label value` pair ends the current block."""
    text = " ".join(cells)
    return len(text.split()) <= MAX_PARTY_LINE_WORDS and not leading_labels(text)[0] and len(cells) == 1


def _read_details(party: str, cells: list[str], clause: Clause, parties: Parties,
                  unlabelled_is_name: bool = False) -> None:
    """`label value` pairs of one party. Right after `Employer:` an unlabelled value is the
    party's name (`Employer: Siam Foods Co., Ltd.; Address ...`)."""
    segments: list[str] = []
    for cell in cells:
        cell = _LABELLED_PARENS.sub(lambda m: f"; {m[1]};", cell)
        segments.extend(part for part in _SEGMENT_BREAK.split(cell) if part and part.strip())
    if unlabelled_is_name and segments and not leading_labels(segments[0])[0]:
        segments[0] = f"{load('parties')['fields']['name'][0]} {segments[0]}"
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
        source = Source(page=clause.page, text=quoted.strip(), bbox=clause.bbox)
        details = parties.setdefault(party, {}).setdefault(labels[0], [])
        details.append(Detail(None if is_vague(value) else value, source))


_TITLES = any_of(load("parties")["titles"])
_NAME_WORDS = r"(?:[A-Z][A-Za-z'\-]+\s){0,3}[A-Z][A-Za-z'\-]+"


def _broker_in_prose(clauses: list[Clause], parties: Parties) -> None:
    """A broker named in a sentence (`introduced by Ms. Sok Dara, a broker sub-licensed by the
    Agency (sub-licence No. ...)`), when the parties section names none: the name right before
    the broker word, without its title, and the sub-licence number labelled in that sentence."""
    broker = _PARTIES["broker"]
    found: dict[str, list[Detail]] = {}
    for clause in clauses:
        for match in broker.finditer(clause.text):
            before = clause.text[: match.start()]
            name = re.search(rf"({_NAME_WORDS}),?\s+(?:(?:a|an|the|our)\s+)?$", before)
            if name is None:
                continue
            value = _TITLES.sub("", name.group(1)).strip()
            source = Source(page=clause.page, text=clause.text, bbox=clause.bbox)
            found.setdefault("name", []).append(Detail(value, source))
            for number in _sub_licences(clause.text[match.end():]):
                found.setdefault("sub_licence_no", []).append(Detail(number, source))
    details = parties.setdefault("broker", {})
    for field, values in found.items():
        if not details.get(field):
            details[field] = values


def _sub_licences(text: str) -> list[str]:
    label = any_of(load("parties")["fields"]["sub_licence_no"])
    out = []
    for match in label.finditer(text):
        value = strip_label_punctuation(text[match.end():])
        value = re.split(r"[)\];,]|\.\s|\.$|។", value, maxsplit=1)[0].strip()
        if any(ch.isdigit() for ch in value):
            out.append(value)
    return out
