"""FRD: fraud indicators (recommendation 16). FRD001 compares a contract with the stored contracts
of the same worker (same keyed passport hash): contract substitution shows up as two contracts for
one worker that differ in pay, hours, employer, job, workplace or fees."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from compliance_rules.model import ContractForCheck, Evidence, Terms
from compliance_rules.registry_facts import RegistryFacts, StoredContract
from compliance_rules.rule import Example, Reference, Rule, Verdict, register
from compliance_rules.rules.common import ILO_INDICATORS_2012, RECOMMENDATION
from compliance_rules.text import has_khmer, normalise

NUMBER_FIELDS = ("wage_amount", "hours_per_day", "hours_per_week")
TEXT_FIELDS = ("wage_currency", "wage_period", "employer_name", "job_title", "workplace")
HIGHER_IS_BETTER = {"wage_amount": True, "hours_per_day": False, "hours_per_week": False}


def material_terms(terms: Terms) -> dict[str, object]:
    """The terms FRD001 compares, as plain JSON values: store this with every contract
    (`Terms.public_fields()` works too: `differences` accepts either form)."""
    out: dict[str, object] = {}
    for name in (*NUMBER_FIELDS, *TEXT_FIELDS):
        extracted = getattr(terms, name)
        out[name] = None if extracted is None else str(extracted.value)
    out["worker_fees"] = sorted(
        [fee.item, None if fee.amount is None else str(fee.amount), fee.currency] for fee in terms.worker_fees
    )
    out["signing_date"] = terms.signing_date.value.isoformat() if terms.signing_date else None
    return out


def _number(value: object) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def _comparable_text(value: object) -> str:
    return "".join(ch for ch in normalise(str(value)) if ch.isalnum())


def differences(new: dict[str, object], old: dict[str, object]) -> dict[str, tuple[object, object]]:
    """Material terms stated in both contracts that differ. Free-text terms are compared only when
    both are in the same script: a Khmer re-issue of an English contract is not a substitution."""
    out: dict[str, tuple[object, object]] = {}
    for name in NUMBER_FIELDS:
        a, b = _number(new.get(name)), _number(old.get(name))
        if a is not None and b is not None and a != b:
            out[name] = (new[name], old[name])
    for name in TEXT_FIELDS:
        a, b = new.get(name), old.get(name)
        if a is None or b is None or has_khmer(str(a)) != has_khmer(str(b)):
            continue
        if _comparable_text(a) != _comparable_text(b):
            out[name] = (a, b)
    fees_a, fees_b = _fees(new.get("worker_fees")), _fees(old.get("worker_fees"))
    if fees_a != fees_b:
        out["worker_fees"] = (fees_a, fees_b)
    return out


def _fees(value: object) -> list[list[object]]:
    """Fees as sorted [item, amount, currency] lists, from material_terms() or from
    Terms.public_fields() dicts, so either stored form compares."""
    out = []
    for fee in value or []:
        item, amount, currency = (fee.get("item"), fee.get("amount"), fee.get("currency")) \
            if isinstance(fee, dict) else fee
        number = _number(amount)
        out.append([item, None if number is None else str(number.normalize()), currency])
    return sorted(out, key=lambda fee: tuple(str(part) for part in fee))


def _improves_only(diff: dict[str, tuple[object, object]]) -> bool:
    """Every difference is in the worker's favour: more pay, fewer hours, fewer fees."""
    for name, (new, old) in diff.items():
        if name in HIGHER_IS_BETTER:
            a, b = _number(new), _number(old)
            if a is None or b is None or (a > b) != HIGHER_IS_BETTER[name]:
                return False
        elif name == "worker_fees":
            if not set(map(tuple, new)) < set(map(tuple, old)):
                return False
        else:
            return False
    return True


def _later(new: dict[str, object], old: dict[str, object]) -> bool:
    a, b = new.get("signing_date"), old.get("signing_date")
    return bool(a and b and dt.date.fromisoformat(str(a)) > dt.date.fromisoformat(str(b)))


def _frd001(contract: ContractForCheck, facts: RegistryFacts) -> Verdict | None:
    passport = contract.terms.worker_passport_hash
    if not passport:
        return None
    mine = material_terms(contract.terms)
    evidence: list[Evidence] = []
    all_amendments = True
    for other in facts.contracts_with_passport(passport, exclude_sha256=contract.sha256):
        diff = differences(mine, other.material_terms)
        if not diff:
            continue
        amendment = _later(mine, other.material_terms) and _improves_only(diff)
        all_amendments &= amendment
        evidence.append(_evidence(other, diff, amendment))
    if not evidence:
        return None
    fields = sorted({name for e in evidence for name in e.facts["differences"]})
    explanation = (f"Another contract for the same worker (same passport) differs in {', '.join(fields)}: "
                   "possible contract substitution.")
    if all_amendments:
        explanation += " This later contract only improves the terms (an amendment is lower risk)."
    return Verdict(explanation, evidence, "high" if all_amendments else None)


def _evidence(other: StoredContract, diff: dict[str, tuple[object, object]], amendment: bool) -> Evidence:
    parts = "; ".join(f"{name}: {new} here, {old} there" for name, (new, old) in diff.items())
    return Evidence(text=f"Contract {other.sha256} for the same passport: {parts}",
                    facts={"other_sha256": other.sha256, "improving_amendment": amendment,
                           "differences": {name: {"this": new, "other": old} for name, (new, old) in diff.items()}})


FRD001 = Rule(
    id="FRD001", title="Same worker, different material terms (contract substitution)", severity="critical",
    severity_conditions=("high when this contract is a later one that only improves the terms (an amendment)",),
    rationale="Contract substitution, a better contract shown in Cambodia and a worse one signed or enforced "
              "abroad, is deception, an ILO forced-labour indicator.",
    fires_when="Two contracts for the same worker (same passport number, compared as a keyed hash) differ in a "
               "material term: wage, hours, employer, job, workplace or fees.",
    must_not_fire="An identical re-upload or a re-issued copy in another layout or language.",
    references=(ILO_INDICATORS_2012, RECOMMENDATION["FRD"],
                Reference("ILO Fair Recruitment general principle 7 (terms not altered to the worker's "
                          "detriment; contract substitution)", True)),
    good=(Example("The Employer shall pay a basic wage of MYR 1,800 per month.", note="same terms as the stored copy"),),
    bad=(Example("The Employer shall pay a basic wage of MYR 1,500 per month.", terms={"wage_amount": 1500}),
         Example("និយោជកត្រូវបើកប្រាក់ឈ្នួល ១,៥០០ រីងហ្គីត ក្នុងមួយខែ។", "km", terms={"wage_amount": 1500})),
    detect=_frd001, topics=("wage",),
)

register(FRD001)
