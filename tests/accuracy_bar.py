"""Issue 3's accuracy bar, asserted the same way on every labelled set (the shared sample and
our own unseen contracts)."""
from __future__ import annotations

from typing import Any

MIN_PRECISION, MIN_RECALL, MIN_FIELDS = 0.95, 0.90, 0.95


def assert_meets_the_bar(evaluation: dict[str, Any]) -> None:
    """Every document checked (none left unread), every rule at the precision and recall bar,
    no `not_expected` trap flagged, enough labelled fields exact."""
    assert evaluation["statuses"] == {"checked": evaluation["documents"]}
    weak = {
        rule: row for rule, row in evaluation["per_rule"].items()
        if row["precision"] < MIN_PRECISION or row["recall"] < MIN_RECALL
    }
    assert not weak, weak
    assert evaluation["traps_flagged"] == []
    assert evaluation["field_accuracy"] >= MIN_FIELDS, evaluation["field_misses"]
