"""Paraphrases no example uses, in English and Khmer: the vocabulary must carry over to contracts
written in other words. `add` appends the clause to the compliant example contract; `replace`
also removes the clauses of the rule's topic. A rule prefixed with ! must not fire."""
from __future__ import annotations

import pytest

from compliance_rules.check import check_contract
from compliance_rules.examples import clause_texts, example_contract, example_registry
from compliance_rules.model import Clause
from compliance_rules.rule import get_rule

CASES = [
    ('add', 'FEE001', 'The Worker agrees to pay USD 2,500 to the Agency for placement services.'),
    ('add', 'FEE001', 'A commission of 1,000 dollars shall be paid by the applicant to the broker.'),
    ('add', '!FEE001', 'Recruitment is free of charge for the Worker.'),
    ('add', '!FEE001', "The agency's service charge is paid in full by the Employer."),
    ('add', 'FEE002', 'The applicant bears the costs of the medical check-up and the police clearance.'),
    ('add', '!FEE002', 'Costs of the medical check-up and the police clearance are the responsibility of the Employer.'),
    ('add', 'FEE003', "The Agency will advance the costs and the Employer will recover them from the Worker's salary."),
    ('add', 'FEE003', 'Salary shall be paid to the Agency, which will remit the balance to the Worker.'),
    ('add', '!FEE003', 'Deductions from wages are limited to amounts required by law.'),
    ('add', 'FEE004', "The Worker's family must sign as guarantor and hand over the land certificate."),
    ('add', '!FEE004', 'The Agency has lodged a bank guarantee with the Ministry as required for its licence.'),
    ('replace', 'FEE005', "Recruitment costs will be handled according to the agency's policy."),
    ('replace', '!FEE005', 'The Agency shall not collect any money from the Worker for the recruitment.'),
    ('add', 'WRK006', "The Employer will take care of the Worker's passport during employment."),
    ('add', '!WRK006', "The Employer may keep a photocopy of the Worker's passport."),
    ('add', '!WRK006', "The Employer shall not retain the Worker's passport or identity card."),
    ('replace', 'WRK007', 'The cost of the return ticket shall be borne by the Worker.'),
    ('replace', '!WRK007', 'The Employer provides a one-way air ticket home free of charge at the end of the contract.'),
    ('add', 'WRK008', 'If the Worker terminates the contract before its expiry, he must reimburse the Employer for the airfare.'),
    ('add', '!WRK008', 'If the Employer terminates the contract early, the Employer shall pay compensation to the Worker.'),
    ('replace', 'WRK009', 'Complaints shall be addressed to the Agency only.'),
    ('replace', '!WRK009', 'Any grievance may be reported to the Cambodian Embassy or the Labour Department.'),
    ('add', 'WRK012', 'The Worker is not allowed to go out of the house on rest days.'),
    ('add', 'WRK012', 'The Worker may use the phone only once a week.'),
    ('add', '!WRK012', 'Phones must be switched off in the production area during shifts.'),
    ('replace', 'WRK013', 'The Worker shall pay for his own treatment if he falls ill.'),
    ('replace', '!WRK013', "The Employer shall cover the Worker under the workmen's compensation scheme and pay medical expenses."),
    ('replace', 'WRK005', 'Holidays are unpaid.'),
    ('replace', '!WRK005', 'The Worker shall receive 7 days of annual leave with full pay.'),
    ('replace', '!WRK004', 'Sunday is the weekly day off.'),
    ('add', 'WRK004', 'The Worker works seven days per week without a day off.'),
    ('add', 'WRK003', 'Overtime is compensated by the monthly salary and no extra payment is made.'),
    ('add', '!WRK003', 'Overtime is voluntary and paid at 150% of the normal rate.'),
    ('add', 'FEE002', 'The Worker shall pay USD 300 for the visa and accommodation is free.'),
    ('replace', '!FEE005', 'The Worker shall not pay any fees to anyone for this job.'),
    ('add', 'WRK003', 'Overtime is not compensated separately.'),
    ('add', '!FEE001', 'Placement is for free for the Worker.'),
    ('add', 'FEE001', 'ពលករត្រូវបង់ថ្លៃសេវាចំនួន ១.២០០ ដុល្លារ ទៅភ្នាក់ងារ។'),
    ('add', '!FEE001', 'ភ្នាក់ងារមិនគិតថ្លៃសេវាពីពលករឡើយ។'),
    ('add', 'FEE002', 'ថ្លៃលិខិតឆ្លងដែន និងថ្លៃទិដ្ឋាការ ជាបន្ទុករបស់ពលករ។'),
    ('add', '!FEE002', 'ថ្លៃលិខិតឆ្លងដែន និងថ្លៃទិដ្ឋាការ ជាបន្ទុករបស់និយោជក។'),
    ('add', 'FEE003', 'ថ្លៃចំណាយទាំងនេះនឹងត្រូវកាត់ពីប្រាក់ខែរបស់ពលករ ជារៀងរាល់ខែ។'),
    ('add', 'FEE004', 'គ្រួសាររបស់ពលករត្រូវប្រគល់ប្លង់ដីទៅភ្នាក់ងារជាវត្ថុធានា។'),
    ('add', 'WRK006', 'ក្រុមហ៊ុននឹងកាន់កាប់លិខិតឆ្លងដែនរបស់ពលករ។'),
    ('add', '!WRK006', 'ពលករមានសិទ្ធិរក្សាទុកលិខិតឆ្លងដែនរបស់ខ្លួន។'),
    ('replace', 'WRK007', 'ពលករត្រូវចំណាយថ្លៃសំបុត្រត្រឡប់មកស្រុកវិញដោយខ្លួនឯង។'),
    ('replace', '!WRK007', 'និយោជកទទួលបន្ទុកថ្លៃសំបុត្រយន្តហោះត្រឡប់មកភ្នំពេញវិញ។'),
    ('add', 'WRK008', 'ប្រសិនបើពលកររត់ចោលការងារ ពលករត្រូវសងសំណងចំនួន ៥០០ ដុល្លារ។'),
    ('add', '!WRK008', 'ពលករមិនត្រូវបង់សំណង ឬប្រាក់ពិន័យណាមួយ ប្រសិនបើលាឈប់ឡើយ។'),
    ('replace', 'WRK009', 'វិវាទត្រូវដោះស្រាយតែដោយភ្នាក់ងារប៉ុណ្ណោះ។'),
    ('replace', '!WRK009', 'ពលករអាចប្តឹងទៅមន្ទីរការងារ ឬស្ថានទូតកម្ពុជា។'),
    ('add', 'WRK012', 'ពលករមិនត្រូវចេញក្រៅអន្តេវាសិកដ្ឋានដោយគ្មានការអនុញ្ញាតពីនិយោជកឡើយ។'),
    ('add', '!WRK012', 'ហាមប្រើទូរស័ព្ទក្នុងម៉ោងធ្វើការ ដើម្បីសុវត្ថិភាព។'),
    ('replace', 'WRK013', 'ពលករត្រូវចេញថ្លៃព្យាបាលដោយខ្លួនឯង។'),
    ('replace', '!WRK013', 'និយោជកត្រូវចុះឈ្មោះពលករក្នុងរបបសន្តិសុខសង្គម។'),
    ('replace', 'WRK005', 'ការឈប់សម្រាកប្រចាំឆ្នាំគឺគ្មានប្រាក់ឈ្នួល។'),
    ('replace', '!WRK005', 'ពលករទទួលបានច្បាប់ឈប់សម្រាកប្រចាំឆ្នាំ ១០ ថ្ងៃ ដោយមានប្រាក់ឈ្នួលពេញ។'),
    ('add', 'WRK003', 'ម៉ោងបន្ថែមមិនបើកប្រាក់បន្ថែមទេ។'),
]


@pytest.mark.parametrize(("mode", "expect", "text"), CASES)
def test_paraphrase(mode, expect, text):
    rule = get_rule(expect.lstrip("!"))
    contract = example_contract()
    if mode == "replace":
        topic_texts = set(clause_texts()) - set(clause_texts(rule.topics))
        contract.clauses = [c for c in contract.clauses if c.text not in topic_texts]
    contract.clauses.append(Clause(page=2, text=text))
    fired = rule.id in {f.rule for f in check_contract(contract, example_registry())}
    assert fired != expect.startswith("!"), text

