"""The risk weights, read from `data/weights.json`.

Why a data file: the ministry tunes what counts most (and by how much) without a code change,
and `docs/inspections.md` documents each number next to the same keys.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from registry.errors import ValidationError

WEIGHTS_FILE = Path(__file__).with_name("data") / "weights.json"


def _dec(value: object) -> Decimal:
    return Decimal(str(value))


@dataclass(frozen=True)
class Weights:
    severity_points: dict[str, Decimal]
    critical_indicator_points: dict[str, Decimal]
    """Points of a flag on a critical-indicator rule, whatever its severity."""
    flag_status_factor: dict[str, Decimal]
    half_life_days: Decimal
    recency_floor: Decimal
    licence_history_points: dict[str, Decimal]
    sub_licence_history_points: dict[str, Decimal]
    signed_while_licence_not_active: Decimal
    broker_without_active_sub_licence: Decimal
    substitution_min_workers: int
    substitution_points_per_worker: Decimal
    inspection_outcome_points: dict[str, Decimal]

    @property
    def outcomes(self) -> tuple[str, ...]:
        return tuple(self.inspection_outcome_points)

    @classmethod
    def from_dict(cls, raw: dict) -> "Weights":
        try:
            history = raw["licence_history_points"]
            contracts = raw["contract_points"]
            return cls(
                severity_points={k: _dec(v) for k, v in raw["severity_points"].items()},
                critical_indicator_points={
                    k: _dec(v) for k, v in raw["critical_indicator_points"].items()
                },
                flag_status_factor={k: _dec(v) for k, v in raw["flag_status_factor"].items()},
                half_life_days=_dec(raw["recency"]["half_life_days"]),
                recency_floor=_dec(raw["recency"]["floor"]),
                licence_history_points={k: _dec(v) for k, v in history["licence"].items()},
                sub_licence_history_points={
                    k: _dec(v) for k, v in history["sub_licence"].items()
                },
                signed_while_licence_not_active=_dec(contracts["signed_while_licence_not_active"]),
                broker_without_active_sub_licence=_dec(
                    contracts["broker_without_active_sub_licence"]
                ),
                substitution_min_workers=int(raw["repeated_substitution"]["min_workers"]),
                substitution_points_per_worker=_dec(
                    raw["repeated_substitution"]["points_per_worker"]
                ),
                inspection_outcome_points={
                    k: _dec(v) for k, v in raw["inspection_outcome_points"].items()
                },
            )
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise ValidationError(f"risk weights file is malformed: {exc!r}") from exc


@lru_cache(maxsize=1)
def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    return Weights.from_dict(json.loads(path.read_text(encoding="utf-8")))
