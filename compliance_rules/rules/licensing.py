"""LIC: the agency and broker must be licensed for this recruitment on the signing date
(recommendation 16). The registry is asked through `RegistryFacts`; whether a printed name is a
registered agency (and not a look-alike) is the resolver's verdict, which these rules trust."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from compliance_rules.model import ContractForCheck, Evidence
from compliance_rules.passages import passages, term_evidence
from compliance_rules.registry_facts import AgencyResolution, LicenceFacts, RegistryFacts, SubLicenceFacts
from compliance_rules.rule import Example, Reference, Rule, Verdict, register
from compliance_rules.rules.common import RECOMMENDATION, SUBDECREE_190
from compliance_rules.text import normalise
from compliance_rules.vocabulary import concept
from registry.numbers import ascii_digits, number_norm

C181_ART3 = Reference("ILO C181, Art. 3 (licensing of private employment agencies)", True,
                      "Benchmark only: Cambodia has not ratified C181.")
PRAKAS_251 = Reference("MoLVT Prakas No. 251 (2013) on penalties, including suspension and revocation of licences",
                       False)
PRAKAS_47 = Reference("MoLVT Prakas No. 47 (2013) on standards for private recruitment agencies, including "
                      "sub-licensed representatives", False)


@dataclass(frozen=True)
class AgencyOnContract:
    """The agency a contract names, as the registry knows it."""

    resolution: AgencyResolution | None
    licence: LicenceFacts | None
    government_channel: bool


def agency_on_contract(contract: ContractForCheck, facts: RegistryFacts) -> AgencyOnContract:
    terms = contract.terms
    resolution = facts.resolve_agency(terms.agency_name.value) if terms.agency_name else None
    licence = None
    if resolution is not None and resolution.outcome == "match" and resolution.licence_number:
        licence = facts.licence(resolution.licence_number)
    elif terms.agency_name is None and terms.agency_licence_no is not None:
        licence = facts.licence(terms.agency_licence_no.value)
    channel = concept("government_channel")
    if terms.agency_name is not None:
        government = bool(channel.search(normalise(terms.agency_name.value)))
    else:
        government = licence is None and any(channel.search(p.norm) for p in passages(contract))
    return AgencyOnContract(resolution, licence, government)


def _day(contract: ContractForCheck) -> dt.date | None:
    return contract.terms.signing_date.value if contract.terms.signing_date else None


def _history(events) -> list[dict[str, str]]:
    return [{"event": e.event, "date": e.date.isoformat(),
             **({"valid_until": e.valid_until.isoformat()} if e.valid_until else {})} for e in events]


def licence_evidence(licence: LicenceFacts, day: dt.date | None) -> Evidence:
    status = licence.on(day) if day else None
    text = f"Registry: licence {licence.number} ({licence.agency_name})"
    if status:
        text += f", status on {day}: {status.status}" + (f" since {status.since}" if status.since else "")
    return Evidence(text=text, facts={
        "licence_number": licence.number, "agency_name": licence.agency_name,
        "authorised_destinations": list(licence.destinations),
        "status_on_signing_date": status.status if status else None,
        "status_since": status.since.isoformat() if status and status.since else None,
        "history": _history(licence.events),
    })


def sub_licence_evidence(sub: SubLicenceFacts, day: dt.date | None) -> Evidence:
    status = sub.on(day) if day else None
    text = f"Registry: sub-licence {sub.number} ({sub.broker_name}) held from agency {sub.agency_licence_number}"
    if status:
        text += f", status on {day}: {status.status}"
    return Evidence(text=text, facts={
        "sub_licence_number": sub.number, "broker_name": sub.broker_name,
        "agency_licence_number": sub.agency_licence_number,
        "status_on_signing_date": status.status if status else None,
        "history": _history(sub.events),
    })


# LIC001 ------------------------------------------------------------------------------------

def _lic001(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    agency = agency_on_contract(contract, facts)
    terms = contract.terms
    if agency.government_channel or agency.licence is not None:
        return None
    if terms.agency_name is None:
        return Verdict("The contract names no recruitment agency the registry can identify.",
                       term_evidence(terms.agency_licence_no) or [Evidence(text="No agency name or licence number found.")])
    if agency.resolution is not None and agency.resolution.outcome != "not_found":
        return None
    explanation = agency.resolution.explanation if agency.resolution else ""
    return Verdict(f"The agency '{terms.agency_name.value}' is not in the licensing registry"
                   + (f" ({explanation})." if explanation else "."),
                   [*term_evidence(terms.agency_name),
                    Evidence(text=f"Registry lookup: {agency.resolution.outcome if agency.resolution else 'none'}",
                             facts={"printed_name": terms.agency_name.value,
                                    "outcome": agency.resolution.outcome if agency.resolution else None,
                                    "explanation": explanation})])


LIC001 = Rule(
    id="LIC001", title="Agency not in the licensing registry", severity="critical", severity_conditions=(),
    rationale="Only agencies licensed by the Ministry of Labour and Vocational Training may recruit for work "
              "abroad; an unlicensed recruiter answers to no inspector.",
    fires_when="The agency named is not in the registry. A look-alike name (a word added or changed) is another, "
               "unlicensed company; the name resolver decides and must not accept look-alikes.",
    must_not_fire="Government channels that bypass agencies (e.g. the ministry's own board for Korea's EPS, "
                  "named as the recruiting body, or no agency named in an EPS contract); spelling variants of a "
                  "registered name (resolved by the lookup index); an ambiguous name (left to an officer).",
    references=(SUBDECREE_190, C181_ART3, RECOMMENDATION["LIC"]),
    good=(Example("Recruitment agency: Angkor Example Manpower Co., Ltd., licence MLVT-PRA-901/2019."),
          Example("Sending body: Manpower Training and Overseas Sending Board, Ministry of Labour and Vocational "
                  "Training (EPS).", terms={"agency_name": "Manpower Training and Overseas Sending Board, Ministry "
                                                           "of Labour and Vocational Training", "agency_licence_no": None},
                  note="government channel named as the sender"),
          Example("Recruited through the Employment Permit System (EPS) by the Ministry's overseas sending board.",
                  terms={"agency_name": None, "agency_licence_no": None}, note="government channel")),
    bad=(Example("Recruitment agency: Golden Angkor Example Manpower Co., Ltd.",
                 terms={"agency_name": "Golden Angkor Example Manpower Co., Ltd."}, note="look-alike name"),
         Example("Agency: Golden Angkor Manpower Co., Ltd. Recruitment under the Employment Permit System.",
                 terms={"agency_name": "Golden Angkor Manpower Co., Ltd.", "destination_country": "KR"},
                 note="private look-alike agency mentioning EPS"),
         Example("ភ្នាក់ងារជ្រើសរើស៖ ក្រុមហ៊ុន ផ្កាយ អង្គរ ឯ.ក", "km",
                 terms={"agency_name": "ក្រុមហ៊ុន ផ្កាយ អង្គរ ឯ.ក"})),
    detect=_lic001, topics=("parties",),
)


# LIC002 ------------------------------------------------------------------------------------

def _lic002(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    licence, day = agency_on_contract(contract, facts).licence, _day(contract)
    if licence is None or day is None:
        return None
    status = licence.on(day)
    if status.in_force:
        return None
    return Verdict(f"Licence {licence.number} was {status.status.replace('_', ' ')} on the signing date {day}.",
                   [*term_evidence(contract.terms.signing_date), licence_evidence(licence, day)],
                   "critical" if status.status == "revoked" else None)


LIC002 = Rule(
    id="LIC002", title="Licence not active on the signing date", severity="high",
    severity_conditions=("critical when the licence was revoked on the signing date",),
    rationale="An agency recruiting while suspended, expired or revoked is recruiting without a licence.",
    fires_when="The agency's licence was expired, suspended or revoked on the contract's signing date (from the "
               "licence's event history; today's status is irrelevant).",
    must_not_fire="A licence active on the signing date, even if revoked or expired since.",
    references=(SUBDECREE_190, PRAKAS_251, RECOMMENDATION["LIC"]),
    good=(Example("Made in Phnom Penh on 2 June 2025.", terms={"signing_date": "2025-06-02"}),),
    bad=(Example("Made in Phnom Penh on 10 June 2023.", terms={
        "agency_name": "Bayon Example Recruitment Co., Ltd.", "agency_licence_no": "MLVT-PRA-902/2018",
        "destination_country": "TH", "broker_name": None, "broker_sub_licence_no": None,
        "signing_date": "2023-06-10"}, note="revoked on that date"),),
    detect=_lic002, topics=("signature",),
)


# LIC003 ------------------------------------------------------------------------------------

def _parts(number: str) -> tuple[set[str], list[int]]:
    text = ascii_digits(number).upper()
    return set(re.findall(r"[A-Z]+", text)), [int(n) for n in re.findall(r"[0-9]+", text)]


def same_number(printed: str, registered: str) -> bool:
    """The same licence in another format: the same serial and year in the same order, and the
    registry's letter codes all printed (order, separators, Khmer digits, "No." and leading zeros
    carry no meaning)."""
    if number_norm(printed) == number_norm(registered):
        return True
    printed_letters, printed_numbers = _parts(printed)
    letters, numbers = _parts(registered)
    return printed_numbers == numbers and letters <= printed_letters


def _lic003(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    printed = contract.terms.agency_licence_no
    licence = agency_on_contract(contract, facts).licence
    if printed is None or licence is None or contract.terms.agency_name is None:
        return None
    if same_number(printed.value, licence.number):
        return None
    other = facts.licence(printed.value)
    whose = f" (it is the number of {other.agency_name})" if other else ""
    return Verdict(f"The printed licence number '{printed.value}' is not the agency's licence {licence.number}{whose}.",
                   [*term_evidence(printed), licence_evidence(licence, _day(contract))])


LIC003 = Rule(
    id="LIC003", title="Printed licence number does not match the registry", severity="high", severity_conditions=(),
    rationale="A wrong number on the contract hides which licence the recruitment runs under, or borrows "
              "another agency's licence.",
    fires_when="The licence number printed is a different number from the agency's registered licence (another "
               "serial or year, or another agency's number).",
    must_not_fire="The same number with other separators, spacing or Khmer digits.",
    references=(SUBDECREE_190, RECOMMENDATION["LIC"]),
    good=(Example("Licence No.: ៩០១/២០១៩ MLVT PRA", "km", terms={"agency_licence_no": "៩០១/២០១៩ MLVT PRA"},
                  note="other format, Khmer digits"),),
    bad=(Example("Licence No.: MLVT-PRA-901/2020", terms={"agency_licence_no": "MLVT-PRA-901/2020"}),),
    detect=_lic003, topics=("parties",),
)


# LIC004 ------------------------------------------------------------------------------------

def _lic004(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    terms, day = contract.terms, _day(contract)
    name, number = terms.broker_name, terms.broker_sub_licence_no
    if (name is None and number is None) or day is None:
        return None
    printed = term_evidence(name, number)
    by_name = facts.sub_licences_of_broker(name.value) if name else []
    by_number = facts.sub_licence(number.value) if number else None
    if by_number is not None and by_name and by_number not in by_name:
        return Verdict(f"Sub-licence {by_number.number} belongs to {by_number.broker_name}, not to the named broker.",
                       [*printed, sub_licence_evidence(by_number, day)])
    candidates = [by_number] if by_number is not None else by_name
    if not candidates:
        return Verdict("The broker named is not in the registry of sub-licensed brokers.",
                       [*printed, Evidence(text="Registry: no matching sub-licence",
                                           facts={"broker_name": name.value if name else None,
                                                  "sub_licence_number": number.value if number else None})])
    licence = agency_on_contract(contract, facts).licence
    if licence is not None:
        own = [s for s in candidates if number_norm(s.agency_licence_number) == number_norm(licence.number)]
        if not own:
            return Verdict(f"The broker's sub-licence is held from another agency, not from {licence.number}.",
                           [*printed, *(sub_licence_evidence(s, day) for s in candidates)])
        candidates = own
    if any(s.on(day).in_force for s in candidates):
        return None
    return Verdict(f"The broker's sub-licence was not in force on the signing date {day}.",
                   [*printed, *(sub_licence_evidence(s, day) for s in candidates)])


LIC004 = Rule(
    id="LIC004", title="Broker not sub-licensed to this agency on the signing date", severity="high",
    severity_conditions=(),
    rationale="Village brokers are where fees and deception start; only brokers sub-licensed by the contracting "
              "agency may recruit for it.",
    fires_when="The broker named is not in the registry, holds a sub-licence from another agency, or the "
               "sub-licence was not in force on the signing date.",
    must_not_fire="A broker with a sub-licence from this agency in force on the signing date (even if expired "
                  "since).",
    references=(PRAKAS_47, SUBDECREE_190, RECOMMENDATION["LIC"]),
    good=(Example("Broker: Example Broker Dara, sub-licence MLVT-SUB-9001/2022."),),
    bad=(Example("Broker: Example Broker Sophal, sub-licence MLVT-SUB-9002/2020.",
                 terms={"broker_name": "Example Broker Sophal", "broker_sub_licence_no": "MLVT-SUB-9002/2020"},
                 note="sub-licensed to another agency"),
         Example("ឈ្មួញកណ្តាល៖ ហេង សុខា", "km", terms={"broker_name": "ហេង សុខា", "broker_sub_licence_no": None},
                 note="not in the registry")),
    detect=_lic004, topics=("broker",),
)


# LIC005 ------------------------------------------------------------------------------------

def _lic005(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    licence = agency_on_contract(contract, facts).licence
    destination = contract.terms.destination_country
    if licence is None or destination is None or destination.value in licence.destinations:
        return None
    return Verdict(f"The licence authorises {', '.join(licence.destinations) or 'no destination'}, "
                   f"not {destination.value}.",
                   [*term_evidence(destination), licence_evidence(licence, _day(contract))])


LIC005 = Rule(
    id="LIC005", title="Destination not authorised by the licence", severity="high", severity_conditions=(),
    rationale="A licence covers named destination countries, each backed by a bilateral arrangement and "
              "a labour attaché; sending elsewhere is recruiting outside the licence.",
    fires_when="The destination country is not among those the agency's licence authorises.",
    must_not_fire="An authorised destination.",
    references=(SUBDECREE_190, RECOMMENDATION["LIC"]),
    good=(Example("Place of work: Shah Alam, Selangor, Malaysia.", terms={"destination_country": "MY"}),),
    bad=(Example("Place of work: Riyadh, Saudi Arabia.", terms={"destination_country": "SA"}),),
    detect=_lic005, topics=("job",),
)

register(LIC001, LIC002, LIC003, LIC004, LIC005)
