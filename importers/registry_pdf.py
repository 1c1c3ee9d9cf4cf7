"""Read the ministry's published list of licensed agencies (a bilingual PDF table).

Structure comes from pdfplumber's table finder (rows, cells and their boxes). Cell *text* comes
from poppler (`pdftotext -bbox`), whose words follow the PDF's glyph-to-Unicode map: pdfplumber
works glyph by glyph in visual order and scrambles Khmer (pre-posed vowels, subscripts).
Each poppler word goes to the cell containing its centre; within a cell, lines with Khmer
script are the Khmer text and the others the English text.

Known limit: Khmer has no spaces between words and the PDF's word gaps do not say where the
registry's spaces are, so Khmer fields are compared space-insensitively (`registry_plan`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from importers.pdf.khmer import has_khmer
from importers.registry_records import AgencyRecord, RegistryBatch
from registry.errors import ImportProblem, ImportRejectedError
from registry.numbers import ascii_digits, number_norm

DATA = Path(__file__).resolve().parent / "data"
COUNTRIES: dict[str, str] = {
    k: v for k, v in json.loads((DATA / "countries.json").read_text("utf-8")).items()
    if not k.startswith("_")
}
COLUMNS = ("no", "licence_no", "name", "address", "phone", "destinations", "valid_until", "status")
STATUS_WORDS = {"active": "active", "suspended": "suspended", "revoked": "revoked", "expired": "expired"}
LIST_DATE = re.compile(r"status as of\s+(\d{1,2}\s+[A-Za-z]+\s+\d{4})", re.IGNORECASE)
DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
LINE_TOLERANCE = 4.0  # points: Khmer and Latin glyphs on one visual line differ in height
POPPLER_TIMEOUT_S = 120


@dataclass(frozen=True, slots=True)
class Word:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    text: str

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2


def poppler_words(path: Path) -> dict[int, list[Word]]:
    """Words with boxes per page (0-based), in points from the top-left like pdfplumber."""
    result = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
        capture_output=True, check=True, timeout=POPPLER_TIMEOUT_S,
    )
    root = ET.fromstring(result.stdout)
    pages: dict[int, list[Word]] = {}
    for index, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page")):
        pages[index] = [
            Word(index, float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")), w.text or "")
            for w in page.iter("{http://www.w3.org/1999/xhtml}word")
        ]
    return pages


def _lines(words: list[Word]) -> list[str]:
    """Group a cell's words into visual lines, top to bottom, left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.centre[1], w.x0)):
        if lines and abs(lines[-1][0].centre[1] - word.centre[1]) <= LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [" ".join(w.text for w in sorted(line, key=lambda w: w.x0)) for line in lines]


@dataclass(frozen=True, slots=True)
class Cell:
    khmer: str
    latin: str


def _cell(words: list[Word], box: tuple[float, float, float, float] | None) -> Cell:
    if box is None:
        return Cell("", "")
    x0, top, x1, bottom = box
    inside = [w for w in words if x0 <= w.centre[0] <= x1 and top <= w.centre[1] <= bottom]
    lines = _lines(inside)
    return Cell(" ".join(l for l in lines if has_khmer(l)), " ".join(l for l in lines if not has_khmer(l)))


def _date(text: str) -> dt.date | None:
    match = DMY.search(ascii_digits(text))
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def list_date(path: Path) -> dt.date | None:
    with pdfplumber.open(path) as pdf:
        text = pdf.pages[0].extract_text() or "" if pdf.pages else ""
    match = LIST_DATE.search(text)
    if not match:
        return None
    try:
        return dt.datetime.strptime(match.group(1), "%d %B %Y").date()
    except ValueError:
        return None


def read_pdf_list(path: Path) -> RegistryBatch:
    """The list as agency records with a status statement; every problem listed, or the batch."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    name = path.name
    problems: list[ImportProblem] = []
    batch = RegistryBatch(sources={name: hashlib.sha256(path.read_bytes()).hexdigest()})
    batch.list_date = list_date(path)
    if batch.list_date is None:
        problems.append(ImportProblem(name, None, None, "no 'Status as of <day month year>' date on the first page"))
    words = poppler_words(path)
    seen: dict[str, int] = {}
    with pdfplumber.open(path) as pdf:
        for page_index, page in enumerate(pdf.pages):
            for table in page.find_tables():
                for row in table.rows:
                    cells = dict(zip(COLUMNS, (_cell(words.get(page_index, []), box) for box in row.cells)))
                    if len(cells) < len(COLUMNS) or not any(ch.isdigit() for ch in cells["no"].latin + ascii_digits(cells["no"].khmer)):
                        continue  # the header row repeated on each page
                    record = _record(cells, name, problems, page_index + 1)
                    if record is None:
                        continue
                    key = number_norm(record.licence_no)
                    if key in seen:
                        problems.append(ImportProblem(name, record.row, "licence_no", f"listed already as row {seen[key]}"))
                        continue
                    seen[key] = record.row
                    batch.agencies.append(record)
    if not batch.agencies and not problems:
        problems.append(ImportProblem(name, None, None, "no table rows found: not a published list of agencies"))
    if problems:
        raise ImportRejectedError(problems)
    return batch


def _record(cells: dict[str, Cell], file: str, problems: list[ImportProblem], page: int) -> AgencyRecord | None:
    row_text = ascii_digits(cells["no"].latin or cells["no"].khmer)
    row = int(re.sub(r"\D", "", row_text) or 0)
    found: list[ImportProblem] = []

    def problem(column: str, why: str) -> None:
        found.append(ImportProblem(file, row, column, f"{why} (page {page})"))

    licence_no = cells["licence_no"].latin.replace(" ", "")
    if not number_norm(licence_no):
        problem("Licence No.", "no licence number")
    codes = []
    for country in (c.strip() for c in cells["destinations"].latin.split(",")):
        code = COUNTRIES.get(" ".join(country.casefold().split()))
        if code is None:
            problem("Authorised destinations", f"unknown country {country!r}")
        else:
            codes.append(code)
    valid_until = _date(cells["valid_until"].latin)
    if valid_until is None:
        problem("Valid until", f"not a date (dd/mm/yyyy): {cells['valid_until'].latin!r}")
    words = cells["status"].latin.split()
    status = STATUS_WORDS.get(words[0].casefold()) if words else None
    if status is None:
        problem("Status", f"unknown status {cells['status'].latin!r}")
    since = _date(cells["status"].latin)
    if status not in (None, "active") and since is None:
        problem("Status", f"a {status} licence needs the date it became {status}")
    if not cells["name"].latin:
        problem("Name of agency", "no English name")
    problems.extend(found)
    if found:
        return None
    return AgencyRecord(
        licence_no=licence_no, name_en=cells["name"].latin, name_km=cells["name"].khmer,
        address_en=cells["address"].latin, address_km=cells["address"].khmer, province=None,
        phone=cells["phone"].latin, destinations=tuple(codes), first_issued=None,
        valid_until=valid_until, status=status, status_since=since, source=file, row=row,
    )
