"""Status on a date, against a deliberately naive reference model over random histories."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.status import StatusEvent, status_on

START = dt.date(2010, 1, 1)


def reference_status(events: list[StatusEvent], day: dt.date) -> str:
    """Walk every day from the start, applying that day's events in order: slow but obvious."""
    status, term_end = "not_yet_valid", None
    current = START
    by_day: dict[dt.date, list[StatusEvent]] = {}
    for event in events:
        by_day.setdefault(event.date, []).append(event)
    while current <= day:
        for event in by_day.get(current, []):
            status = {
                "issued": "active", "renewed": "active", "reinstated": "active",
                "granted": "active", "withdrawn": "revoked",
            }.get(event.event, event.event)
            if event.event in ("issued", "renewed", "granted"):
                term_end = event.valid_until
        lapsed = term_end is not None and current > term_end
        if lapsed and status in ("active", "suspended"):
            status = "expired"
        current += dt.timedelta(days=1)
    return status


event_names = st.sampled_from(
    ["issued", "renewed", "suspended", "reinstated", "revoked", "expired", "withdrawn"]
)


@st.composite
def histories(draw):
    count = draw(st.integers(min_value=0, max_value=8))
    events = []
    for _ in range(count):
        name = draw(event_names)
        day = START + dt.timedelta(days=draw(st.integers(0, 3000)))
        until = None
        if name in ("issued", "renewed"):
            until = day + dt.timedelta(days=draw(st.integers(0, 800)))
        events.append(StatusEvent(name, day, until))
    events.sort(key=lambda e: e.date)
    return events


@settings(max_examples=300, deadline=None)
@given(histories(), st.integers(0, 3800))
def test_status_matches_reference_model(events, offset):
    day = START + dt.timedelta(days=offset)
    assert status_on(events, day).status == reference_status(events, day)


def test_before_first_event_is_not_yet_valid():
    events = [StatusEvent("issued", dt.date(2020, 1, 1), dt.date(2021, 12, 31))]
    answer = status_on(events, dt.date(2019, 12, 31))
    assert answer.status == "not_yet_valid"
    assert answer.valid_until == dt.date(2021, 12, 31)


def test_term_lapse_without_explicit_event_expires_the_day_after():
    events = [StatusEvent("granted", dt.date(2020, 1, 1), dt.date(2021, 12, 31))]
    assert status_on(events, dt.date(2021, 12, 31)).status == "active"
    lapsed = status_on(events, dt.date(2022, 1, 1))
    assert (lapsed.status, lapsed.since) == ("expired", dt.date(2022, 1, 1))


def test_revocation_survives_the_end_of_the_term():
    events = [
        StatusEvent("issued", dt.date(2020, 1, 1), dt.date(2021, 12, 31)),
        StatusEvent("revoked", dt.date(2020, 6, 1)),
    ]
    assert status_on(events, dt.date(2023, 1, 1)).status == "revoked"
