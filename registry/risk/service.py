"""Inspection planning: the ranked worklist and the score of one agency or broker."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from registry.errors import NotFoundError, ValidationError
from registry.numbers import number_norm
from registry.risk.loader import load_inputs
from registry.risk.model import RiskScore
from registry.risk.score import Scorer, rank
from registry.risk.weights import load_weights
from registry.tables import Licence, SubLicence

KindFilter = Literal["agency", "broker", "unregistered"]


def _province_key(name: str) -> str:
    return "".join(name.casefold().split())


async def plan(
    *,
    as_of: dt.date | None = None,
    province: str | None = None,
    top: int | None = None,
    kind: KindFilter | None = None,
) -> list[RiskScore]:
    """The inspection worklist: every entity with a score above zero, riskiest first.

    Ranks are computed over the whole registry before filtering, so "rank 3 in Kandal" still
    means third nationally.
    """
    if top is not None and top < 1:
        raise ValidationError(f"--top must be at least 1, got {top}")
    weights = load_weights()
    inputs = await load_inputs(as_of or dt.date.today(), weights)
    entries = rank(inputs, weights)
    if kind:
        entries = [e for e in entries if e.entity.kind == kind]
    if province:
        wanted = _province_key(province)
        entries = [e for e in entries if _province_key(e.entity.province) == wanted]
    return entries[:top] if top else entries


async def resolve_entity(number: str) -> tuple[str, int, str]:
    """(kind, id, number as issued): ('agency', licence id, ...) or ('broker', sub-licence id,
    ...) for a number in any printed form (separators, Khmer digits)."""
    norm = number_norm(number)
    licence = await Licence.select(Licence.id, Licence.number).where(Licence.number_norm == norm).first()
    if licence:
        return "agency", licence["id"], licence["number"]
    sub = await SubLicence.select(SubLicence.id, SubLicence.number).where(SubLicence.number_norm == norm).first()
    if sub:
        return "broker", sub["id"], sub["number"]
    raise NotFoundError(f"no licence or sub-licence numbered {number!r}")


async def entity_risk(number: str, *, as_of: dt.date | None = None) -> RiskScore:
    """The score and explanation of one agency licence or broker sub-licence, even when zero."""
    kind, entity_id, _ = await resolve_entity(number)
    weights = load_weights()
    inputs = await load_inputs(
        as_of or dt.date.today(),
        weights,
        licence_ids=[entity_id] if kind == "agency" else [],
        sub_licence_ids=[entity_id] if kind == "broker" else [],
    )
    entity = next(e for e in inputs.entities if e.kind == kind and e.id == entity_id)
    return Scorer(inputs, weights).score(entity)
