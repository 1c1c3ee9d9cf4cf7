"""Issue 2 acceptance: import the corpus registry, then every licence and sub-licence answers
with the status its events imply on every event date and the day after; CSV and PDF agree;
re-import is a no-op; a file with broken rows is rejected whole with every problem listed."""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from importers.registry_import import import_registry, read_batches
from importers.registry_pdf import read_pdf_list
from importers.registry_plan import _without_spaces
from importers.registry_sync import apply_batches
from registry.db import is_sqlite
from registry.errors import ImportRejectedError
from registry.queries import licence_answer, load_registry_snapshot
from registry.tables import AuditLog, LicenceEvent, SubLicenceEvent
from conftest import CORPUS, truncate_all
from registry_corpus import ONE_DAY, CorpusRegistry

REPO = Path(__file__).resolve().parent.parent
CSV_NAMES = ("agencies.csv", "licence_events.csv", "brokers.csv")


@pytest.fixture(scope="module")
def expected() -> CorpusRegistry:
    if not CORPUS.exists():
        pytest.skip("shared corpus not found")
    return CorpusRegistry(CORPUS / "registry")


@pytest.fixture(scope="module")
def pdf_batch():
    """Reading the PDF takes seconds: read it once for both engines."""
    if not CORPUS.exists():
        pytest.skip("shared corpus not found")
    return read_pdf_list(CORPUS / "registry" / "licensed_agencies.pdf")


def _import_csvs(corpus: Path):
    return asyncio.run(import_registry([corpus / "registry" / n for n in CSV_NAMES], actor="test"))


async def _row_counts() -> dict[str, int]:
    return {
        "events": await LicenceEvent.count(),
        "sub_events": await SubLicenceEvent.count(),
        "audit": await AuditLog.count(),
    }


def test_every_status_on_every_event_date_and_the_day_after(db, corpus, expected):
    summary = _import_csvs(corpus)
    assert summary.licences_added == len(expected.agencies)
    assert summary.sub_licences_added == len(expected.brokers)
    snapshot = asyncio.run(load_registry_snapshot())
    licences = {row.number: row for row in snapshot.licences.values()}
    subs = {row.number: row for row in snapshot.sub_licences.values()}
    mismatches = []
    for day in expected.dates():
        for number, row in licences.items():
            got = row.on(day)
            want = (expected.licence_status(number, day), expected.licence_valid_until(number, day))
            if (got.status, got.valid_until) != want and not (want[0] == "not_yet_valid" and got.status == "not_yet_valid"):
                mismatches.append((number, day, got.status, want))
        for broker in expected.brokers:
            got = subs[broker.number].on(day)
            if got.status != expected.sub_status(broker, day) or got.in_force != expected.sub_in_force(broker, day):
                mismatches.append((broker.number, day, got.status, expected.sub_status(broker, day)))
    assert mismatches == []


def test_show_answers_through_the_service_match_the_events(db, corpus, expected):
    """`licence_answer` (what `registry show` prints) around every status change of every record."""
    _import_csvs(corpus)
    last_day = expected.dates()[-1]  # the README's rule needs no term arithmetic up to here only
    asks = []
    for number, events in expected.events.items():
        changes = [d for i, (d, e, _) in enumerate(events) if i == 0 or e != "renewed"]
        asks += [(number, day, None) for d in changes for day in (d, d + ONE_DAY)]
    for broker in expected.brokers:
        start = broker.since if broker.status in ("suspended", "revoked") else broker.valid_from
        agency_changes = [d for d, e, _ in expected.events[broker.agency] if e != "renewed"]
        days = {start - ONE_DAY, start, *(d for d in agency_changes if broker.valid_from <= d <= broker.valid_to)}
        asks += [(broker.number, day, broker) for day in sorted(days) if day <= last_day]

    async def check() -> list:
        if not is_sqlite(db.engine):
            await db.engine.start_connection_pool()
        try:
            wrong = []
            for number, day, broker in asks:
                if broker is None:
                    answer = await licence_answer(number, day)
                    if answer["status"] != expected.licence_status(number, day):
                        wrong.append((number, day, answer["status"]))
                    continue
                answer = await licence_answer(number.replace("-", " "), day)
                agency_status = expected.licence_status(broker.agency, day)
                want = (expected.sub_status(broker, day), broker.agency, agency_status,
                        expected.sub_in_force(broker, day) and agency_status == "active")
                got = (answer["status"], answer["agency"], answer["agency_status"], answer["may_recruit"])
                if got != want:
                    wrong.append((number, day, got, want))
            return wrong
        finally:
            if not is_sqlite(db.engine):
                await db.engine.close_connection_pool()

    assert len(asks) > 500
    assert asyncio.run(check()) == []


def _cli(db, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FAIRRECRUIT_DATABASE_URL": db.url}
    return subprocess.run(
        [str(Path(sys.executable).parent / "fairrecruit"), *args],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )


def test_cli_import_show_and_history(db, corpus, expected):
    result = _cli(db, "registry", "import", *(str(corpus / "registry" / n) for n in CSV_NAMES), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["licences_added"] == len(expected.agencies)
    revoked = next(n for n, ev in expected.events.items() if any(e == "revoked" for _, e, _ in ev))
    revoked_on = next(d for d, e, _ in expected.events[revoked] if e == "revoked")
    broker = next(b for b in expected.brokers if b.agency == revoked and b.status == "revoked")
    khmer_digits = broker.number.translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")).replace("-", " ")
    shown = _cli(db, "registry", "show", khmer_digits, "--as-of", revoked_on.isoformat(), "--json")
    assert shown.returncode == 0, shown.stderr
    answer = json.loads(shown.stdout)
    assert (answer["kind"], answer["status"], answer["agency"], answer["agency_status"], answer["may_recruit"]) == (
        "sub_licence", "revoked", revoked, "revoked", False)
    history = json.loads(_cli(db, "registry", "history", revoked, "--json").stdout)
    assert [e["event"] for e in history["events"]] == [e for _, e, _ in expected.events[revoked]]


def test_reimport_changes_nothing(db, corpus, pdf_batch):
    _import_csvs(corpus)
    before = asyncio.run(_row_counts())
    csv_batches = read_batches([corpus / "registry" / n for n in CSV_NAMES])
    again = asyncio.run(apply_batches([*csv_batches, pdf_batch], actor="test"))  # the CSVs, then the PDF list
    assert again.nothing_changed
    assert asyncio.run(_row_counts()) == before


def test_csv_and_pdf_give_the_same_agencies_and_licences(db, corpus, pdf_batch):
    _import_csvs(corpus)
    from_csv = asyncio.run(load_registry_snapshot())
    asyncio.run(_truncate(db))
    summary = asyncio.run(apply_batches([pdf_batch], actor="test"))
    assert summary.licences_added == len(from_csv.licences)
    from_pdf = asyncio.run(load_registry_snapshot())
    list_date = pdf_batch.list_date

    def view(snapshot):
        rows = {}
        for licence in snapshot.licences.values():
            agency = snapshot.agencies[licence.agency_id]
            state = licence.on(list_date)
            rows[licence.number] = (
                agency.name_en, _without_spaces(agency.name_km), agency.address_en,
                _without_spaces(agency.address_km), agency.phone, licence.destinations,
                state.status, state.valid_until,
            )
        return rows

    assert view(from_pdf) == view(from_csv)


async def _truncate(db) -> None:
    await truncate_all(db.engine)


def test_three_broken_rows_are_all_reported_and_nothing_is_written(db, corpus, tmp_path):
    for name in CSV_NAMES:
        shutil.copy(corpus / "registry" / name, tmp_path / name)
    path = tmp_path / "agencies.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[3]["valid_until"] = "2027-13-45"
    rows[10]["status"] = "dormant"
    rows[20]["authorised_destinations"] = "TH;Malaysia"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ImportRejectedError) as caught:
        asyncio.run(import_registry([tmp_path], actor="test"))
    found = {(p.file, p.row, p.column) for p in caught.value.problems}
    assert found == {
        ("agencies.csv", 5, "valid_until"), ("agencies.csv", 12, "status"),
        ("agencies.csv", 22, "authorised_destinations"),
    }
    assert "nothing was written" in str(caught.value)
    assert asyncio.run(_row_counts()) == {"events": 0, "sub_events": 0, "audit": 0}


def test_cli_reports_every_problem_on_stderr(db, tmp_path):
    bad = tmp_path / "licence_events.csv"
    bad.write_text(
        "licence_no,event,date,note\n"
        "MLVT-PRA-900/2020,opened,2020-01-01,\n"
        "MLVT-PRA-900/2020,issued,2020-02-30,licence issued; valid until 2022-01-01\n"
        ",renewed,2021-01-01,renewed\n",
        encoding="utf-8",
    )
    result = _cli(db, "registry", "import", str(bad))
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if "licence_events.csv, row" in line]
    assert [line.split(",")[1].strip() for line in lines] == ["row 2", "row 3", "row 4", "row 4"]


def test_newer_list_records_the_differences_as_events(db, tmp_path):
    example = REPO / "examples" / "registry"
    asyncio.run(import_registry([example], actor="test"))
    newer = tmp_path / "agencies.csv"
    rows = list(csv.DictReader((example / "agencies.csv").open(encoding="utf-8")))
    changed = rows[0]  # an active licence: suspended in the newer list, and for more countries
    changed.update(status="suspended", status_since="2026-11-20", authorised_destinations="TH;MY;JP;KR")
    with newer.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    summary = asyncio.run(import_registry([newer], actor="officer-b"))
    assert (summary.licence_events_added, summary.destinations_updated, summary.changed) == (1, 1, [changed["licence_no"]])
    answer = asyncio.run(licence_answer(changed["licence_no"], dt.date(2026, 11, 20)))
    assert (answer["status"], answer["destinations"], answer["version"]) == ("suspended", ["TH", "MY", "JP", "KR"], 2)
    assert asyncio.run(licence_answer(changed["licence_no"], dt.date(2026, 11, 19)))["status"] == "active"
    assert asyncio.run(import_registry([newer], actor="officer-b")).nothing_changed


def test_newer_list_revoking_an_agency_revokes_its_brokers_the_same_day(db, tmp_path):
    example = REPO / "examples" / "registry"
    asyncio.run(import_registry([example], actor="test"))
    rows = list(csv.DictReader((example / "agencies.csv").open(encoding="utf-8")))
    target = next(r for r in rows if r["licence_no"] == "MLVT-PRA-106/2022")
    target.update(status="revoked", status_since="2026-11-25")
    newer = tmp_path / "agencies.csv"
    with newer.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    asyncio.run(import_registry([newer], actor="test"))
    brokers = list(csv.DictReader((example / "brokers.csv").open(encoding="utf-8")))
    for broker in (b for b in brokers if b["agency_licence_no"] == "MLVT-PRA-106/2022"):
        before = asyncio.run(licence_answer(broker["sub_licence_no"], dt.date(2026, 11, 24)))["status"]
        after = asyncio.run(licence_answer(broker["sub_licence_no"], dt.date(2026, 11, 25)))["status"]
        assert after == ("revoked" if before in ("active", "suspended") else before)


def test_events_file_for_an_unknown_licence_is_rejected(db, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("licence_no,event,date,note\nMLVT-PRA-999/2020,issued,2020-01-01,valid until 2022-01-01\n", encoding="utf-8")
    with pytest.raises(ImportRejectedError, match="neither in this import"):
        asyncio.run(import_registry([path], actor="test"))


def test_a_folder_without_registry_files_is_reported(tmp_path):
    with pytest.raises(ImportRejectedError, match="no .csv or .pdf"):
        read_batches([tmp_path])


def test_example_registry_has_what_the_readme_promises(db):
    summary = asyncio.run(import_registry([REPO / "examples" / "registry"], actor="test"))
    assert (summary.licences_added, summary.sub_licences_added) == (6, 10)
    today = dt.date(2026, 11, 29)
    snapshot = asyncio.run(load_registry_snapshot())
    statuses = sorted(row.on(today).status for row in snapshot.licences.values())
    assert statuses == ["active", "active", "active", "expired", "revoked", "suspended"]
    assert all(agency.name_km for agency in snapshot.agencies.values())
    assert asyncio.run(licence_answer("MLVT-PRA-101/2019", today))["status"] == "active"


def test_regression_an_older_list_does_not_undo_a_later_officer_action(db):
    from registry import services

    example = REPO / "examples" / "registry"
    asyncio.run(import_registry([example], actor="test"))
    asyncio.run(services.suspend_licence("MLVT-PRA-101/2019", on=dt.date(2026, 11, 25), reason="inspection", actor="officer"))
    asyncio.run(services.suspend_sub_licence("MLVT-SUB-5001/2019", on=dt.date(2026, 11, 26), reason="complaint", actor="officer"))
    assert asyncio.run(import_registry([example], actor="test")).nothing_changed
    day = dt.date(2026, 11, 27)
    assert asyncio.run(licence_answer("MLVT-PRA-101/2019", day))["status"] == "suspended"
    assert asyncio.run(licence_answer("MLVT-SUB-5001/2019", day))["status"] == "suspended"


def test_regression_a_renewed_sub_licence_reimports_as_a_no_op(db, tmp_path):
    example = REPO / "examples" / "registry"
    asyncio.run(import_registry([example], actor="test"))
    rows = list(csv.DictReader((example / "brokers.csv").open(encoding="utf-8")))
    target = next(r for r in rows if r["sub_licence_no"] == "MLVT-SUB-5008/2022")
    target["valid_to"] = "2028-12-31"
    newer = tmp_path / "brokers.csv"
    with newer.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    first = asyncio.run(import_registry([newer], actor="test"))
    assert (first.sub_licence_events_added, first.changed) == (1, ["MLVT-SUB-5008/2022"])
    answer = asyncio.run(licence_answer("MLVT-SUB-5008/2022", dt.date(2027, 6, 1)))
    assert (answer["status"], answer["valid_until"]) == ("active", dt.date(2028, 12, 31))
    assert asyncio.run(import_registry([newer], actor="test")).nothing_changed


def test_regression_an_events_file_after_the_pdf_list_was_refused_without_saying_why(db, corpus, pdf_batch):
    """Importing the ministry's PDF list first, then the events file, refused every licence with
    only '2011-01-09 is before the licence was issued (2025-01-09)': the officer was not told
    that the list's issue dates are inferred, nor what order the files must come in."""
    asyncio.run(apply_batches([pdf_batch], actor="test"))
    before = asyncio.run(_row_counts())
    with pytest.raises(ImportRejectedError) as caught:
        _import_csvs(corpus)
    refused = [p for p in caught.value.problems if p.file == "licence_events.csv"]
    assert refused and all("import the events file before any list" in p.why for p in refused)
    assert asyncio.run(_row_counts()) == before
