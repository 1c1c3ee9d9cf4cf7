"""Small judgements several rules share: who pays in a sentence, and references cited often."""
from __future__ import annotations

import re

from compliance_rules.passages import Passage
from compliance_rules.rule import Reference
from compliance_rules.vocabulary import affirmed, concept, negated_at

ILO_C181_ART7 = Reference("ILO Private Employment Agencies Convention, 1997 (No. 181), Art. 7(1)", True,
                          "Benchmark only: Cambodia has not ratified C181.")
ILO_FEES_2019 = Reference("ILO General principles and operational guidelines for fair recruitment and "
                          "Definition of recruitment fees and related costs (2019)", True)
ILO_INDICATORS_2012 = Reference("ILO Indicators of Forced Labour (2012)", True)
ILO_C189 = Reference("ILO Domestic Workers Convention, 2011 (No. 189), Arts. 7, 9 and 15", True)
SUBDECREE_190 = Reference("Sub-Decree No. 190 ANK.BK (2011) on the management of sending Cambodian workers "
                          "abroad through private recruitment agencies", False)
PRAKAS_253 = Reference("MoLVT Prakas No. 253 (2013) on the standard placement-service contract", False)
RECOMMENDATION = {
    "FEE": Reference("fairrecruit action plan, recommendation 11 (no fees or costs on the worker)", True),
    "WRK": Reference("fairrecruit action plan, recommendation 15 (worker protections in contracts)", True),
    "LIC": Reference("fairrecruit action plan, recommendation 16 (licensed agencies and brokers)", True),
    "FRD": Reference("fairrecruit action plan, recommendation 16 (fraud indicators)", True),
}


_SEGMENT = re.compile(r", | and | but | while | whereas |; ")


def worker_pays(passage: Passage) -> bool:
    """The worker (or family) is said to pay, without a negation and without the amount being
    zero or waived in the same part of the sentence ("the worker pays the visa, lodging is free")."""
    return any(
        affirmed("worker_pays", segment) and not concept("zero_or_waived").search(segment)
        for segment in _SEGMENT.split(passage.norm)
    )


def employer_pays(passage: Passage) -> bool:
    return bool(affirmed("employer_pays", passage.norm))


def charge_negated(passage: Passage, subject: str) -> bool:
    """The sentence rules the charge out: "no fee shall be charged", "free of charge", "USD 0"."""
    if passage.has("zero_or_waived"):
        return True
    matches = concept(subject).finditer(passage.norm)
    return bool(matches) and all(negated_at(passage.norm, m.start(), m.end()) for m in matches)


def nonzero_amount(passage: Passage) -> bool:
    return passage.has("money_amount") and not passage.has("zero_or_waived")
