"""Term extraction on contracts written for these tests: other names, words and layouts than
the shared corpus, so that passing means the cues are structural, not memorised phrases."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from importers.document import Document, Line, Page, Word
from importers.terms import extract, passport_hash

KEY = b"\x01" * 32


def _line(text: str, x0: float, top: float) -> Line:
    words, x = [], x0
    for token in text.split():
        words.append(Word(token, (x, top, x + 5.0 * len(token), top + 10.0)))
        x += 5.0 * (len(token) + 1)
    return Line(words)


def document(*blocks: str | tuple[str, ...]) -> Document:
    """One page per call; a string is a line of prose (a blank string leaves a paragraph gap),
    a tuple is a table row whose cells start at fixed columns."""
    lines, top = [], 40.0
    for block in blocks:
        if block == "":
            top += 12
            continue
        if isinstance(block, tuple):
            for cell, x in zip(block, (50, 250, 420)):
                lines.append(_line(cell, x, top))
        else:
            lines.append(_line(block, 50, top))
        top += 14
    return Document(sha256="f" * 64, pages=[Page(1, 600, 900, lines, source="pdftotext")])


ENGLISH = document(
    "CONTRACT OF EMPLOYMENT ABROAD",
    "",
    "Signed on 9 January 2025 by and between:",
    "",
    "Employer: Name Orchid Garments Sdn. Bhd.; Country Malaysia",
    "Recruitment agency: Name Lotus Workforce Co., Ltd.; Licence No. MLVT PRA 311.2016",
    "Worker: Name Test Person; Date of birth 02/03/1999; Passport No. R1234567",
    "Broker: Name Chan Test; Sub-licence No. MLVT-SUB-7777/2024",
    "",
    "Article 1 – Job",
    "Job title: Sewing machine operator. Place of work: Batu Pahat, Johor, Malaysia.",
    "",
    "Article 2 – Term",
    "The term of this contract is two (2) years.",
    "",
    "Article 3 – Pay",
    "Monthly salary of RM1,750 paid by bank transfer.",
    "Overtime shall be paid at RM 12 per hour.",
    "",
    "Article 4 – Working time",
    "Working hours: 08:00 to 17:30 with a 90-minute meal break, 5 days per week.",
    "The Worker is entitled to two days off per week.",
    "",
    "Article 5 – Costs",
    ("Cost", "Amount", "Paid by"),
    ("Placement fee", "USD 600", "Worker"),
    ("Medical check-up", "USD 35", "Employer"),
    ("Flight ticket", "USD 0", "Worker"),
    "",
    "The Worker shall pay a security deposit of USD 300 before departure.",
    "If the Worker leaves before the end of the term the Worker shall pay a penalty of USD 900.",
    "",
    "Signed in Phnom Penh on 9 January 2025.",
    "Date: 09/01/2025",
)


def test_parties_and_numbers_as_printed():
    terms = extract(ENGLISH, passport_key=KEY).terms
    assert terms.agency_name.value == "Lotus Workforce Co., Ltd."
    assert terms.agency_licence_no.value == "MLVT PRA 311.2016"
    assert terms.broker_name.value == "Chan Test"
    assert terms.broker_sub_licence_no.value == "MLVT-SUB-7777/2024"
    assert terms.employer_name.value == "Orchid Garments Sdn. Bhd."
    assert terms.destination_country.value == "MY"
    assert terms.agency_name.source.page == 1
    assert "Lotus Workforce" in terms.agency_name.source.text


def test_job_duration_wage_and_schedule():
    terms = extract(ENGLISH, passport_key=KEY).terms
    assert terms.job_title.value == "Sewing machine operator"
    assert terms.workplace.value == "Batu Pahat, Johor"
    assert terms.contract_months.value == 24
    assert (terms.wage_amount.value, terms.wage_currency.value, terms.wage_period.value) == (
        Decimal(1750), "MYR", "month")
    assert terms.hours_per_day.value == Decimal(8)
    assert terms.hours_per_week.value == Decimal(40)
    assert terms.rest_days_per_week.value == 2
    assert terms.signing_date.value == dt.date(2025, 1, 9)


def test_fees_keep_worker_paid_positive_amounts_only():
    fees = extract(ENGLISH, passport_key=KEY).terms.worker_fees
    assert sorted((f.item, f.amount, f.currency) for f in fees) == [
        ("deposit", Decimal(300), "USD"),
        ("recruitment fee", Decimal(600), "USD"),
    ]
    assert all(f.source is not None for f in fees)


def test_passport_number_is_only_kept_as_keyed_hash():
    contract = extract(ENGLISH, passport_key=KEY)
    assert contract.terms.worker_passport_hash == passport_hash("R1234567", KEY)
    assert contract.terms.worker_passport_hash != passport_hash("R1234567", b"\x02" * 32)
    assert "R1234567" not in contract.terms.model_dump_json()


def test_vague_terms_have_no_value():
    terms = extract(document(
        "Employer: Name to be assigned on arrival; Country Thailand",
        "",
        "1. Work",
        "The Employer employs the Worker as general worker at any site in Thailand.",
        "2. Wages",
        "The Worker may earn between 9,000 and 12,000 baht per month.",
        "3. Rest",
        "Rest days are given at the Employer's discretion.",
    ), passport_key=KEY).terms
    assert terms.employer_name is None
    assert terms.wage_amount is None
    assert terms.wage_currency.value == "THB"
    assert terms.wage_period.value == "month"
    assert terms.rest_days_per_week is None
    assert terms.destination_country.value == "TH"


def test_khmer_contract():
    contract = extract(document(
        "កិច្ចសន្យាការងារ",
        "",
        "និយោជក: ឈ្មោះ Golden Harvest Co., Ltd.; ប្រទេស ប្រទេសថៃ",
        "ភ្នាក់ងារជ្រើសរើស: ឈ្មោះ ក្រុមហ៊ុន ឡូតុស ឯ.ក; លេខអាជ្ញាប័ណ្ណ MLVT-PRA-៣១១/២០១៦",
        "",
        "ប្រការ ១៖ ប្រាក់ឈ្នួល",
        "និយោជកត្រូវបើកប្រាក់ឈ្នួលឱ្យពលករចំនួន ៣៥០ បាត ក្នុងមួយថ្ងៃ។",
        "ប្រការ ២៖ ម៉ោងធ្វើការ",
        "ម៉ោងធ្វើការ ៨ ម៉ោងក្នុងមួយថ្ងៃ និង ៤៨ ម៉ោងក្នុងមួយសប្តាហ៍។",
        "ពលករមានសិទ្ធិឈប់សម្រាក មួយថ្ងៃ ក្នុងមួយសប្តាហ៍។",
        "ប្រការ ៣៖ រយៈពេល",
        "កិច្ចសន្យានេះមានរយៈពេល ២៤ ខែ។",
        "ធ្វើនៅរាជធានីភ្នំពេញ ថ្ងៃទី៥ ខែមីនា ឆ្នាំ២០២៥",
    ), passport_key=KEY)
    terms = contract.terms
    assert contract.has_khmer_text
    assert terms.agency_name.value == "ក្រុមហ៊ុន ឡូតុស ឯ.ក"
    assert terms.agency_licence_no.value == "MLVT-PRA-៣១១/២០១៦"
    assert terms.destination_country.value == "TH"
    assert (terms.wage_amount.value, terms.wage_currency.value, terms.wage_period.value) == (
        Decimal(350), "THB", "day")
    assert (terms.hours_per_day.value, terms.hours_per_week.value) == (Decimal(8), Decimal(48))
    assert terms.rest_days_per_week.value == 1
    assert terms.contract_months.value == 24
    assert terms.signing_date.value == dt.date(2025, 3, 5)


def test_every_day_work_means_zero_rest_days():
    terms = extract(document(
        "4. Hours",
        "The Worker shall work 10 hours a day, seven days a week.",
    ), passport_key=KEY).terms
    assert terms.rest_days_per_week.value == 0
    assert terms.hours_per_week.value == Decimal(70)


def test_parties_named_in_preamble_and_unlabelled_values():
    terms = extract(document(
        "This agreement is made between Lotus Workforce Co., Ltd. (the \"Agency\") and",
        "Mekong Valley Farms Ltd. (the \"Employer\") on 2 June 2025.",
        "",
        "Worker: Name Test Person, Passport No. R7654321",
        "",
        "1. Fees",
        "A visa fee of USD 90 shall be paid by the Worker.",
        "The cost of the medical check-up, USD 40, will be deducted from the Worker's first wage.",
        "The Employer shall pay the air ticket of USD 300.",
    ), passport_key=KEY).terms
    assert terms.agency_name.value == "Lotus Workforce Co., Ltd."
    assert terms.employer_name.value == "Mekong Valley Farms Ltd."
    assert terms.worker_passport_hash == passport_hash("R7654321", KEY)
    assert sorted((f.item, f.amount) for f in terms.worker_fees) == [
        ("medical examination", Decimal(40)), ("visa", Decimal(90))]


def test_party_line_with_unlabelled_name():
    terms = extract(document(
        "Employer: Riverside Foods Co., Ltd., Address 12 Main Road, Bangkok",
        "Agency: Lotus Workforce Co., Ltd., Licence No. MLVT-PRA-311/2016",
    ), passport_key=KEY).terms
    assert terms.employer_name.value == "Riverside Foods Co., Ltd."
    assert terms.agency_name.value == "Lotus Workforce Co., Ltd."
    assert terms.agency_licence_no.value == "MLVT-PRA-311/2016"


def test_party_rows_words_in_parentheses_and_other_duration_words():
    terms = extract(document(
        ("Employer", "Riverside Foods Co., Ltd."),
        ("Agency", "Lotus Workforce Co., Ltd."),
        "",
        "1. Position",
        "The Employer engages the Worker as a poultry processing worker.",
        "2. Period",
        "This contract shall remain in force for three (3) years from arrival.",
        "3. Hours",
        "Normal working time is eight (8) hours per day and forty-eight (48) hours per week.",
    ), passport_key=KEY).terms
    assert terms.employer_name.value == "Riverside Foods Co., Ltd."
    assert terms.agency_name.value == "Lotus Workforce Co., Ltd."
    assert terms.job_title.value == "poultry processing worker"
    assert terms.contract_months.value == 36
    assert (terms.hours_per_day.value, terms.hours_per_week.value) == (Decimal(8), Decimal(48))


def test_fee_table_with_a_column_per_payer():
    fees = extract(document(
        "6. Costs",
        ("Item", "Paid by worker", "Paid by employer"),
        ("Visa", "USD 80", "-"),
        ("Air ticket", "-", "USD 310"),
        ("Training", "USD 0", "-"),
    ), passport_key=KEY).terms.worker_fees
    assert [(f.item, f.amount, f.currency) for f in fees] == [("visa", Decimal(80), "USD")]


def test_money_paid_to_the_worker_or_refunded_is_no_fee():
    fees = extract(document(
        "5. Costs",
        "The Employer shall reimburse the visa fee of USD 80 paid to the Worker on arrival.",
        "The Worker shall not be charged any placement fee of USD 500.",
        "The Employer shall pay the Worker a settling-in allowance of USD 50.",
    ), passport_key=KEY).terms.worker_fees
    assert fees == []


def test_licence_number_from_the_letterhead_when_the_parties_omit_it():
    terms = extract(document(
        "LOTUS WORKFORCE CO., LTD.",
        "Licence No. MLVT-PRA-311/2016 · No. 12, Street 3, Phnom Penh",
        "",
        "Broker: Name Chan Test; Sub-licence No. MLVT-SUB-7777/2024",
    ), passport_key=KEY).terms
    assert terms.agency_licence_no.value == "MLVT-PRA-311/2016"
    assert terms.broker_sub_licence_no.value == "MLVT-SUB-7777/2024"


def test_a_sub_licence_is_not_the_agency_licence():
    terms = extract(document("Broker: Name Chan Test; Sub-licence No. MLVT-SUB-7777/2024"), passport_key=KEY).terms
    assert terms.agency_licence_no is None
