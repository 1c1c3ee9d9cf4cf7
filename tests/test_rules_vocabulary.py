"""Sentence classification: negation, lists, who pays, Khmer spacing and OCR faults."""
from __future__ import annotations

from compliance_rules.check import check_contract
from compliance_rules.examples import example_contract, example_registry
from compliance_rules.model import Clause
from compliance_rules.text import has_khmer, khmer_share, normalise, sentences
from compliance_rules.vocabulary import affirmed, concept


def _rules(*texts: str) -> set[str]:
    contract = example_contract()
    contract.clauses = [*contract.clauses, *(Clause(page=2, text=t) for t in texts)]
    return {f.rule for f in check_contract(contract, example_registry())}


def test_spaces_inside_khmer_words_are_removed():
    assert normalise("ម៉ោ ង ធ្វើ ការ ១២") == "ម៉ោងធ្វើការ 12"


def test_abbreviations_do_not_end_sentences():
    assert sentences("Passport No. N123 is kept by Co., Ltd. staff. Next.") == [
        "Passport No. N123 is kept by Co., Ltd. staff.", "Next."]


def test_negation_reaches_every_item_of_a_list():
    text = normalise("No deposit, bond or collateral of any kind is required.")
    assert affirmed("deposit", text) == []


def test_contrast_ends_a_negation():
    text = normalise("No agency fee is charged, but the worker shall pay a deposit of USD 200.")
    assert affirmed("deposit", text)


def test_regression_zero_amount_at_sentence_end_is_zero():
    assert concept("zero_or_waived").search(normalise("The service fee charged to the worker is USD 0."))
    assert "FEE001" not in _rules("The service fee charged to the Worker is USD 0.")
    assert "FEE001" not in _rules("ថ្លៃសេវាដែលពលករត្រូវបង់៖ ០ ដុល្លារអាមេរិក។")


def test_regression_riel_sign_is_not_khmer_text():
    assert not has_khmer("Medical examination ៛180,000")
    assert khmer_share("Medical examination ៛180,000 ១២៣") == 0.0


def test_regression_khmer_sick_leave_is_not_medical_cover():
    contract = example_contract()
    contract.clauses = [c for c in contract.clauses if "social security" not in c.text]
    contract.clauses.append(Clause(page=2, text="ពលករមានសិទ្ធិទទួលបានការឈប់សម្រាកព្យាបាលជំងឺដោយមានប្រាក់ឈ្នួល ១៥ ថ្ងៃ។"))
    assert "WRK013" in {f.rule for f in check_contract(contract, example_registry())}


def test_regression_statutory_deduction_is_not_insurance_cover():
    contract = example_contract()
    contract.clauses = [c for c in contract.clauses if "social security and insure" not in c.text]
    assert "WRK013" in {f.rule for f in check_contract(contract, example_registry())}


def test_ocr_dropped_below_vowels_still_match():
    assert concept("paid").search(normalise("ដោយមានប្រាក់ឈ្នល"))
    assert concept("employer_pays").search(normalise("ជាបន្ទករបស់និយោជក"))


def test_fee_table_rows_by_payer():
    assert "FEE001" in _rules("Agency service fee | USD 1,500 | Worker")
    assert "FEE001" not in _rules("Agency service fee | USD 1,500 | Employer")
    assert "FEE002" in _rules("Visa | THB 2,000 | Worker")
    assert "FEE002" not in _rules("Visa | THB 2,000 | Employer")


def test_employer_pays_agency_fee_is_not_a_worker_fee():
    assert "FEE001" not in _rules("The Employer shall pay the Agency a service fee of USD 450 per worker recruited.")


def test_return_ticket_paid_by_worker_is_wrk007_not_fee002():
    found = _rules("The Worker pays for the air ticket home at the end of the contract.")
    assert "WRK007" in found and "FEE002" not in found


def test_pay_slip_listing_deductions_is_not_debt():
    assert "FEE003" not in _rules("The Employer gives a pay slip showing wages, hours and any deductions.")


def test_evidence_points_at_page_text_and_box():
    contract = example_contract()
    contract.clauses.append(Clause(page=3, text="The Employer keeps the Worker's passport.", bbox=(1, 2, 3, 4)))
    finding = next(f for f in check_contract(contract, example_registry()) if f.rule == "WRK006")
    assert (finding.evidence[0].page, finding.evidence[0].bbox) == (3, (1, 2, 3, 4))
    assert "passport" in finding.evidence[0].text
