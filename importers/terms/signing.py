"""The signing date. All parties sign on one day, so it is the date the contract repeats most
(preamble, "made in ... on", each signature line); dates of birth and validity dates are
ignored, and a date in a sentence that speaks of signing or making the contract counts double."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from compliance_rules.model import Clause, Extracted, Source

from .dates import find_dates
from .patterns import any_of
from .sentences import sentences
from .vocab import load


def signing_date(clauses: list[Clause]) -> Extracted[dt.date] | None:
    terms = load("terms")
    birth = any_of(terms["birth_words"])
    validity = any_of(terms["validity_words"])
    signing = any_of(terms["signing_words"])
    votes: Counter[dt.date] = Counter()
    first_source: dict[dt.date, Source] = {}
    for clause in clauses:
        for sentence in sentences(clause):
            for part in sentence.text.split(" | "):
                # Dates first: most parts have none, and that check is cheaper than the words.
                dates = find_dates(part)
                if not dates or birth.search(part) or validity.search(part):
                    continue
                for found in dates:
                    votes[found.value] += 2 if signing.search(part) else 1
                    first_source.setdefault(found.value, Source(page=clause.page, text=part.strip(), bbox=clause.bbox))
    if not votes:
        return None
    best = max(votes, key=lambda day: (votes[day], -list(first_source).index(day)))
    return Extracted(value=best, source=first_source[best])
