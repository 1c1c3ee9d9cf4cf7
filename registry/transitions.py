"""Which event may follow which: one rule set for officer actions and for imported histories.

An event is judged against the status the record has on the event's own date (derived from the
earlier events by `status_on`, so a term that ran out counts as expired even without an
`expired` event). Events are recorded in date order: back-dating before the latest recorded
event would silently rewrite answers already given, so it is refused. A lapsed (expired) record
may still be revoked: the revocation outlives the term and bars a renewal.
"""
from __future__ import annotations

from collections.abc import Sequence

from registry.status import StatusEvent, status_on

Kind = str  # "licence" or "sub_licence"

ALLOWED_FROM: dict[Kind, dict[str, frozenset[str]]] = {
    "licence": {
        "issued": frozenset({"not_yet_valid"}),
        "renewed": frozenset({"active", "expired"}),
        "suspended": frozenset({"active"}),
        "reinstated": frozenset({"suspended"}),
        "revoked": frozenset({"active", "suspended", "expired"}),
        "expired": frozenset({"active", "suspended", "expired"}),
    },
    "sub_licence": {
        "granted": frozenset({"not_yet_valid"}),
        "renewed": frozenset({"active", "expired"}),
        "suspended": frozenset({"active"}),
        "reinstated": frozenset({"suspended"}),
        "revoked": frozenset({"active", "suspended", "expired"}),
        "withdrawn": frozenset({"active", "suspended", "expired"}),
        "expired": frozenset({"active", "suspended", "expired"}),
    },
}
FIRST_EVENT = {"licence": "issued", "sub_licence": "granted"}
TERM_EVENTS = frozenset({"issued", "granted", "renewed"})
HINTS = {
    ("reinstated", "revoked"): "a revocation is final",
    ("reinstated", "expired"): "an expired term is renewed, not reinstated",
    ("renewed", "suspended"): "reinstate it first",
    ("renewed", "revoked"): "a revocation is final",
}
LABEL = {"licence": "licence", "sub_licence": "sub-licence"}


RECORDED_FROM = frozenset({"active", "suspended", "expired"})
"""A history the ministry already recorded (an events file) is taken as it stands, e.g. a renewal
during a suspension (the status function reads it as active again); only a first event that
is not the issue, anything after a revocation, and impossible dates are refused."""


def refusal(kind: Kind, history: Sequence[StatusEvent], new: StatusEvent, *, recorded: bool = False) -> str | None:
    """Why `new` may not follow `history` (in recorded order), or None when it may.

    `recorded=False` is the officer's rule set; `recorded=True` the looser one for histories
    imported as recorded elsewhere (see RECORDED_FROM).
    """
    label = LABEL[kind]
    allowed = ALLOWED_FROM[kind].get(new.event)
    if allowed is None:
        return f"unknown {label} event {new.event!r}; expected one of {', '.join(ALLOWED_FROM[kind])}"
    if recorded and new.event != FIRST_EVENT[kind]:
        allowed = RECORDED_FROM
    if new.event in TERM_EVENTS:
        if new.valid_until is None:
            return f"'{new.event}' needs the last day of the new term (valid until)"
        if new.valid_until < new.date:
            return f"the term would end ({new.valid_until}) before it starts ({new.date})"
    if history:
        first, last = history[0], history[-1]
        if new.date < first.date:
            return f"{new.date} is before the {label} was {first.event} ({first.date})"
        if new.date < last.date:
            return f"{new.date} is before the latest recorded event ({last.event} on {last.date}); events are recorded in date order"
        if new.event == "expired" and last.event == "expired" and not recorded:
            return f"the {label} is already recorded as expired (since {last.date})"
    elif new.event != FIRST_EVENT[kind]:
        return f"the first event of a {label} must be '{FIRST_EVENT[kind]}', not '{new.event}'"
    current = status_on(history, new.date)
    if current.status not in allowed:
        hint = HINTS.get((new.event, current.status))
        why = f"cannot record '{new.event}' on {new.date}: the {label} is {current.status} then"
        why += f" (it may only be {new.event} when {' or '.join(sorted(allowed))})"
        return f"{why}; {hint}" if hint else why
    if new.event == "renewed" and not recorded and current.valid_until and new.valid_until <= current.valid_until:
        return f"a renewal must extend the term beyond {current.valid_until}, not to {new.valid_until}"
    return None
