"""Job title, workplace and contract duration (WRK011 asks for all of them to be definite)."""
from __future__ import annotations

import re
from functools import lru_cache

from compliance_rules.model import Clause, Extracted

from .countries import strip_trailing_country
from .numbers import words_to_number
from .patterns import any_of, normalise, word_regex
from .prefilter import compile_guarded
from .script import has_khmer
from .sentences import english_first, sentences
from .values import is_vague
from .vocab import load

_VALUE_END = re.compile(r"(?:\.\s|\.$|[;។|]|\s(?:at|in|with|for|under|from)\s|\sនៅ|នៅ\s?ទ)")
"""A labelled value ends at a sentence end, a separator, or a preposition that starts the next
phrase (`as Cook at ...`, `ជាចុងភៅ នៅ...`)."""


def _after(pattern: re.Pattern[str], text: str) -> tuple[str, int] | None:
    match = pattern.search(text)
    if not match:
        return None
    return text[match.end():], match.start()


@lru_cache(maxsize=None)
def _labelled(key: str) -> re.Pattern[str]:
    """`<label>:` for the labels listed under `key` in terms.json (built once: the words make
    hundreds of regex pieces)."""
    words = load("terms")[key]
    body = "|".join(word_regex(w) for w in sorted(words, key=len, reverse=True))
    return compile_guarded(rf"(?:^|[\s;|(])(?:{body})\s*(?:[:៖]|\s\|)\s*", re.I)


def _clean(value: str) -> str:
    value = re.sub(r"(?<=\w)-\s+(?=\w)", "-", value)  # a word hyphenated across lines
    return value.strip(" ,:;–—-")


def _first_value(rest: str) -> str:
    match = _VALUE_END.search(rest)
    value = _clean(rest[: match.start()] if match else rest)
    return re.sub(r"^(?:a|an|the)\s+", "", value, flags=re.I)


def job_title(clauses: list[Clause]) -> Extracted[str] | None:
    labelled = _labelled("job_labels")
    intro = any_of(load("terms")["job_intro"])
    for clause in english_first(clauses):
        for sentence in sentences(clause):
            for found in (_after(labelled, sentence.text), _after(intro, sentence.text)):
                if found is None:
                    continue
                value = _first_value(found[0])
                if not value or len(value) > 80:
                    continue
                if is_vague(value):
                    return None
                return Extracted(value=value, source=sentence.source())
    return None


_PLACE_END = re.compile(
    r"\.\s|\.$|[;។|]|,?\s(?:for|from|under|during|until|with)\s|\s(?="
    + any_of(load("terms")["duration_words"]).pattern + ")", re.I)
"""A place ends at a sentence end, a separator, or the next phrase (`Ansan, for 36 months`,
`នៅខេត្តត្រាត រយៈពេល ២៤ ខែ`)."""


@lru_cache(maxsize=1)
def _locative() -> re.Pattern[str]:
    """`in`/`at` as words; a Khmer locative is written joined to the place (`នៅខេត្តត្រាត`)."""
    words = load("terms")["locatives"]
    latin = any_of([w for w in words if not has_khmer(w)]).pattern
    khmer = any_of([w for w in words if has_khmer(w)]).pattern
    return compile_guarded(rf"(?:^|\s)(?:(?:{latin})\s|(?:{khmer})\s?)", re.I)
_DESCRIBED_SITE = re.compile(r"^(?:the|its|a|an|our|their)\s", re.I)


def _site_town(value: str, locative: re.Pattern[str]) -> str:
    """`the employer's factory in Ansan` names the town after its last locative."""
    if not _DESCRIBED_SITE.match(value):
        return value
    found = list(locative.finditer(value))
    return value[found[-1].end():] if found else value


def workplace(clauses: list[Clause]) -> Extracted[str] | None:
    """A town or site; a value that only names a country is no workplace (WRK011).

    Found after a workplace label (`Place of work:`) or phrase (`at its workplace in`), or
    after a plain `in`/`at`/`នៅ` in a sentence that gives the job or sits under a heading
    about the place of work."""
    terms = load("terms")
    labelled = _labelled("workplace_labels")
    intro = any_of(terms["workplace_intro"])
    locative = _locative()
    job_cue = any_of(terms["job_intro"] + terms["job_labels"])
    place_heading = any_of(terms["workplace_labels"])
    for clause in english_first(clauses):
        about_place = bool(clause.heading and place_heading.search(clause.heading))
        for sentence in sentences(clause):
            candidates = [_after(labelled, sentence.text), _after(intro, sentence.text)]
            if about_place or job_cue.search(sentence.text):
                candidates.append(_after(locative, sentence.text))
            for found in candidates:
                if found is None:
                    continue
                rest = _PLACE_END.split(found[0], maxsplit=1)[0]
                rest = _site_town(rest, locative)
                if is_vague(rest):
                    return None
                value = _clean(strip_trailing_country(_clean(rest)))
                if value and len(value) <= 80:
                    return Extracted(value=value, source=sentence.source())
                if not value:
                    return None
    return None


_NUMBER_WORDS_IN_PARENS = re.compile(r"\s*\([^)]*\)")


def contract_months(clauses: list[Clause]) -> Extracted[int] | None:
    """The stated term (`Duration: 24 months`, `valid for two years`), or a period the job
    sentence gives (`employed as a cook in Penang for 36 months`)."""
    terms = load("terms")
    cue = any_of(terms["duration_words"])
    unit = re.compile(
        rf"(?P<n>\d+|[^\W\d_]+(?:-[^\W\d_]+)?)\s*(?P<unit>{any_of(terms['month_words']).pattern}|{any_of(terms['year_words']).pattern})",
        re.I,
    )
    job_cue = any_of(terms["job_intro"] + terms["job_labels"])
    lead = re.compile(rf"(?:{any_of(terms['duration_lead']).pattern})\s*$", re.I)
    for clause in english_first(clauses):
        for sentence in sentences(clause):
            text = _NUMBER_WORDS_IN_PARENS.sub("", normalise(sentence.text))
            stated = bool(cue.search(text))
            if not stated and not job_cue.search(text):
                continue
            for match in unit.finditer(text):
                if not stated and not lead.search(text[: match.start()]):
                    continue  # in the job sentence only `for 36 months` is the contract's length
                n = match["n"]
                value = int(n) if n.isdigit() else words_to_number(n)
                if value is None or value <= 0:
                    continue
                years = any_of(terms["year_words"]).fullmatch(match["unit"])
                return Extracted(value=int(value) * (12 if years else 1), source=sentence.source())
    return None
