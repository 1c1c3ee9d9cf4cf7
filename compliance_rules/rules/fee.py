"""FEE: recruitment fees and costs charged to the worker (recommendation 11)."""
from __future__ import annotations

from decimal import Decimal

from compliance_rules.model import ContractForCheck, Evidence, Fee
from compliance_rules.passages import Passage, absence_evidence, evidence_of, passages
from compliance_rules.reference import fee_rule, statutory_item, statutory_mention
from compliance_rules.registry_facts import RegistryFacts
from compliance_rules.rule import Example, Reference, Rule, Verdict, register
from compliance_rules.rules import licensing
from compliance_rules.rules.common import (
    ILO_C181_ART7, ILO_FEES_2019, ILO_INDICATORS_2012, RECOMMENDATION, charge_negated,
    employer_pays, nonzero_amount, worker_pays,
)
from compliance_rules.vocabulary import affirmed


def _amount(fee: Fee) -> str | None:
    return None if fee.amount is None else f"{fee.currency or ''} {fee.amount:,}".strip()


def _fee_list(fees: list[Fee]) -> str:
    """"recruitment fee (USD 600), passport": what an inspector asks first, the sums included."""
    named = {f"{fee.item} ({_amount(fee)})" if _amount(fee) else fee.item for fee in fees}
    return ", ".join(sorted(named))


def _fee_evidence(fee: Fee) -> Evidence:
    text = fee.source.text if fee.source else f"{fee.item}: {_amount(fee) or 'unknown amount'} paid by the worker"
    return Evidence(page=fee.source.page if fee.source else None, text=text,
                    bbox=fee.source.bbox if fee.source else None)


def _charged(fee: Fee) -> bool:
    return fee.amount is None or fee.amount > Decimal(0)


def _worker_fees(contract: ContractForCheck, rule_id: str) -> list[Fee]:
    terms = contract.terms
    country = terms.destination_country.value if terms.destination_country else None
    day = terms.signing_date.value if terms.signing_date else None
    return [
        fee for fee in terms.worker_fees
        if fee_rule(fee.item) == rule_id and _charged(fee)
        and not statutory_item(country, fee.item, fee.source.text if fee.source else "", day)
    ]


def _charges_worker(passage: Passage) -> bool:
    """The sentence puts a cost on the worker: the worker pays it, shares it, or is promised a
    refund if not deployed (which proves it was collected); an employer reimbursing it in full
    takes it off again."""
    if passage.has("refund_if_not_deployed") or passage.affirms("shared_cost"):
        return True
    return worker_pays(passage) and not passage.affirms("reimbursed")


def _not_employer_paid(passage: Passage, name: str) -> bool:
    """Some statement of the sentence names the item without the employer paying it: in `No fee
    is charged to the worker; the employer pays the medical examination and the bond` the
    worker is named in one statement and the items in another, which the employer pays."""
    return any(part.affirms(name) and not employer_pays(part) for part in passage.parts())


# FEE001 ------------------------------------------------------------------------------------

def recruitment_fee_passages(contract: ContractForCheck) -> list[Passage]:
    return [
        p for p in passages(contract)
        if p.affirms("recruitment_fee") and _charges_worker(p) and nonzero_amount(p)
    ]


def _fee001(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    fees = _worker_fees(contract, "FEE001")
    found = recruitment_fee_passages(contract)
    if not fees and not found:
        return None
    aggravating = [
        name for name, detector in (("financed by wage deduction or loan", _fee003),
                                    ("backed by a deposit or collateral", _fee004),
                                    ("collected by an unlicensed agency", licensing.LIC001.detect),
                                    ("collected through a broker not sub-licensed to the agency",
                                     licensing.LIC004.detect))
        if detector(contract, facts) is not None
    ]
    items = _fee_list(fees) or "a recruitment or service fee"
    explanation = f"The worker is charged: {items}. Recruitment fees must not be charged to workers."
    if aggravating:
        explanation += " The fee is " + " and ".join(aggravating) + "."
    return Verdict(explanation, [*map(_fee_evidence, fees), *evidence_of(found)][:6],
                   "critical" if aggravating else None)


FEE001 = Rule(
    id="FEE001",
    title="Recruitment fee charged to the worker",
    severity="high",
    severity_conditions=("critical when the fee is financed by a loan or wage deduction (FEE003), backed by "
                         "a deposit or collateral (FEE004), or collected by an unlicensed agency (LIC001) or a "
                         "broker not sub-licensed to it (LIC004)",),
    rationale="Workers who pay for their own recruitment start their migration in debt; fees paid to any "
              "link in the chain (agency, broker, employer's agent) are the main route into debt bondage.",
    fires_when="The worker pays (or is to pay) a recruitment, placement, service, processing or commission "
               "fee with an amount above zero, to anyone; a refund promised if the worker is not deployed "
               "shows the fee was collected; costs 'shared' with the worker are charged in part.",
    must_not_fire="'No fee shall be charged to the worker'; a fee the employer pays to the agency; a fee "
                  "stated as USD 0, nil or N/A; money paid to the worker.",
    references=(ILO_C181_ART7, ILO_FEES_2019, RECOMMENDATION["FEE"],
                Reference("No Cambodian text found that caps or bans worker-paid service fees; FEE001 rests on "
                          "the international standard and recommendation 11", False)),
    good=(
        Example("The Agency shall not collect any placement or service fee from the Worker or the Worker's family.",
                note="negation"),
        Example("The Employer pays the Agency a recruitment fee of USD 600 for each worker placed.",
                note="fee paid by the employer"),
        Example("Agency service charge payable by the Worker: nil.", note="nil amount"),
        Example("ពលករមិនត្រូវបង់កម្រៃជើងសារ ឬថ្លៃសេវាណាមួយដល់ភ្នាក់ងារឡើយ។", "km", "negation"),
        Example("និយោជកជាអ្នកបង់ថ្លៃសេវាជ្រើសរើសទាំងអស់ដល់ភ្នាក់ងារ។", "km", "employer pays"),
    ),
    bad=(
        Example("Before departure the Worker shall pay the Agency a placement fee of USD 1,200."),
        Example("A processing fee of $450 is payable by the worker and will be refunded if the worker is not deployed.",
                note="refund clause"),
        Example("ពលករត្រូវបង់កម្រៃជើងសារចំនួន ៨០០ ដុល្លារ ដល់ភ្នាក់ងារមុនចេញដំណើរ។", "km"),
    ),
    detect=_fee001,
    topics=("fees",),
)


# FEE002 ------------------------------------------------------------------------------------

def related_cost_passages(contract: ContractForCheck) -> list[Passage]:
    """Sentences charging the worker a recruitment-related cost. Return travel is WRK007's
    business, and a sentence about the recruitment fee alone is FEE001's."""
    terms = contract.terms
    country = terms.destination_country.value if terms.destination_country else None
    day = terms.signing_date.value if terms.signing_date else None
    out = []
    for p in passages(contract):
        specific = p.affirms("related_cost") and _not_employer_paid(p, "related_cost")
        generic = p.affirms("fee_or_cost") and p.has("recruitment_context") and not p.has("recruitment_fee")
        # Asked first: most sentences name no cost, and who pays is the dearer question.
        if not (specific or generic):
            continue
        if p.has("return_travel") or not _charges_worker(p) or statutory_mention(country, p.text, day):
            continue
        out.append(p)
    return out


def _fee002(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    fees = _worker_fees(contract, "FEE002")
    found = related_cost_passages(contract)
    if not fees and not found:
        return None
    items = _fee_list(fees) or "recruitment-related costs"
    return Verdict(f"The worker bears: {items}. Costs linked to recruitment are the employer's.",
                   [*map(_fee_evidence, fees), *evidence_of(found)][:6])


FEE002 = Rule(
    id="FEE002",
    title="Recruitment-related cost borne by the worker",
    severity="high",
    severity_conditions=("medium when small, itemised and reimbursed against receipt",),
    rationale="Passports, visas, medical checks, training, tickets and paperwork add up to months of "
              "wages; the ILO definition counts them as related costs the worker must not bear.",
    fires_when="The worker bears a recruitment-related cost: medical examination, insurance, skills or "
               "language tests, training and orientation, equipment, travel and lodging, or administrative "
               "documents (passport, visa, work permit, document processing), in whole or in part.",
    must_not_fire="Costs the employer bears or reimburses in full; a statutory item the destination's law "
                  "puts on the worker (data/statutory_worker_items.json, info only); costs unrelated to "
                  "recruitment; return travel (WRK007).",
    references=(ILO_FEES_2019, ILO_C181_ART7, RECOMMENDATION["FEE"]),
    good=(
        Example("The Employer shall pay for the Worker's visa, work permit and medical check-up before departure."),
        Example("If the Worker has paid for the medical check-up, the Employer shall reimburse the Worker in full "
                "on arrival.", note="reimbursement"),
        Example("The Worker shall not be asked to pay for the passport, visa or training, directly or indirectly.",
                note="negation"),
        Example("និយោជកជាអ្នកចេញថ្លៃទិដ្ឋាការ ប័ណ្ណការងារ និងការពិនិត្យសុខភាពទាំងអស់។", "km"),
        Example("The Worker pays the premium of the return cost insurance required under the EPS.",
                terms={"destination_country": "KR"}, note="statutory worker-paid item in Korea"),
    ),
    bad=(
        Example("The Worker shall cover the cost of the visa (USD 90) and the pre-departure training (USD 60)."),
        Example("Medical check-up and passport fees are shared equally between the Worker and the Employer.",
                note="costs shared"),
        Example("ពលករត្រូវបង់ថ្លៃទិដ្ឋាការ និងថ្លៃពិនិត្យសុខភាពដោយខ្លួនឯង។", "km"),
    ),
    detect=_fee002,
    topics=("fees",),
)


# FEE003 ------------------------------------------------------------------------------------

def debt_passages(contract: ContractForCheck) -> list[Passage]:
    out = []
    for p in passages(contract):
        deduction = p.affirms("wage_deduction") and (
            p.has_any("fee_or_cost", "loan", "recruitment_fee", "related_cost")
            or (p.has("money_amount") and not p.has("statutory_deduction"))
        )
        loan = p.affirms("loan") and p.has_any("repayment", "wage_deduction") and (
            p.has_any("fee_or_cost", "money_amount", "worker")
        )
        if deduction or loan or p.affirms("wages_to_agency"):
            out.append(p)
    return out


def _fee003(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    found = debt_passages(contract)
    if not found:
        return None
    return Verdict("Recruitment fees or costs are recovered from the worker's wages or financed by a loan the "
                   "worker must repay: a debt-bondage indicator.", evidence_of(found))


FEE003 = Rule(
    id="FEE003",
    title="Fees or costs recovered from wages or financed by a loan",
    severity="critical",
    severity_conditions=(),
    rationale="Deducting recruitment debts from wages, or lending the worker the money, ties the worker "
              "to the job until the debt is paid: debt bondage (ILO forced-labour indicator; Cambodian "
              "Labour Law Art. 16 forbids hiring people to pay off debts).",
    fires_when="Fees or costs are deducted from wages, or financed by a loan or advance the worker or "
               "family repays, or the wages are paid to the agency.",
    must_not_fire="Statutory deductions (income tax, social security); 'no deduction except as required by "
                  "law'; a pay slip listing deductions.",
    references=(ILO_INDICATORS_2012, ILO_FEES_2019, RECOMMENDATION["FEE"],
                Reference("Labour Law of the Kingdom of Cambodia (1997), Art. 16", False)),
    good=(
        Example("Only income tax and social security contributions required by law may be deducted from the wage."),
        Example("No deduction shall be made from the Worker's salary except as required by law.", note="negation"),
        Example("និយោជកអាចកាត់ពីប្រាក់ឈ្នួលបានតែពន្ធ និងភាគទានសន្តិសុខសង្គមតាមច្បាប់ប៉ុណ្ណោះ។", "km"),
    ),
    bad=(
        Example("The costs advanced by the Agency (USD 400) will be deducted from the Worker's salary in eight "
                "monthly instalments."),
        Example("The Agency lends the Worker USD 900 for the travel costs; the loan shall be repaid out of the "
                "Worker's monthly wages."),
        Example("ភ្នាក់ងារផ្តល់ប្រាក់កម្ចី ៥០០ ដុល្លារ ដល់ពលករ ហើយប្រាក់កម្ចីនេះត្រូវកាត់ពីប្រាក់ឈ្នួលប្រចាំខែ។", "km"),
    ),
    detect=_fee003,
    topics=("deductions",),
)


# FEE004 ------------------------------------------------------------------------------------

def deposit_passages(contract: ContractForCheck) -> list[Passage]:
    return [
        p for p in passages(contract)
        if p.affirms("deposit") and p.has("worker") and _not_employer_paid(p, "deposit")
        and not p.has("deposit_lodged_by_agency") and not p.has("wage_into_account")
    ]


def _fee004(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    fees = _worker_fees(contract, "FEE004")
    found = deposit_passages(contract)
    if not fees and not found:
        return None
    return Verdict("A deposit, bond, guarantee or collateral is demanded from the worker or the worker's "
                   "family (refundable or not).", [*map(_fee_evidence, fees), *evidence_of(found)][:6])


FEE004 = Rule(
    id="FEE004",
    title="Deposit, bond or collateral demanded from the worker or family",
    severity="critical",
    severity_conditions=(),
    rationale="A deposit or a family's land title held against the worker's staying in the job turns "
              "leaving into a loss for the family: an illegitimate cost and a forced-labour indicator.",
    fires_when="A deposit, bond, guarantee, collateral (a land title, a relative's identity card or family "
               "book) or guarantor liability is demanded from the worker or the worker's family, refundable "
               "or not.",
    must_not_fire="A deposit the agency or employer lodges with a government body; employer-paid "
                  "wage-guarantee insurance; wages paid into the worker's bank account.",
    references=(ILO_FEES_2019, ILO_INDICATORS_2012, RECOMMENDATION["FEE"]),
    good=(
        Example("Neither the Worker nor the Worker's relatives shall be required to give any deposit, bond or "
                "collateral.", note="negation"),
        Example("The Agency maintains a security deposit with the Ministry of Labour and Vocational Training "
                "as its licence requires.", note="deposit lodged by the agency"),
        Example("The Worker's wages shall be deposited into the Worker's own bank account.", note="bank account"),
        Example("ពលករ ឬគ្រួសារមិនត្រូវដាក់ប្រាក់កក់ ឬវត្ថុធានាណាមួយឡើយ។", "km", "negation"),
    ),
    bad=(
        Example("The Worker's parents shall hand over the family land title to the Agency as collateral until the "
                "contract ends."),
        Example("The Worker shall pay a refundable security deposit of USD 300 before departure.",
                note="refundable deposit"),
        Example("ពលករត្រូវដាក់ប្រាក់កក់ចំនួន ៥០០ ដុល្លារ ទុកនៅភ្នាក់ងារ។", "km"),
    ),
    detect=_fee004,
    topics=("deposit",),
)


# FEE005 ------------------------------------------------------------------------------------

def cost_allocation_passages(contract: ContractForCheck) -> list[Passage]:
    """Sentences that say who bears recruitment fees and costs (either way)."""
    out = []
    for p in passages(contract):
        if not p.has_any("recruitment_fee", "recruitment_cost_item", "recruitment_context"):
            continue  # first: it sets most sentences aside
        if p.has("cost_left_open") or p.has("return_travel"):
            continue
        if not p.has_any("fee_or_cost", "recruitment_fee", "recruitment_cost_item"):
            continue
        if employer_pays(p) or worker_pays(p) or charge_negated(p, "fee_or_cost") \
                or charge_negated(p, "recruitment_fee") or affirmed("shared_cost", p.norm):
            out.append(p)
    out += [
        p for p in passages(contract)
        if p.has("worker") and p.has_any("recruiter", "recruitment_context", "fee_or_cost")
        and charge_negated(p, "payment")
    ]
    return out


def _fee005(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    if contract.terms.worker_fees or cost_allocation_passages(contract):
        return None
    if any(detector(contract, facts) for detector in (_fee001, _fee002, _fee003, _fee004)):
        return None
    return Verdict("The contract does not say who bears recruitment fees and costs.",
                   absence_evidence(contract, "saying who bears recruitment fees and costs"))


FEE005 = Rule(
    id="FEE005",
    title="Contract silent on who bears recruitment fees and costs",
    severity="medium",
    severity_conditions=(),
    rationale="Silence leaves room to collect fees outside the contract; an explicit employer-pays clause "
              "is the worker's proof.",
    fires_when="Nothing in the contract says who bears recruitment fees and costs (no schedule, a blank "
               "schedule, 'as agreed separately', 'as per agency policy') and no fee is charged to the worker.",
    must_not_fire="An explicit employer-pays (or no-fee) clause anywhere in the document; a contract that "
                  "charges the worker (FEE001-FEE004 instead).",
    references=(ILO_C181_ART7, ILO_FEES_2019, RECOMMENDATION["FEE"]),
    good=(
        Example("All recruitment fees and related costs are borne by the Employer."),
        Example("The Agency and its brokers shall not collect any money from the Worker.", note="no payment"),
        Example("ថ្លៃសេវាជ្រើសរើស និងថ្លៃចំណាយពាក់ព័ន្ធទាំងអស់ ជាបន្ទុករបស់និយោជក។", "km"),
    ),
    bad=(
        Example("Recruitment costs: as agreed separately between the parties.", note="left open"),
        Example("ថ្លៃជ្រើសរើស៖ តាមគោលការណ៍របស់ភ្នាក់ងារ។", "km", "left open"),
    ),
    detect=_fee005,
    topics=("fees",),
)

register(FEE001, FEE002, FEE003, FEE004, FEE005)
