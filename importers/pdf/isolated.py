"""Reading untrusted PDFs in resource-limited worker processes.

A hostile document can make a parser allocate without bound, loop, or crash in native code.
A worker process gets an address-space limit (RLIMIT_AS), a CPU-time limit per document
(RLIMIT_CPU, soft limit moved forward before each document), a file-size limit, its own
session (so the whole process group, including pdftotext and tesseract, is killed on
timeout) and a wall-clock deadline per document. Whatever happens to it, the caller gets a
Document or an UnreadableDocumentError, never a dead server.

Workers are forked from a pre-loaded zygote process (`importers.pdf.zygote`) instead of being
started as new Python processes, and kept between documents: a worker that timed out,
crashed or ran out of memory is killed and replaced, and every worker is retired after
`DOCUMENTS_PER_WORKER` documents. The price of keeping them is that documents read by one
worker share its process: a document that took control of the parser could see a later
document of the same worker. Set FAIRRECRUIT_PDF_WORKER_DOCUMENTS=1 for one process per
document.

Results come back as JSON, not pickle: a worker compromised by a malicious file must not be
able to run code in the parent.
"""
from __future__ import annotations

import atexit
import importlib
import json
import os
import resource
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import IO, Any, TypeVar

from importers.document import Document, Line, Page, Table, Word
from importers.pdf.errors import UnreadableDocumentError
from importers.pdf.limits import ReadLimits
from importers.pdf.zygote import ForkedProcess, Zygote, readable

_FILE_SIZE_LIMIT = 1 << 30
"""Largest file the child may write (temporary PNG renders for OCR)."""
_ERROR_EXIT = 3
"""The child rejected the document; its answer holds {"reason", "message"}."""
_MEMORY_EXIT = 4
"""The child ran out of its address space in Python code."""
DOCUMENTS_PER_WORKER = int(os.environ.get("FAIRRECRUIT_PDF_WORKER_DOCUMENTS", "50"))
"""Documents one worker reads before it is retired (bounds leaks and shared state)."""
_MAX_IDLE = max(2, os.cpu_count() or 1)
"""Idle workers kept per set of limits; more concurrent reads start more workers."""
T = TypeVar("T")


def read_pdf_isolated(
    data: bytes,
    limits: ReadLimits | None = None,
    *,
    ocr: bool = True,
    password: str | None = None,
) -> Document:
    """`read_pdf` in a worker process bounded by `limits` (memory, CPU, wall clock)."""
    return converted(document_from_json, read_isolated(data, limits, ocr=ocr, password=password))


def read_isolated(
    data: bytes,
    limits: ReadLimits | None = None,
    *,
    ocr: bool = True,
    password: str | None = None,
    job: str = "document",
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`read_pdf` in a worker process, then `job` (a name in `JOBS`) on the Document there;
    the job's JSON answer. Work that only needs the Document is done where it was read, so
    the Document itself does not cross the pipe and the caller's process stays free."""
    if job not in JOBS:
        raise ValueError(f"unknown reader job {job!r}")
    limits = limits or ReadLimits.from_env()
    header = json.dumps({"limits": asdict(limits), "ocr": ocr, "password": password, "size": len(data),
                         "job": job, "options": options or {}})
    try:
        worker = _POOL.checkout(limits)
    except (OSError, EOFError) as exc:
        raise UnreadableDocumentError("crashed", f"The PDF reader could not be started ({exc}).") from exc
    deadline = time.monotonic() + limits.max_seconds
    try:
        worker.process.stdin.write(header.encode() + b"\n" + data)
        worker.process.stdin.flush()
        status, payload = worker.answer(deadline)
    except TimeoutError:
        _abandon(worker)
        raise UnreadableDocumentError(
            "timeout",
            f"Reading the PDF took longer than {limits.max_seconds:g} s and was stopped.",
        ) from None
    except (BrokenPipeError, EOFError):
        err = _abandon(worker)
        return _result(worker.process.returncode, b"", err, limits)
    except ValueError:  # an answer line that is not `status size`: the worker is not to be trusted
        _abandon(worker)
        raise UnreadableDocumentError("crashed", "The PDF reader returned no result.") from None
    _POOL.checkin(worker)
    return _result(status, payload, b"", limits)


def _abandon(worker: _Worker) -> bytes:
    """End a worker that ended abnormally, and the zygote it came from (see
    `importers.pdf.zygote`); the tail of the worker's stderr."""
    err = worker.kill()
    _ZYGOTE.renew()
    return err


def converted(convert: Callable[[dict[str, Any]], T], answer: dict[str, Any]) -> T:
    """A worker's answer as the caller's type; an answer that does not fit came from a worker
    that is not to be trusted."""
    try:
        return convert(answer)
    except (ValueError, KeyError, TypeError):
        raise UnreadableDocumentError("crashed", "The PDF reader returned no result.") from None


class _Worker:
    def __init__(self, limits: ReadLimits) -> None:
        self.limits = limits
        self.documents = 0
        self.stderr = tempfile.TemporaryFile()
        self.process = _ZYGOTE.spawn(limits, self.stderr)

    def answer(self, deadline: float) -> tuple[int, bytes]:
        """(status, JSON payload) of the current document: a line `status size`, then bytes."""
        line = self._read_until(b"\n", deadline)
        status, size = (int(part) for part in line.split())
        self.documents += 1
        return status, self._read_exactly(size, deadline)

    def _read_until(self, end: bytes, deadline: float) -> bytes:
        out = bytearray()
        while not out.endswith(end):
            out += self._read_some(1, deadline)
        return bytes(out)

    def _read_exactly(self, size: int, deadline: float) -> bytes:
        out = bytearray()
        while len(out) < size:
            out += self._read_some(size - len(out), deadline)
        return bytes(out)

    def _read_some(self, most: int, deadline: float) -> bytes:
        fd = self.process.stdout.fileno()
        left = deadline - time.monotonic()
        if left <= 0 or not readable(fd, left):
            raise TimeoutError
        chunk = os.read(fd, most)
        if not chunk:
            self.process.wait()
            raise EOFError
        return chunk

    def alive(self) -> bool:
        return self.process.poll() is None and self.documents < DOCUMENTS_PER_WORKER

    def kill(self) -> bytes:
        """Kill the worker's process group; the tail of what it wrote on stderr."""
        _kill_group(self.process)
        self.stderr.seek(0)
        tail = self.stderr.read()[-4096:]
        self.close_files()
        return tail

    def retire(self) -> None:
        """Closing stdin ends the child's loop; it is killed if it does not go."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def close_files(self) -> None:
        for stream in (self.process.stdin, self.process.stdout, self.stderr):
            try:
                stream.close()
            except OSError:
                pass


class _Pool:
    """Idle workers per set of limits; safe to use from several threads (`asyncio.to_thread`)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: dict[ReadLimits, list[_Worker]] = {}
        self.owner = os.getpid()

    def checkout(self, limits: ReadLimits) -> _Worker:
        with self.lock:
            if self.owner != os.getpid():  # forked: the parent's workers are not ours to use
                self.idle, self.owner = {}, os.getpid()
            workers = self.idle.get(limits, [])
            while workers:
                worker = workers.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return _Worker(limits)

    def checkin(self, worker: _Worker) -> None:
        with self.lock:
            workers = self.idle.setdefault(worker.limits, [])
            if worker.alive() and len(workers) < _MAX_IDLE and self.owner == os.getpid():
                workers.append(worker)
                return
        worker.retire()

    def close(self) -> None:
        with self.lock:
            workers = [w for group in self.idle.values() for w in group]
            self.idle = {}
        for worker in workers:
            worker.retire()


_POOL = _Pool()
_ZYGOTE = Zygote()


def close_workers() -> None:
    """End the idle workers and the zygote now (they also end at exit). A bench does so to
    count their CPU: a worker's CPU reaches this process's RUSAGE_CHILDREN through the zygote,
    once the zygote has ended."""
    _POOL.close()
    _ZYGOTE.close()


atexit.register(close_workers)


def _limit_worker(limits: ReadLimits) -> None:
    """A forked worker starts with the zygote's address space, and RLIMIT_AS below what is
    already mapped would still let it read from the memory it has: a limit that leaves no room
    at all is refused as the memory error it is."""
    memory = limits.max_memory_mb * 1024 * 1024
    with open("/proc/self/statm", encoding="ascii") as statm:
        if int(statm.read().split()[0]) * resource.getpagesize() >= memory:
            raise MemoryError
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.max_cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, (cpu + 5) * DOCUMENTS_PER_WORKER))
    resource.setrlimit(resource.RLIMIT_FSIZE, (_FILE_SIZE_LIMIT, _FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _allow_cpu_for_next_document(seconds: int) -> None:
    """RLIMIT_CPU counts the process's whole life: move the soft limit to `seconds` from now."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (min(used + seconds, hard), hard))


def _kill_group(process: ForkedProcess) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # no group yet: the worker has not reached its setsid()
        try:
            os.kill(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


def _result(returncode: int, out: bytes, err: bytes, limits: ReadLimits) -> dict[str, Any]:
    if returncode == 0:
        try:
            answer = json.loads(out)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise UnreadableDocumentError("crashed", "The PDF reader returned no result.")
        return answer
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


def document_to_json(document: Document, options: dict[str, Any] | None = None) -> dict:
    """The whole Document (the `document` job)."""
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


JOBS = {
    "document": "importers.pdf.isolated:document_to_json",
    "contract": "importers.terms.isolated:contract_job",
}
"""What a worker may do with a Document it read: name -> `module:function(document, options)`
returning JSON-able data. A fixed table: a request names a job, never code."""


def _job(name: str) -> Callable[[Document, dict[str, Any]], dict[str, Any]]:
    module, function = JOBS[name].split(":")
    return getattr(importlib.import_module(module), function)


def serve(stream: IO[bytes], out: IO[bytes], limits: ReadLimits) -> int:
    """A new worker's life under `limits`, until `stream` closes: a JSON header line with the
    byte `size`, then the bytes; answer a line `status size`, then that many bytes of JSON.
    The exit status."""
    try:
        from importers.pdf.reader import read_pdf

        _limit_worker(limits)

        while line := stream.readline():
            header = json.loads(line)
            data = stream.read(header["size"])
            limits = ReadLimits(**header["limits"])
            _allow_cpu_for_next_document(limits.max_cpu_seconds)
            try:
                document = read_pdf(data, limits=limits, ocr=header["ocr"], password=header["password"])
                status, answer = 0, _job(header["job"])(document, header["options"])
            except UnreadableDocumentError as exc:
                status, answer = _ERROR_EXIT, {"reason": exc.reason, "message": str(exc)}
            payload = json.dumps(answer, ensure_ascii=False).encode()
            out.write(f"{status} {len(payload)}\n".encode() + payload)
            out.flush()
    except MemoryError:
        return _MEMORY_EXIT
    return 0
