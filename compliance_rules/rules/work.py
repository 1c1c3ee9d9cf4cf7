"""WRK: worker protections the contract must state (recommendation 15)."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from compliance_rules.model import ContractForCheck, Evidence
from compliance_rules.passages import Passage, absence_evidence, evidence_of, passages, term_evidence
from compliance_rules.reference import hour_limit_on, minimum_wage_on
from compliance_rules.registry_facts import RegistryFacts
from compliance_rules.rule import Example, Reference, Rule, Verdict, register
from compliance_rules.rules.common import (
    ILO_C189, ILO_INDICATORS_2012, PRAKAS_253, RECOMMENDATION, employer_pays, worker_pays,
)
from compliance_rules.text import KHMER_TEXT_SHARE, khmer_share, normalise
from compliance_rules.vocabulary import concept
from compliance_rules.wages import Schedule

CENT = Decimal("0.01")
C181_ART11 = Reference("ILO C181, Art. 11 (minimum protections for workers placed by agencies)", True,
                       "Benchmark only: Cambodia has not ratified C181.")
ILO_C1 = Reference("ILO Hours of Work (Industry) Convention, 1919 (No. 1), Art. 2", True)
ILO_C14 = Reference("ILO Weekly Rest (Industry) Convention, 1921 (No. 14), Art. 2", True)
ILO_C97 = Reference("ILO Migration for Employment Convention (Revised), 1949 (No. 97), Annex I Art. 5", True)
PRAKAS_252 = Reference("MoLVT Prakas No. 252 (2013) on repatriation of migrant workers", False)
PRAKAS_249 = Reference("MoLVT Prakas No. 249 (2013) on the complaint mechanism for migrant workers "
                       "(10-day handling deadline)", False)


def _value(extracted):
    return None if extracted is None else extracted.value


def _topic_passages(contract: ContractForCheck, *names: str, excluding: tuple[str, ...] = (),
                    by_part: bool = False) -> list[Passage]:
    """Sentences on a topic, without those that also touch an excluded one; `by_part` judges
    each statement of a sentence on its own (see Passage.parts)."""
    found = passages(contract)
    if by_part:
        found = [part for passage in found for part in passage.parts()]
    return [p for p in found if p.has_any(*names) and not p.has_any(*excluding)]


# WRK001 ------------------------------------------------------------------------------------

def _vague_wage(contract: ContractForCheck) -> list[Passage]:
    return [
        p for p in _topic_passages(contract, "wage", excluding=("annual_leave", "sick_leave", "overtime"))
        if p.has("vague_wage") and p.has("money_amount")
    ]


def _wrk001(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    terms = contract.terms
    missing = [name for name, value in (("amount", terms.wage_amount), ("currency", terms.wage_currency),
                                        ("pay period", terms.wage_period)) if value is None]
    vague = _vague_wage(contract)
    if not missing and not vague:
        return None
    evidence = evidence_of(vague) or evidence_of(_topic_passages(contract, "wage"))[:2] \
        or absence_evidence(contract, "stating the wage")
    what = f"wage {', '.join(missing)} not stated as a definite figure" if missing else "wage stated only vaguely"
    return Verdict(f"The {what}: the worker cannot know the pay before departure.", evidence)


WRK001 = Rule(
    id="WRK001", title="Wage missing or vague", severity="high", severity_conditions=(),
    rationale="A worker who signs without a definite wage cannot compare offers or claim unpaid wages; vague "
              "pay is a deception indicator.",
    fires_when="Wage amount, currency or pay period missing, or vague: 'up to', a range, 'according to company "
               "rules', 'informed on arrival'.",
    must_not_fire="A definite amount with currency and period.",
    references=(ILO_C189, C181_ART11, PRAKAS_253, RECOMMENDATION["WRK"]),
    good=(Example("The Employer shall pay a basic wage of MYR 1,800 per month."),
          Example("និយោជកត្រូវបើកប្រាក់ឈ្នួលមូលដ្ឋាន ៣៥០ បាត ក្នុងមួយថ្ងៃ។", "km")),
    bad=(Example("The salary will be up to MYR 2,000 a month depending on performance.", terms={"wage_amount": None}),
         Example("Wages are set according to the company's regulations and announced after arrival.",
                 terms={"wage_amount": None, "wage_currency": None, "wage_period": None}),
         Example("ប្រាក់ឈ្នួលនឹងកំណត់តាមបទបញ្ជារបស់ក្រុមហ៊ុន។", "km",
                 terms={"wage_amount": None, "wage_currency": None, "wage_period": None})),
    detect=_wrk001, topics=("wage",),
)


# WRK002 ------------------------------------------------------------------------------------

def _thai_wage(amount: int, period: str) -> dict[str, object]:
    return {"destination_country": "TH", "wage_amount": amount, "wage_currency": "THB", "wage_period": period}


def _monthly_hour_basis(contract: ContractForCheck) -> Decimal | None:
    for p in _topic_passages(contract, "wage"):
        match = concept("monthly_hour_basis").search(p.norm)
        if match:
            number = re.search(r"[0-9]{3}", match.group())
            if number:
                return Decimal(number.group())
    return None


def _wrk002(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    terms = contract.terms
    amount, currency, period = _value(terms.wage_amount), _value(terms.wage_currency), _value(terms.wage_period)
    country, day = _value(terms.destination_country), _value(terms.signing_date)
    if None in (amount, currency, period, country, day):
        return None
    minimum = minimum_wage_on(country, day)
    if minimum is None or minimum.amount is None or minimum.currency != currency:
        return None
    limit = hour_limit_on(country, day)
    if limit is None:
        return None
    schedule = Schedule.from_terms(
        _value(terms.hours_per_day), _value(terms.hours_per_week), _value(terms.rest_days_per_week),
        max_hours_day=limit.max_hours_day, max_days_week=limit.max_days_week,
        monthly_hour_basis=_monthly_hour_basis(contract) if period == "month" else None,
    )
    converted = schedule.convert(amount, period, minimum.period).quantize(CENT, ROUND_HALF_UP)
    if converted >= minimum.amount:
        return None
    evidence = term_evidence(terms.wage_amount) or evidence_of(_topic_passages(contract, "wage"))[:2]
    evidence.append(Evidence(text=f"Minimum in force on {day}: {minimum.amount} {minimum.currency} per "
                                  f"{minimum.period} ({minimum.basis}; {minimum.source})",
                             facts={"minimum": str(minimum.amount), "currency": minimum.currency,
                                    "period": minimum.period, "effective_from": str(minimum.effective_from)}))
    return Verdict(f"Wage {amount} {currency} per {period} = {converted} {currency} per {minimum.period}, below "
                   f"the minimum of {minimum.amount} in force on the signing date {day}.", evidence)


WRK002 = Rule(
    id="WRK002", title="Wage below the destination's minimum wage", severity="high", severity_conditions=(),
    rationale="A wage below the legal minimum is wage theft built into the contract.",
    fires_when="A definite wage below the destination's minimum in force on the signing date "
               "(data/minimum_wages.csv), converted between hour, day and month using regular hours capped at "
               "8 h/day and 6 days/week and 52/12 weeks a month (a stated monthly hour basis such as 209 h wins).",
    must_not_fire="Destinations with no general minimum (Singapore, Saudi Arabia); a wage equal to the minimum; "
                  "a rate that came into force only after signing.",
    references=(Reference("Destination minimum-wage orders, see data/minimum_wages.csv (source column)", True),
                C181_ART11, RECOMMENDATION["WRK"]),
    good=(Example("The Employer shall pay THB 400 per day.", terms=_thai_wage(400, "day")),
          Example("Basic pay: SGD 700 a month.", terms={"destination_country": "SG", "wage_amount": 700,
                                                      "wage_currency": "SGD"}, note="no general minimum"),
          Example("Monthly wage KRW 2,096,270 for 209 hours a month.",
                  terms={"destination_country": "KR", "wage_amount": 2096270, "wage_currency": "KRW",
                         "hours_per_week": 40, "rest_days_per_week": 2}, note="209-hour basis, equal to minimum")),
    bad=(Example("The Employer shall pay THB 300 per day.", terms=_thai_wage(300, "day")),
         Example("Monthly wage KRW 2,000,000 for 209 hours a month.",
                 terms={"destination_country": "KR", "wage_amount": 2000000, "wage_currency": "KRW",
                        "hours_per_week": 40, "rest_days_per_week": 2}, note="209-hour basis"),
         Example("និយោជកត្រូវបើកប្រាក់ឈ្នួល ៧,០០០ បាត ក្នុងមួយខែ។", "km", terms=_thai_wage(7000, "month"))),
    detect=_wrk002, topics=("wage",),
)


# WRK003 ------------------------------------------------------------------------------------

def _overtime_unpaid(contract: ContractForCheck) -> list[Passage]:
    return [p for p in _topic_passages(contract, "overtime") if p.has("overtime_unpaid")]


def _wrk003(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    terms = contract.terms
    per_day, per_week = _value(terms.hours_per_day), _value(terms.hours_per_week)
    limit = hour_limit_on(_value(terms.destination_country), _value(terms.signing_date))
    problems, evidence = [], []
    if limit is not None and ((per_day is not None and per_day > limit.max_hours_day) or (
            per_week is not None and per_week > limit.max_hours_week)):
        problems.append(f"regular hours {per_day or '?'} h/day, {per_week or '?'} h/week exceed "
                        f"{limit.max_hours_day} h/day or {limit.max_hours_week} h/week")
        evidence += term_evidence(terms.hours_per_day, terms.hours_per_week)
    unpaid = _overtime_unpaid(contract)
    if unpaid:
        problems.append("overtime unpaid or included in the wage")
        evidence += evidence_of(unpaid)
    if problems:
        return Verdict("Working time: " + "; ".join(problems) + ".", evidence or evidence_of(unpaid))
    if per_day is None and per_week is None and not any(
            p.has("hours_stated") and not p.has_any("rest_day_granted", "rest_day_denied") for p in passages(contract)):
        return Verdict("Regular working hours are not stated.", absence_evidence(contract, "stating regular hours"),
                       "medium")
    return None


WRK003 = Rule(
    id="WRK003", title="Excessive, unstated or unpaid working hours", severity="high",
    severity_conditions=("medium when the contract is silent on hours",),
    rationale="Excessive overtime is an ILO forced-labour indicator; unpaid overtime is unpaid work.",
    fires_when="Regular hours missing, above 8 h/day or 48 h/week (data/hour_limits.csv), or overtime unpaid "
               "or 'included in salary'.",
    must_not_fire="8 h/day, 48 h/week with paid overtime; voluntary, capped and paid extra hours.",
    references=(ILO_C1, ILO_INDICATORS_2012, RECOMMENDATION["WRK"]),
    good=(Example("Normal hours are 8 a day and 48 a week; overtime is voluntary and paid at 150% of the hourly rate."),
          Example("ម៉ោងធ្វើការធម្មតា ៨ ម៉ោងក្នុងមួយថ្ងៃ។ ម៉ោងបន្ថែមត្រូវបើកប្រាក់ ១៥០%។", "km")),
    bad=(Example("The Worker works 11 hours a day, six days a week.",
                 terms={"hours_per_day": 11, "hours_per_week": 66}),
         Example("Overtime work is included in the monthly salary and is not paid separately."),
         Example("ម៉ោងបន្ថែមត្រូវបានរួមបញ្ចូលក្នុងប្រាក់ខែរួចហើយ។", "km")),
    detect=_wrk003, topics=("hours",),
)


# WRK004 ------------------------------------------------------------------------------------

def _wrk004(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    rest = _value(contract.terms.rest_days_per_week)
    denied = [p for p in passages(contract) if p.has("rest_day_denied")]
    if denied:
        return Verdict("No guaranteed weekly rest day (every day worked, or rest left to the employer or "
                       "replaced by cash).", evidence_of(denied))
    if rest is not None and rest >= 1:
        return None
    if rest is None and any(p.affirms("rest_day_granted") for p in passages(contract)):
        return None
    evidence = term_evidence(contract.terms.rest_days_per_week) or absence_evidence(
        contract, "granting a weekly rest day")
    return Verdict("No weekly rest day of at least 24 hours is granted.", evidence)


WRK004 = Rule(
    id="WRK004", title="No weekly rest day", severity="high", severity_conditions=(),
    rationale="Work without a weekly day off is an abusive condition and a forced-labour indicator.",
    fires_when="No weekly rest day: the worker works every day, rest is at the employer's discretion or replaced "
               "by cash, or the contract says nothing.",
    must_not_fire="At least one rest day of 24 hours per week.",
    references=(ILO_C14, ILO_C189, RECOMMENDATION["WRK"]),
    good=(Example("The Worker is entitled to one rest day of 24 consecutive hours every week."),
          Example("ពលករមានសិទ្ធិឈប់សម្រាកមួយថ្ងៃក្នុងមួយសប្តាហ៍។", "km")),
    bad=(Example("Rest days are given at the Employer's discretion depending on orders.",
                 terms={"rest_days_per_week": None}),
         Example("The Worker works seven days a week.", terms={"rest_days_per_week": 0}),
         Example("ថ្ងៃឈប់សម្រាកគឺតាមការសម្រេចរបស់និយោជក។", "km", terms={"rest_days_per_week": None})),
    detect=_wrk004, topics=("rest",),
)


# WRK005 ------------------------------------------------------------------------------------

def _paid_leave(contract: ContractForCheck) -> list[Passage]:
    return [
        p for p in _topic_passages(contract, "annual_leave", "sick_leave")
        if (p.has("paid") and not p.has("unpaid")) or p.has("leave_by_law")
    ] + [p for p in passages(contract) if p.has("leave_by_law")]


def _wrk005(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    if _paid_leave(contract):
        return None
    unpaid = _topic_passages(contract, "annual_leave", "sick_leave")
    return Verdict("Neither paid annual leave nor paid sick leave is granted.",
                   evidence_of(unpaid) or absence_evidence(contract, "granting paid annual or sick leave"))


WRK005 = Rule(
    id="WRK005", title="No paid annual or sick leave", severity="medium", severity_conditions=(),
    rationale="Without paid leave a sick worker loses pay or the job; C189 and C181 Art. 11 expect leave terms.",
    fires_when="The contract grants neither paid annual leave nor paid sick leave (leave not mentioned, or only "
               "unpaid).",
    must_not_fire="Paid annual or sick leave; leave 'as provided by the labour law of [destination]'.",
    references=(ILO_C189, C181_ART11, RECOMMENDATION["WRK"]),
    good=(Example("The Worker is entitled to 10 days of paid annual leave and paid sick leave on medical certificate."),
          Example("Annual and sick leave are granted as provided by the labour law of Malaysia.", note="by law"),
          Example("ពលករមានសិទ្ធិឈប់សម្រាកប្រចាំឆ្នាំដោយមានប្រាក់ឈ្នួល ១២ ថ្ងៃ។", "km")),
    bad=(Example("Any leave, including sick leave, is unpaid."),
         Example("ការឈប់សម្រាកទាំងអស់ គឺដោយគ្មានប្រាក់ឈ្នួល។", "km")),
    detect=_wrk005, topics=("leave",),
)


# WRK006 ------------------------------------------------------------------------------------

def _document_retention(contract: ContractForCheck) -> list[Passage]:
    return [
        p for p in _topic_passages(contract, "identity_document")
        if p.affirms("retain") and not p.has_any("worker_keeps_own", "temporary_handover", "document_copy")
    ]


def _wrk006(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    found = _document_retention(contract)
    if not found:
        return None
    return Verdict("The employer or agency keeps the worker's passport or identity documents: retention of "
                   "identity documents is a forced-labour indicator, even 'for safekeeping' or with consent.",
                   evidence_of(found))


WRK006 = Rule(
    id="WRK006", title="Passport or identity documents kept by employer or agency", severity="critical",
    severity_conditions=(),
    rationale="A worker without a passport cannot leave, change employer or seek help.",
    fires_when="Passport, work permit or ID card kept by the employer or agency ('for safekeeping', "
               "'surrendered on arrival', even 'with consent').",
    must_not_fire="The worker keeps them; a brief handover for renewal with a return deadline; keeping copies.",
    references=(ILO_INDICATORS_2012, ILO_C189, RECOMMENDATION["WRK"]),
    good=(Example("The Worker keeps his or her own passport and work permit at all times."),
          Example("For the renewal of the work permit the Worker hands the passport to the Employer, who shall return "
                  "it within 7 days.", note="renewal with return deadline"),
          Example("ពលកររក្សាទុកលិខិតឆ្លងដែនរបស់ខ្លួនដោយខ្លួនឯង។", "km")),
    bad=(Example("On arrival the Worker shall surrender the passport to the Employer, who will hold it until the end "
                 "of the contract."),
         Example("With the Worker's consent, the Agency keeps the passport in safe custody.", note="with consent"),
         Example("The Worker's passport shall remain with the Company until the contract ends."),
         Example("និយោជកនឹងរក្សាទុកលិខិតឆ្លងដែនរបស់ពលករ រហូតដល់ចប់កិច្ចសន្យា។", "km")),
    detect=_wrk006, topics=("documents",),
)


# WRK007 ------------------------------------------------------------------------------------

def _wrk007(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    found = _topic_passages(contract, "return_travel")
    worker_cost = [p for p in found if (worker_pays(p) or p.affirms("wage_deduction")) and not employer_pays(p)]
    if worker_cost:
        return Verdict("Return travel is at the worker's expense or deducted from final pay.", evidence_of(worker_cost))
    if any(employer_pays(p) for p in found):
        return None
    return Verdict("No clause makes the employer pay the worker's return travel.",
                   evidence_of(found) or absence_evidence(contract, "on repatriation"), "medium")


WRK007 = Rule(
    id="WRK007", title="Return travel at the worker's cost or not provided", severity="high",
    severity_conditions=("medium when the contract is silent on repatriation",),
    rationale="A worker who must buy the ticket home can be kept by debt or by the price of the ticket.",
    fires_when="Return travel at the worker's expense, deducted from final pay, or no repatriation clause.",
    must_not_fire="The employer pays return travel (to Phnom Penh or the border checkpoint).",
    references=(ILO_C97, ILO_C189, PRAKAS_252, RECOMMENDATION["WRK"]),
    good=(Example("At the end of the contract the Employer shall pay the Worker's air ticket back to Phnom Penh."),
          Example("On completion of the contract the Company shall repatriate the Worker at its own expense."),
          Example("នៅពេលបញ្ចប់កិច្ចសន្យា និយោជកត្រូវចេញថ្លៃធ្វើដំណើរត្រឡប់មកកម្ពុជាវិញ។", "km")),
    bad=(Example("The Worker shall pay for his or her own ticket home at the end of the contract."),
         Example("The cost of the return flight will be deducted from the Worker's final wages."),
         Example("ពលករត្រូវចេញថ្លៃធ្វើដំណើរត្រឡប់មកកម្ពុជាវិញដោយខ្លួនឯង។", "km")),
    detect=_wrk007, topics=("repatriation",),
)


# WRK008 ------------------------------------------------------------------------------------

def _leaving_penalty(contract: ContractForCheck) -> list[Passage]:
    return [
        p for p in _topic_passages(contract, "leaving_early")
        if p.affirms("penalty") and (not p.has("mutual_notice") or p.has("money_amount"))
        and (worker_pays(p) or not employer_pays(p))
    ]


def _wrk008(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    found = _leaving_penalty(contract)
    if not found:
        return None
    money = any(p.has_any("money_amount", "wage", "deposit", "fee_or_cost") for p in found)
    return Verdict("The worker is penalised for leaving before the end of the contract"
                   + (" with a money penalty or forfeiture." if money else "."),
                   evidence_of(found), None if money else "high")


WRK008 = Rule(
    id="WRK008", title="Penalty for leaving the job early", severity="critical",
    severity_conditions=("high when the penalty is not money (no amount, wages, deposit or costs)",),
    rationale="A penalty for quitting makes leaving an abusive employer unaffordable: a threat and debt "
              "indicator.",
    fires_when="Penalty, liquidated damages, forfeiture of wages or deposit, or repayment of recruitment costs if "
               "the worker quits early.",
    must_not_fire="Mutual or statutory notice, or pay in lieu of notice; 'no penalty shall be charged'.",
    references=(ILO_INDICATORS_2012, RECOMMENDATION["WRK"]),
    good=(Example("Either party may end this contract by giving one month's notice; no penalty applies."),
          Example("The Worker may resign with 30 days' notice and shall not be charged any compensation.",
                  note="negation"),
          Example("If the Employer terminates the contract early, the Employer shall pay the Worker compensation "
                  "of one month's wages.", note="penalty on the employer"),
          Example("ភាគីណាមួយអាចបញ្ចប់កិច្ចសន្យាដោយជូនដំណឹងមុនមួយខែ ដោយគ្មានការពិន័យ។", "km")),
    bad=(Example("A Worker who resigns before the contract ends shall pay liquidated damages of USD 2,000."),
         Example("If the Worker breaks the contract, the Worker shall repay all recruitment costs to the Agency."),
         Example("ប្រសិនបើពលករលាឈប់មុនពេលផុតកំណត់ ពលករត្រូវបង់ប្រាក់ពិន័យ ១០០០ ដុល្លារ។", "km")),
    detect=_wrk008, topics=("termination",),
)


# WRK009 ------------------------------------------------------------------------------------

def _wrk009(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    complaint = _topic_passages(contract, "complaint")
    restricted = [p for p in complaint if p.has("complaint_restricted")]
    if restricted:
        return Verdict("Complaints are waived or settled only by the agency or employer.", evidence_of(restricted))
    if any(p.has("outside_channel") for p in complaint):
        return None
    return Verdict("No complaint channel outside the agency (ministry, labour authority, hotline) is named.",
                   evidence_of(complaint) or absence_evidence(contract, "naming a complaint channel"))


WRK009 = Rule(
    id="WRK009", title="No complaint channel", severity="medium", severity_conditions=(),
    rationale="A worker who does not know where to complain stays silent; C181 Art. 10 and Prakas 249 require "
              "a complaint mechanism.",
    fires_when="No complaint channel, disputes settled only by the agency, or complaints waived.",
    must_not_fire="A channel naming the ministry, a destination authority or a hotline, with no retaliation.",
    references=(Reference("ILO C181, Art. 10 (complaints)", True, "Benchmark only: not ratified by Cambodia."),
                PRAKAS_249, RECOMMENDATION["WRK"]),
    good=(Example("The Worker may complain to the Ministry of Labour's hotline or the labour office in the "
                  "destination without retaliation."),
          Example("ពលករអាចដាក់ពាក្យបណ្តឹងទៅក្រសួងការងារ ដោយគ្មានការសងសឹក។", "km")),
    bad=(Example("Any dispute shall be settled solely by the Agency, whose decision is final."),
         Example("The Worker waives the right to bring any claim against the Employer."),
         Example("វិវាទទាំងអស់ត្រូវដោះស្រាយដោយតែភ្នាក់ងារ ហើយជាសេចក្តីសម្រេចចុងក្រោយ។", "km")),
    detect=_wrk009, topics=("complaints",),
)


# WRK010 ------------------------------------------------------------------------------------

_KHMER_VERSION = ("កិច្ចសន្យានេះធ្វើឡើងជាភាសាខ្មែរ និងភាសាអង់គ្លេស ហើយអត្ថបទទាំងពីរមានតម្លៃស្មើគ្នា។ "
                  "ពលករបានអាន និងយល់ច្បាស់នូវខ្លឹមសារទាំងអស់នៃកិច្ចសន្យានេះ មុនពេលចុះហត្ថលេខា។")


def _wrk010(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    text = "\n".join(clause.text for clause in contract.clauses)
    if contract.has_khmer_text and khmer_share(text) >= KHMER_TEXT_SHARE:
        return None
    return Verdict("The contract has no Khmer text: the worker may not be able to read what was signed.",
                   absence_evidence(contract, "in Khmer script (U+1780-U+17FF)"))


WRK010 = Rule(
    id="WRK010", title="No Khmer version of the contract", severity="medium", severity_conditions=(),
    rationale="A contract the worker cannot read is not informed consent; deception is a forced-labour indicator.",
    fires_when="No Khmer script (U+1780-U+17FF) in the read text (text layer or OCR), or so little that it is "
               "not a Khmer version (under 5% of the letters: a riel sign, OCR noise or a Khmer letterhead).",
    must_not_fire="Khmer or bilingual text (judged on the script, not on a language claim); scanned pages are "
                  "OCR'd first, and an unread document is never judged.",
    references=(PRAKAS_253, ILO_INDICATORS_2012, RECOMMENDATION["WRK"]),
    good=(Example(_KHMER_VERSION, "km"),),
    bad=(Example("This contract is made in English only."),),
    detect=_wrk010, topics=("language",),
)


# WRK011 ------------------------------------------------------------------------------------

_VAGUE_HIGH = ("employer_name", "workplace")


def _wrk011(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    terms = contract.terms
    gaps, evidence = [], []
    for name in ("employer_name", "job_title", "workplace", "contract_months"):
        extracted = getattr(terms, name)
        if extracted is None:
            gaps.append(name)
        elif isinstance(extracted.value, str) and concept("vague_value").search(normalise(extracted.value)):
            gaps.append(name)
            evidence += term_evidence(extracted)
    if not gaps:
        return None
    labels = {"employer_name": "employer", "job_title": "job title", "workplace": "workplace",
              "contract_months": "duration"}
    evidence = evidence or absence_evidence(contract, "stating " + ", ".join(labels[g] for g in gaps))
    severity = "high" if any(g in _VAGUE_HIGH for g in gaps) else "medium"
    return Verdict("Missing or vague: " + ", ".join(labels[g] for g in gaps) + ".", evidence, severity)


WRK011 = Rule(
    id="WRK011", title="Employer, job, workplace or duration missing or vague", severity="high",
    severity_conditions=("medium when only the job title or the duration is missing",),
    rationale="A worker sent to 'any work' 'anywhere' cannot hold anyone to the promise: deception indicator.",
    fires_when="Employer identity, job title, workplace or duration missing or vague ('to be assigned', "
               "'anywhere in Malaysia', 'any work').",
    must_not_fire="All four stated.",
    references=(ILO_C189, PRAKAS_253, RECOMMENDATION["WRK"]),
    good=(Example("The Employer employs the Worker as a sewing machine operator at its factory in Shah Alam, "
                  "Selangor, for 24 months."),),
    bad=(Example("The Worker shall do any work assigned at any site of the Employer.",
                 terms={"job_title": "any work assigned", "workplace": None}),
         Example("ពលករត្រូវធ្វើការងារណាមួយដែលនិយោជកចាត់តាំង។", "km", terms={"job_title": None})),
    detect=_wrk011, topics=("job",),
)


# WRK012 ------------------------------------------------------------------------------------

def _confinement(contract: ContractForCheck) -> list[Passage]:
    out = []
    for p in passages(contract):  # the rare restriction first, then what lifts it
        if p.has("confinement") or (p.has("phone") and p.has("phone_restricted")):
            if not p.has_any("freedom", "safety_context"):
                out.append(p)
    return out


def _wrk012(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    found = _confinement(contract)
    if not found:
        return None
    return Verdict("The worker's movement or communication is restricted (confinement, phone kept or banned, "
                   "contact only through the employer).", evidence_of(found))


WRK012 = Rule(
    id="WRK012", title="Restriction of movement or communication", severity="critical", severity_conditions=(),
    rationale="Restriction of movement and isolation are ILO forced-labour indicators.",
    fires_when="The worker may not leave the premises, the phone is kept or banned, confinement in a training "
               "centre, or no contact with others except through the employer.",
    must_not_fire="Workplace safety rules during shifts; clauses guaranteeing freedom of movement and "
                  "communication.",
    references=(ILO_INDICATORS_2012, ILO_C189, RECOMMENDATION["WRK"]),
    good=(Example("Mobile phones must not be used on the production line during working hours for safety reasons.",
                  note="safety rule during shifts"),
          Example("Outside working hours the Worker is free to leave the dormitory and to use his or her own phone."),
          Example("ពលករមានសេរីភាពចេញចូលអន្តេវាសិកដ្ឋាន និងប្រើទូរស័ព្ទរបស់ខ្លួន។", "km")),
    bad=(Example("Workers may not leave the hostel without written approval from the supervisor."),
         Example("During the training period the Worker must remain inside the training centre at all times."),
         Example("Mobile phones are collected by the Employer on arrival and kept until the end of the contract."),
         Example("ពលករត្រូវប្រគល់ទូរស័ព្ទដៃទៅនិយោជក ក្នុងរយៈពេលកិច្ចសន្យា។", "km")),
    detect=_wrk012, topics=("living",),
)


# WRK013 ------------------------------------------------------------------------------------

def _wrk013(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    own_costs = [p for p in passages(contract) if p.has("own_medical_costs")]
    covered = [
        p for p in _topic_passages(contract, "coverage", excluding=("wage_deduction", "sick_leave", "annual_leave"),
                                   by_part=True)
        if p.has("coverage_provided") and not p.has("own_medical_costs")
    ]
    injury = [p for p in covered if p.has("injury_cover")]
    if own_costs:
        return Verdict("The worker pays his or her own medical costs.", evidence_of(own_costs),
                       "medium" if injury else "high")
    if covered:
        return None
    return Verdict("No work-injury insurance, medical care or social security is provided.",
                   absence_evidence(contract, "providing insurance, medical care or social security"), "high")


WRK013 = Rule(
    id="WRK013", title="No insurance, medical care or social security", severity="medium",
    severity_conditions=("high without work-injury cover",),
    rationale="An injured or sick migrant without cover is sent home in debt; C181 Art. 11 lists social "
              "security and occupational safety among minimum protections.",
    fires_when="No work-injury insurance, medical care or social security; 'worker pays own medical costs'.",
    must_not_fire="The employer registers the worker with social security and insures work injury.",
    references=(C181_ART11, ILO_C189, RECOMMENDATION["WRK"]),
    good=(Example("The Employer shall register the Worker with the social security scheme and insure the Worker "
                  "against work injury at its own cost."),
          Example("The Employer enrols the Worker with SOCSO for employment injury protection."),
          Example("និយោជកត្រូវចុះឈ្មោះពលករក្នុងប្រព័ន្ធធានារ៉ាប់រងគ្រោះថ្នាក់ការងារ។", "km")),
    bad=(Example("The Worker shall bear his or her own medical and hospital expenses."),
         Example("Medical treatment is available at a clinic near the factory.", note="silent on who pays and covers"),
         Example("ពលករត្រូវចេញថ្លៃព្យាបាលជំងឺដោយខ្លួនឯង។", "km")),
    detect=_wrk013, topics=("insurance",),
)

register(WRK001, WRK002, WRK003, WRK004, WRK005, WRK006, WRK007, WRK008, WRK009, WRK010, WRK011, WRK012, WRK013)
