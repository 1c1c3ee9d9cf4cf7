"""`registry import PATH...`: collect files, read them all, then apply them in one transaction.

CSV files of a run form one batch (agencies before the events and brokers that refer to them);
each PDF list is a batch of its own, applied after the CSVs, so a folder holding both the
spreadsheets and the published list imports the history first and then checks the list
against it. Reading problems from every file are reported together before anything is written.
"""
from __future__ import annotations

from pathlib import Path

from importers.registry_csv import read_csv
from importers.registry_records import RegistryBatch
from importers.registry_sync import ImportSummary, Progress, apply_batches, no_progress
from registry import collector
from registry.errors import ImportProblem, ImportRejectedError

SUFFIXES = (".csv", ".pdf")


def collect_files(paths: list[Path]) -> tuple[list[Path], list[ImportProblem]]:
    files: list[Path] = []
    problems: list[ImportProblem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
            if not found:
                problems.append(ImportProblem(str(path), None, None, "folder holds no .csv or .pdf file"))
            files.extend(found)
        elif path.is_file() and path.suffix.lower() in SUFFIXES:
            files.append(path)
        elif path.exists():
            problems.append(ImportProblem(str(path), None, None, "not a .csv or .pdf file"))
        else:
            problems.append(ImportProblem(str(path), None, None, "no such file or folder"))
    return files, problems


def read_batches(paths: list[Path]) -> list[RegistryBatch]:
    files, problems = collect_files(paths)
    csv_batch = RegistryBatch()
    pdf_batches: list[RegistryBatch] = []
    for path in files:
        if path.suffix.lower() == ".csv":
            read_csv(path, csv_batch, problems)
            continue
        from importers.registry_pdf import read_pdf_list  # pdfplumber loads only when a PDF is given

        try:
            pdf_batches.append(read_pdf_list(path))
        except ImportRejectedError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ImportRejectedError(problems)
    return ([csv_batch] if csv_batch.sources else []) + pdf_batches


async def import_registry(paths: list[Path], *, actor: str, progress: Progress | None = None) -> ImportSummary:
    """Import everything or nothing; re-importing the same files changes nothing."""
    with collector.paused():  # millions of long-lived records, no cycles among them
        batches = read_batches(paths)
        return await apply_batches(batches, actor=actor, progress=progress or no_progress)
