"""Reading untrusted PDFs in a resource-limited subprocess.

A hostile document can make a parser allocate without bound, loop, or crash in native code.
The child process gets an address-space limit (RLIMIT_AS), a CPU-time limit (RLIMIT_CPU), a
file-size limit, its own session (so the whole process group, including pdftotext and
tesseract, is killed on timeout) and a wall-clock deadline. Whatever happens to it, the
caller gets a Document or an UnreadableDocumentError, never a dead server.

The result comes back as JSON, not pickle: a child compromised by a malicious file must not
be able to run code in the parent.
"""
from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from dataclasses import asdict

from importers.document import Document, Line, Page, Table, Word
from importers.pdf.errors import UnreadableDocumentError
from importers.pdf.limits import ReadLimits

_FILE_SIZE_LIMIT = 1 << 30
"""Largest file the child may write (temporary PNG renders, pdftotext output)."""
_ERROR_EXIT = 3
"""The child rejected the document; stdout holds {"reason", "message"}."""
_MEMORY_EXIT = 4
"""The child ran out of its address space in Python code."""


def read_pdf_isolated(
    data: bytes,
    limits: ReadLimits | None = None,
    *,
    ocr: bool = True,
    password: str | None = None,
) -> Document:
    """`read_pdf` in a child process bounded by `limits` (memory, CPU, wall clock)."""
    limits = limits or ReadLimits.from_env()
    header = json.dumps({"limits": asdict(limits), "ocr": ocr, "password": password})
    process = subprocess.Popen(
        [sys.executable, "-m", "importers.pdf.isolated"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: _limit_child(limits),
    )
    try:
        out, err = process.communicate(header.encode() + b"\n" + data, timeout=limits.max_seconds)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise UnreadableDocumentError(
            "timeout",
            f"Reading the PDF took longer than {limits.max_seconds:g} s and was stopped.",
        ) from None
    finally:
        if process.poll() is None:
            _kill_group(process)
    return _result(process.returncode, out, err, limits)


def _limit_child(limits: ReadLimits) -> None:
    memory = limits.max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.max_cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (_FILE_SIZE_LIMIT, _FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _result(returncode: int, out: bytes, err: bytes, limits: ReadLimits) -> Document:
    if returncode == 0:
        try:
            return document_from_json(json.loads(out))
        except (ValueError, KeyError, TypeError):
            raise UnreadableDocumentError("crashed", "The PDF reader returned no result.") from None
    if returncode == _ERROR_EXIT:
        try:
            problem = json.loads(out)
            raise UnreadableDocumentError(problem["reason"], problem["message"])
        except (ValueError, KeyError, TypeError):
            pass
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise UnreadableDocumentError(
            "timeout", f"Reading the PDF used more than {limits.max_cpu_seconds} s of CPU time."
        )
    if returncode == _MEMORY_EXIT:
        raise UnreadableDocumentError(
            "memory", f"Reading the PDF needed more than {limits.max_memory_mb} MB of memory."
        )
    detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {returncode}"]
    raise UnreadableDocumentError(
        "crashed", f"The PDF reader failed on this document ({detail[0][:200]})."
    )


def document_to_json(document: Document) -> dict:
    return asdict(document)


def document_from_json(raw: dict) -> Document:
    pages = [
        Page(
            number=page["number"],
            width=page["width"],
            height=page["height"],
            lines=[
                Line([Word(w["text"], tuple(w["bbox"])) for w in line["words"]])
                for line in page["lines"]
            ],
            tables=[Table(table["rows"], tuple(table["bbox"])) for table in page["tables"]],
            source=page["source"],
            quality=page["quality"],
        )
        for page in raw["pages"]
    ]
    return Document(raw["sha256"], pages, raw["producer"], list(raw["needs_ocr_pages"]))


def _child() -> int:
    try:
        from importers.pdf.reader import read_pdf

        stream = sys.stdin.buffer
        header = json.loads(stream.readline())
        data = stream.read()
        document = read_pdf(
            data,
            limits=ReadLimits(**header["limits"]),
            ocr=header["ocr"],
            password=header["password"],
        )
        sys.stdout.write(json.dumps(document_to_json(document), ensure_ascii=False))
    except UnreadableDocumentError as exc:
        sys.stdout.write(json.dumps({"reason": exc.reason, "message": str(exc)}))
        return _ERROR_EXIT
    except MemoryError:
        return _MEMORY_EXIT
    return 0


if __name__ == "__main__":
    sys.exit(_child())
