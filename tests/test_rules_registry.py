"""LIC001-LIC005 judge the registry on the signing date; FRD001 compares a worker's contracts."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from compliance_rules.examples import example_contract, example_registry
from compliance_rules.model import Extracted, Fee, Source
from compliance_rules.registry_facts import AgencyResolution, InMemoryRegistryFacts, StoredContract
from compliance_rules.rule import get_rule
from compliance_rules.rules.fraud import material_terms
from compliance_rules.rules.licensing import same_number


def _contract(**terms):
    contract = example_contract()
    for name, value in terms.items():
        if name == "signing_date" and value is not None:
            value = dt.date.fromisoformat(value)
        setattr(contract.terms, name, None if value is None else Extracted(value=value, source=Source(page=1, text=str(value))))
    return contract


def _fired(rule_id, contract, facts=None):
    return get_rule(rule_id).check(contract, facts or example_registry())


BAYON = {"agency_name": "Bayon Example Recruitment Co., Ltd.", "agency_licence_no": "MLVT-PRA-902/2018",
         "destination_country": "TH", "broker_name": None, "broker_sub_licence_no": None}


def test_lic002_judges_the_signing_date_not_today():
    assert not _fired("LIC002", _contract(**BAYON, signing_date="2022-06-01")), "active then, revoked only since"
    findings = _fired("LIC002", _contract(**BAYON, signing_date="2023-06-01"))
    assert findings and findings[0].severity == "critical"
    facts = findings[0].evidence[-1].facts
    assert facts["status_on_signing_date"] == "revoked" and facts["history"]


def test_lic002_suspension_window_is_high_not_critical():
    findings = _fired("LIC002", _contract(**BAYON, signing_date="2021-07-15"))
    assert findings and findings[0].severity == "high"
    assert not _fired("LIC002", _contract(**BAYON, signing_date="2021-09-01")), "reinstated that day"


def test_lic002_lapsed_term_without_event_is_expired():
    assert _fired("LIC002", _contract(**BAYON, signing_date="2018-01-09")), "before the first issue"


def test_lic001_trusts_the_resolver_and_skips_government_channels():
    assert _fired("LIC001", _contract(agency_name="Angkor Example Manpower Group Co., Ltd."))
    eps = example_contract()
    eps.terms.agency_name = None
    eps.terms.agency_licence_no = None
    eps.clauses[0].text = "Recruitment under the Employment Permit System (EPS), government to government."
    assert not _fired("LIC001", eps)


def test_lic001_accepts_what_the_resolver_matched():
    class Fuzzy(InMemoryRegistryFacts):
        def resolve_agency(self, name):
            return AgencyResolution("match", "MLVT-PRA-901/2019", 96.0, "spelling variant")

    base = example_registry()
    facts = Fuzzy(licences=base.licences, sub_licences=base.sub_licences)
    assert not _fired("LIC001", _contract(agency_name="Angkor Exampel Manpower Co Ltd"), facts)


def test_lic003_formatting_is_not_a_different_number():
    assert same_number("No. 901/2019 MLVT-PRA", "MLVT-PRA-901/2019")
    assert same_number("MLVT/PRA/៩០១/២០១៩", "MLVT-PRA-901/2019")
    assert not same_number("MLVT-PRA-901/2020", "MLVT-PRA-901/2019")
    assert not same_number("MLVT-PRA-902/2018", "MLVT-PRA-901/2019")
    findings = _fired("LIC003", _contract(agency_licence_no="MLVT-PRA-902/2018"))
    assert findings and "Bayon" in findings[0].explanation


def test_lic004_broker_of_another_agency_unknown_or_lapsed():
    assert not _fired("LIC004", _contract())
    assert _fired("LIC004", _contract(broker_name="Example Broker Sophal", broker_sub_licence_no="MLVT-SUB-9002/2020"))
    assert _fired("LIC004", _contract(broker_name="Nobody Known", broker_sub_licence_no=None))
    lapsed = _fired("LIC004", _contract(signing_date="2026-03-01"))
    assert lapsed and "not in force" in lapsed[0].explanation
    number_of_other = _fired("LIC004", _contract(broker_sub_licence_no="MLVT-SUB-9002/2020"))
    assert number_of_other and "belongs to" in number_of_other[0].explanation


def test_lic005_destination_outside_the_licence():
    assert _fired("LIC005", _contract(destination_country="JP"))
    assert not _fired("LIC005", _contract(destination_country="KR"))


def test_frd001_identical_copy_is_not_flagged_and_substitution_is():
    assert not _fired("FRD001", example_contract())
    findings = _fired("FRD001", _contract(wage_amount=Decimal(1500)))
    assert findings and findings[0].severity == "critical"
    assert findings[0].evidence[0].facts["other_sha256"] == "example-stored-contract"


def test_frd001_khmer_reissue_is_not_a_different_job():
    assert not _fired("FRD001", _contract(job_title="ជាងដេរ"))


def test_frd001_later_amendment_that_only_improves_is_lower_risk():
    findings = _fired("FRD001", _contract(wage_amount=Decimal(2000), signing_date="2025-09-01"))
    assert findings and findings[0].severity == "high" and "amendment" in findings[0].explanation


def test_frd001_fees_differ():
    contract = example_contract()
    contract.terms.worker_fees = [Fee(item="visa", amount=Decimal(80), currency="USD")]
    assert _fired("FRD001", contract)


def test_frd001_needs_a_passport_hash():
    contract = example_contract()
    contract.terms.worker_passport_hash = None
    facts = example_registry()
    facts.contracts.append(("", StoredContract("other", material_terms(_contract(wage_amount=1).terms))))
    assert not _fired("FRD001", contract, facts)


def test_frd001_compares_public_fields_as_stored_by_ingest():
    stored = example_contract().terms.public_fields()
    facts = example_registry()
    facts.contracts = [("example-passport-hash", StoredContract("stored-fields", stored))]
    assert not _fired("FRD001", example_contract(), facts)
    facts.contracts = [("example-passport-hash", StoredContract("stored-fields", {**stored, "wage_amount": 1500}))]
    assert _fired("FRD001", example_contract(), facts)
    with_fee = {**stored, "worker_fees": [{"item": "visa", "amount": 80, "currency": "USD"}]}
    contract = example_contract()
    contract.terms.worker_fees = [Fee(item="visa", amount=Decimal("80.00"), currency="USD")]
    facts.contracts = [("example-passport-hash", StoredContract("stored-fields", with_fee))]
    assert not _fired("FRD001", contract, facts)


def test_fee001_is_critical_when_collected_by_an_unlicensed_agency():
    findings = _fired("FEE001", _with_fee_clause(_contract(agency_name="Golden Angkor Example Manpower Co., Ltd.")))
    assert findings and findings[0].severity == "critical" and "unlicensed" in findings[0].explanation
    assert _fired("FEE001", _with_fee_clause(example_contract()))[0].severity == "high"


def _with_fee_clause(contract):
    contract.clauses.append(contract.clauses[0].model_copy(
        update={"text": "The Worker pays the Agency a placement fee of USD 900."}))
    return contract
