"""Flag exports round-trip (CSV and XLSX read back equal the API's rows), filters match the flags
API, and the summary charts render as SVG (both engines)."""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook

import inspections_fixture as fx
from registry.flags import list_flags
from registry.reports.charts import all_charts
from registry.reports.exports import COLUMNS, ExportFilters, export, export_rows, safe_text
from registry.reports.summary import build_summary

HOSTILE = "=HYPERLINK(\"http://evil.example\",\"click\")"
KHMER = "ក្រុមហ៊ុន អាល់ហ្វា"


async def _flags() -> None:
    a = await fx.agency("MLVT-PRA-001/2020", "Alpha Manpower", province="Phnom Penh")
    b = await fx.agency("MLVT-PRA-002/2020", KHMER, province="Kandal")
    sub = await fx.broker("MLVT-SUB-0001/2021", "Sok Dara", a)
    c1 = await fx.contract(signed=dt.date(2026, 3, 1), licence_id=a, sub_licence_id=sub)
    c2 = await fx.contract(signed=dt.date(2025, 7, 9), licence_id=b)
    c3 = await fx.contract(signed=None, agency_name="Unknown Co")
    await fx.flag(c1, "WRK006", "critical", licence_id=a, sub_licence_id=sub)
    await fx.flag(c1, "FEE001", "high", licence_id=a, sub_licence_id=sub, status="in_review", history=("in_review",))
    hostile = await fx.flag(c2, "FEE004", "critical", licence_id=b)
    await fx.flag(c2, "WRK010", "medium", licence_id=b, status="dismissed", history=("in_review", "dismissed"))
    await fx.flag(c3, "LIC001", "critical")
    from registry.tables import Flag

    await Flag.update({Flag.evidence: [{"page": 2, "text": HOSTILE}]}).where(Flag.id == hostile)


def _csv_back(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must carry a BOM for spreadsheet programs"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _as_csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return safe_text(value) if isinstance(value, str) else str(value)


def test_csv_round_trip(db):
    async def scenario():
        await _flags()
        return await export_rows(), (await export("csv"))[0]

    rows, data = asyncio.run(scenario())
    back = _csv_back(data)
    assert len(back) == 5
    assert list(back[0]) == list(COLUMNS)
    assert back == [{c: _as_csv_text(row[c]) for c in COLUMNS} for row in rows]
    assert any(r["agency_name"] == KHMER for r in back)


def test_xlsx_round_trip(db):
    async def scenario():
        await _flags()
        return await export_rows(), (await export("xlsx"))[0]

    rows, data = asyncio.run(scenario())
    sheet = load_workbook(io.BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == COLUMNS
    for row, cells in zip(rows, values[1:], strict=True):
        back = dict(zip(COLUMNS, cells))
        for column in COLUMNS:
            expected = row[column]
            got = back[column]
            if isinstance(expected, dt.date) and not isinstance(expected, dt.datetime):
                got = got.date()  # spreadsheets store dates as date-times
            if isinstance(expected, str):
                expected, got = safe_text(expected) or None, got
            assert got == expected, column


def test_hostile_evidence_is_exported_as_text_not_a_formula(db):
    async def scenario():
        await _flags()
        return (await export("csv", ExportFilters(rule="FEE004")))[0], (await export("xlsx", ExportFilters(rule="FEE004")))[0]

    csv_data, xlsx_data = asyncio.run(scenario())
    (row,) = _csv_back(csv_data)
    assert row["evidence_text"] == "'" + HOSTILE
    cell = load_workbook(io.BytesIO(xlsx_data)).active.cell(row=2, column=COLUMNS.index("evidence_text") + 1)
    assert cell.data_type == "s" and cell.value == "'" + HOSTILE


@pytest.mark.parametrize(
    "filters",
    [
        ExportFilters(agency="mlvt pra 001 2020"),
        ExportFilters(broker="MLVT-SUB-0001/2021"),
        ExportFilters(rule="wrk006"),
        ExportFilters(severity="critical"),
        ExportFilters(status="dismissed"),
        ExportFilters(agency="MLVT-PRA-002/2020", severity="critical"),
    ],
    ids=["agency", "broker", "rule", "severity", "status", "agency+severity"],
)
def test_filters_match_the_flags_api(db, filters):
    async def scenario():
        await _flags()
        api = await list_flags(agency=filters.agency, broker=filters.broker, rule=filters.rule,
                               severity=filters.severity, status=filters.status)
        return api, await export_rows(filters)

    api, rows = asyncio.run(scenario())
    assert rows, "every filter in this test selects something"
    assert [r["flag_id"] for r in rows] == [f["id"] for f in api]
    assert [(r["rule"], r["status"], r["licence_number"]) for r in rows] == [
        (f["rule"], f["status"], f["licence_number"] or "") for f in api
    ]


def test_empty_export_has_only_the_header(db):
    data, media_type = asyncio.run(export("csv"))
    assert _csv_back(data) == [] and data.decode("utf-8-sig").startswith("flag_id,")
    assert media_type.startswith("text/csv")


def test_summary_counts_and_charts(db):
    async def scenario():
        await _flags()
        return await build_summary()

    summary = asyncio.run(scenario())
    assert summary.total == 4  # the dismissed flag is left out
    assert summary.by_month["2026-03"] == {"WRK": 1, "FEE": 1}
    assert summary.by_month["2025-07"] == {"FEE": 1}
    assert dict(summary.by_province) == {"Phnom Penh": 2, "Kandal": 1, "not in registry": 1}
    assert summary.top_critical[0][2] == 1 and len(summary.top_critical) == 2
    charts = all_charts(summary)
    for name, svg in charts.items():
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg"), name
    assert "2025-07" in charts["families"] and "2026-03" in charts["families"]
    assert "Alpha Manpower (MLVT-PRA-001/2020)" in charts["critical"]
    assert "Kandal" in charts["provinces"]


def test_charts_of_an_empty_registry_say_so(db):
    charts = all_charts(asyncio.run(build_summary()))
    assert "No findings yet" in charts["families"]
    assert "No critical indicators recorded" in charts["critical"]
