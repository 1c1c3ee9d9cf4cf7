"""Flags and their findings as CSV or XLSX, with the same filters as the flags API.

Rows come from `registry.flags.list_flags` (the API's own query), so an export always matches
what the API shows; the contract's file name and signing date are added. No worker identity
is exported: contracts carry none but a keyed passport hash, which is left out too.

Text cells that a spreadsheet would run as a formula (leading =, +, -, @, tab, CR) get a
leading apostrophe: evidence quotes come from uploaded documents, which may be hostile.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass


from registry.errors import ValidationError
from registry.flags import list_flags
from registry.tables import Contract

PAGE = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS: tuple[str, ...] = (
    "flag_id", "rule", "family", "severity", "status", "title", "explanation",
    "licence_number", "agency_name", "sub_licence_number", "broker_name", "assignee",
    "created_at", "contract_id", "contract_file", "contract_sha256", "signing_date",
    "evidence_pages", "evidence_text",
)


@dataclass(frozen=True)
class ExportFilters:
    """The flags API's filters: licence and sub-licence numbers in any printed form."""

    agency: str | None = None
    broker: str | None = None
    rule: str | None = None
    severity: str | None = None
    status: str | None = None


def rule_family(rule: str) -> str:
    """FEE001 -> FEE: the letters before the number (families never contain digits)."""
    return rule.rstrip("0123456789") or rule


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _evidence(raw: object) -> list[dict]:
    value = json.loads(raw) if isinstance(raw, str) else raw
    return [e for e in value or [] if isinstance(e, dict)]


async def export_rows(filters: ExportFilters = ExportFilters()) -> list[dict]:
    """One dict per flag, keyed by COLUMNS, oldest flag first."""
    flags: list[dict] = []
    while True:
        page = await list_flags(
            agency=filters.agency, broker=filters.broker, rule=filters.rule,
            severity=filters.severity, status=filters.status, limit=PAGE, offset=len(flags),
        )
        flags.extend(page)
        if len(page) < PAGE:
            break
    contracts = await _contracts({f["contract_id"] for f in flags})
    rows = []
    for flag in flags:
        contract = contracts.get(flag["contract_id"], {})
        evidence = _evidence(flag["evidence"])
        rows.append({
            "flag_id": flag["id"],
            "rule": flag["rule"],
            "family": rule_family(flag["rule"]),
            "severity": flag["severity"],
            "status": flag["status"],
            "title": flag["title"],
            "explanation": flag["explanation"],
            "licence_number": flag["licence_number"] or "",
            "agency_name": flag["agency_name"] or "",
            "sub_licence_number": flag["sub_licence_number"] or "",
            "broker_name": flag["broker_name"] or "",
            "assignee": flag["assignee"],
            "created_at": _utc(flag["created_at"]),
            "contract_id": flag["contract_id"],
            "contract_file": contract.get("file_name", ""),
            "contract_sha256": contract.get("sha256", ""),
            "signing_date": contract.get("signing_date"),
            "evidence_pages": "; ".join(str(e["page"]) for e in evidence if e.get("page") is not None),
            "evidence_text": " | ".join(str(e.get("text", "")) for e in evidence if e.get("text")),
        })
    return rows


async def _contracts(ids: set[int]) -> dict[int, dict]:
    found: dict[int, dict] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        rows = await Contract.select(
            Contract.id, Contract.file_name, Contract.sha256, Contract.signing_date
        ).where(Contract.id.is_in(ordered[start:start + 500]))
        found.update({row["id"]: row for row in rows})
    return found


def _utc(value: object) -> dt.datetime | None:
    """Spreadsheets have no time zones: timestamps are exported as UTC without an offset."""
    if not isinstance(value, dt.datetime):
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0)


def _cell(value: object) -> object:
    if isinstance(value, str):
        return safe_text(value)
    return value


def _xlsx_cell(value: object, illegal) -> object:
    """XLSX cannot hold most control characters; they are dropped rather than failing the file."""
    value = _cell(value)
    return illegal.sub("", value) if isinstance(value, str) else value


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(_cell(value))


def write_csv(rows: Iterable[dict]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Khmer names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_text(row[c]) for c in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(rows: Iterable[dict]) -> bytes:
    """Dates as date cells, every text cell as text (never a formula)."""
    # Imported here: openpyxl takes longer to import than most commands take to run.
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("flags")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([_xlsx_cell(row[c], ILLEGAL_CHARACTERS_RE) for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FORMATS = {"csv": (write_csv, "text/csv; charset=utf-8"),
           "xlsx": (write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


async def export(fmt: str, filters: ExportFilters = ExportFilters()) -> tuple[bytes, str]:
    """(file bytes, media type) for `fmt` in FORMATS."""
    if fmt not in FORMATS:
        raise ValidationError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    writer, media_type = FORMATS[fmt]
    return writer(await export_rows(filters)), media_type
