"""Contract terms and clauses from a read PDF: `extract(document, passport_key=...)`.

Every value keeps its Source (page, quoted text, box). The worker's passport number leaves
this package only as an HMAC under the installation's key (registry.keys.passport_hash_key).
"""
from __future__ import annotations

import hashlib
import hmac
import re

from compliance_rules.model import Clause, ContractForCheck, Extracted, Source, Terms
from importers.document import Document

from .clauses import split_clauses
from .countries import country_code, most_named_destination
from .fees import worker_fees
from .hours import hours
from .job import contract_months, job_title, workplace
from .parties import Detail, Parties, best, first_detail, parse_parties
from .pay import wage
from .patterns import any_of, normalise
from .script import has_khmer
from .signing import signing_date
from .values import first_part, prefer_english
from .vocab import load

__all__ = ["extract", "passport_hash", "split_clauses"]

_PASSPORT = re.compile(r"\b[A-Z]{0,3}\d{5,10}\b")
_TRAILING_LABEL_WORD = re.compile(r"\s+(?:No\.?|Number|លេខ)$", re.I)
_NUMBER_END = re.compile(r"\s*(?:,\s|[()\[\]])|(?<=[0-9០-៩])\s+(?=\S*[a-z]{2}|[\u1780-\u17d3])")
"""A licence number ends at a comma, a bracket, or a word after its figures that is written in
lower case or Khmer letters (`MLVT-PRA-101/2019, No. 12B, St. 598` and `MLVT-PRA-101/2019 Tuol
Kouk` are the number and then the office address; `No. 172/2021 MLVT-PRA` is one number)."""
_ADDRESS_PART = re.compile(r",\s+(?=[^,]*\d)")


def passport_hash(number: str, key: bytes) -> str:
    """HMAC-SHA256 of the passport number in one normal form (upper case, letters and digits)."""
    canonical = "".join(ch for ch in normalise(number).upper() if ch.isalnum())
    return hmac.new(key, canonical.encode("ascii", "ignore"), hashlib.sha256).hexdigest()


def extract(document: Document, *, passport_key: bytes) -> ContractForCheck:
    clauses = split_clauses(document)
    parties = parse_parties(clauses)
    pay = wage(clauses)
    work = hours(clauses)
    terms = Terms(
        agency_name=_name(parties, "agency") or _letterhead_company(clauses),
        agency_licence_no=_number(parties, "agency", "licence_no") or _labelled_licence(clauses),
        broker_name=_name(parties, "broker"),
        broker_sub_licence_no=_number(parties, "broker", "sub_licence_no"),
        employer_name=_name(parties, "employer"),
        destination_country=_destination(parties, clauses),
        job_title=job_title(clauses),
        workplace=workplace(clauses),
        wage_amount=pay.amount,
        wage_currency=pay.currency,
        wage_period=pay.period,
        hours_per_day=work.per_day,
        hours_per_week=work.per_week,
        rest_days_per_week=work.rest_days,
        contract_months=contract_months(clauses),
        signing_date=signing_date(clauses),
        worker_passport_hash=_passport_hash(parties, clauses, passport_key),
        worker_fees=worker_fees(clauses),
    )
    return ContractForCheck(
        sha256=document.sha256,
        terms=terms,
        clauses=clauses,
        has_khmer_text=has_khmer(document.text),
    )


def _detail(parties: Parties, party: str, field: str) -> Detail | None:
    return best(parties, party, field)


def _name(parties: Parties, party: str) -> Extracted[str] | None:
    detail = _detail(parties, party, "name")
    if detail is None or detail.value is None:
        return None
    value = _without_address(prefer_english(first_part(detail.value) or detail.value))
    return Extracted(value=value, source=detail.source) if value else None


def _without_address(name: str) -> str:
    """`Hanul Precision Co., Ltd., 55 Gongdan-ro, Ansan`: a company name ends with its legal
    form; what follows a comma after it (or, in Khmer, any Khmer words after it) is the address.
    Any name ends before a comma that opens a numbered part (`Mrs. Wong, Flat 12B, Tai Po`)."""
    for match in any_of(load("parties")["company_suffixes"]).finditer(name):
        rest = name[match.end():]
        if re.match(r",\s+\S", rest) or (has_khmer(match.group(0)) and has_khmer(rest)):
            return name[: match.end()]
    address = _ADDRESS_PART.search(name)
    return name[: address.start()] if address else name


def _number(parties: Parties, party: str, field: str) -> Extracted[str] | None:
    """A licence number exactly as printed (LIC003 compares it after normalising)."""
    detail = _detail(parties, party, field)
    if detail is None or detail.value is None:
        return None
    value = _printed_number(detail.value)
    return Extracted(value=value, source=detail.source) if any(ch.isdigit() for ch in normalise(value)) else None


def _printed_number(text: str) -> str:
    return _TRAILING_LABEL_WORD.sub("", _NUMBER_END.split(first_part(text), maxsplit=1)[0]).strip()


def _labelled_licence(clauses: list[Clause]) -> Extracted[str] | None:
    """A licence number labelled anywhere (a letterhead `Licence No. ...`) when the parties
    section gives none; a sub-licence label is not a licence label."""
    fields = load("parties")["fields"]
    licence, sub_licence = any_of(fields["licence_no"]), any_of(fields["sub_licence_no"])
    for clause in clauses:
        subs = [m.span() for m in sub_licence.finditer(clause.text)]
        for match in licence.finditer(clause.text):
            if any(start <= match.start() < end for start, end in subs):
                continue
            value = _printed_number(clause.text[match.end():].lstrip(" :៖"))
            if any(ch.isdigit() for ch in normalise(value)):
                return Extracted(value=value, source=Source(page=clause.page, text=clause.text, bbox=clause.bbox))
    return None


def _letterhead_company(clauses: list[Clause]) -> Extracted[str] | None:
    """The company named at the top of the first page, when the parties section names none."""
    suffixes = any_of(load("parties")["company_suffixes"])
    for clause in clauses[:5]:
        if clause.page == 1 and suffixes.search(clause.text):
            value = _without_address(prefer_english(first_detail(first_part(clause.text))))
            return Extracted(value=value, source=Source(page=1, text=clause.text, bbox=clause.bbox))
    return None


def _destination(parties: Parties, clauses: list[Clause]) -> Extracted[str] | None:
    detail = _detail(parties, "employer", "country")
    if detail is not None and detail.value and (code := country_code(detail.value)):
        return Extracted(value=code, source=detail.source)
    code = most_named_destination([clause.text for clause in clauses])
    if code is None:
        return None
    source = next(
        (Source(page=c.page, text=c.text, bbox=c.bbox) for c in clauses
         if most_named_destination([c.text]) == code),
        None,
    )
    return Extracted(value=code, source=source)


def _passport_hash(parties: Parties, clauses: list[Clause], key: bytes) -> str | None:
    detail = _detail(parties, "worker", "passport_no")
    texts = [detail.value] if detail is not None and detail.value else []
    if not texts:
        label = any_of(load("parties")["fields"]["passport_no"])
        texts = [clause.text[m.end():] for clause in clauses if (m := label.search(clause.text))]
    for text in texts:
        match = _PASSPORT.search(normalise(text))
        if match:
            return passport_hash(match.group(0), key)
    return None
