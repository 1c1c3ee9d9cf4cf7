"""Reader workers are forked from a pre-loaded zygote process: each is still its own session
under its own limits and sees the caller's environment of when it was started; a zygote that
died is started again, and one whose worker ended abnormally, or that forked its share of
workers, is replaced by a fresh process (a fresh address-space layout)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pdf_factory as make
from importers.pdf import ReadLimits, UnreadableDocumentError, isolated, ocr, read_pdf_isolated, zygote

LIMITS = ReadLimits(max_seconds=60, max_cpu_seconds=30)


def _idle_worker() -> isolated._Worker:
    (worker,) = isolated._POOL.idle[LIMITS]
    return worker


def _stat(pid: int) -> list[str]:
    """State, parent, ... of a process (the fields after its name)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().rsplit(")", 1)[1].split()


def _parent_of(pid: int) -> int:
    return int(_stat(pid)[1])


def _running(pid: int) -> bool:
    try:
        return _stat(pid)[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_worker_is_a_child_of_the_zygote_in_its_own_session():
    isolated.close_workers()
    read_pdf_isolated(make.simple(), LIMITS, ocr=False)
    worker = _idle_worker()
    zygote = isolated._ZYGOTE._process
    assert _parent_of(worker.process.pid) == zygote.pid != os.getpid()
    assert os.getsid(worker.process.pid) == worker.process.pid != os.getsid(0)


def test_a_dead_zygote_is_started_again_and_its_orphaned_worker_replaced():
    read_pdf_isolated(make.simple(), LIMITS, ocr=False)
    old_worker, old_zygote = _idle_worker().process, isolated._ZYGOTE._process
    os.kill(old_zygote.pid, signal.SIGKILL)
    old_zygote.wait()

    document = read_pdf_isolated(make.simple(), LIMITS, ocr=False)

    assert "EMPLOYMENT CONTRACT" in document.text
    assert isolated._ZYGOTE._process.pid != old_zygote.pid
    assert _idle_worker().process.pid != old_worker.pid
    assert not _running(old_worker.pid)  # the worker whose exit no zygote could report was killed


@pytest.mark.skipif(not ocr.available(), reason="tesseract is not installed")
def test_a_new_worker_uses_the_environment_it_was_started_in(tmp_path, monkeypatch):
    read_pdf_isolated(make.simple(), LIMITS, ocr=False)  # the zygote starts with the old data dir
    isolated._POOL.close()
    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", str(tmp_path))

    read_pdf_isolated(make.garbage_text_layer(), LIMITS, ocr=True)

    assert list((tmp_path / "ocr-cache").rglob("*.json"))  # the OCR cache went where it was told


def test_close_workers_ends_the_zygote_and_its_workers():
    read_pdf_isolated(make.simple(), LIMITS, ocr=False)
    worker, zygote = _idle_worker().process, isolated._ZYGOTE._process
    isolated.close_workers()
    assert worker.poll() is not None and zygote.poll() is not None


def _zygote_pid() -> int:
    return isolated._ZYGOTE._process.pid


def test_a_worker_that_timed_out_gets_its_successor_from_a_fresh_zygote():
    read_pdf_isolated(make.simple(), LIMITS, ocr=False)
    before = _zygote_pid()
    with pytest.raises(UnreadableDocumentError):
        read_pdf_isolated(make.simple(), ReadLimits(max_seconds=0.01), ocr=False)
    read_pdf_isolated(make.simple(), ReadLimits(max_seconds=60, max_cpu_seconds=29), ocr=False)
    assert _zygote_pid() != before


def test_a_zygote_forks_at_most_its_share_of_workers(monkeypatch):
    monkeypatch.setattr(zygote, "WORKERS_PER_ZYGOTE", 2)
    isolated.close_workers()
    zygotes = []
    for _ in range(4):
        read_pdf_isolated(make.simple(), LIMITS, ocr=False)
        zygotes.append(_zygote_pid())
        isolated._POOL.close()  # the next read forks a new worker
    assert zygotes[0] == zygotes[1] != zygotes[2] == zygotes[3]


def test_a_forked_copy_of_the_parent_reads_through_a_zygote_of_its_own():
    read_pdf_isolated(make.simple(), LIMITS, ocr=False)
    parents = _zygote_pid()
    answer_r, answer_w = os.pipe()
    child = os.fork()
    if child == 0:  # the copy: must not write to the parent's zygote, nor stop it
        ok = False
        try:
            ok = "EMPLOYMENT CONTRACT" in read_pdf_isolated(make.simple(), LIMITS, ocr=False).text
            ok = ok and _zygote_pid() != parents
            isolated.close_workers()
        finally:
            os.write(answer_w, b"1" if ok else b"0")
            os._exit(0)
    os.waitpid(child, 0)
    assert os.read(answer_r, 1) == b"1"
    assert _zygote_pid() == parents and isolated._ZYGOTE._process.poll() is None
    assert "EMPLOYMENT CONTRACT" in read_pdf_isolated(make.simple(), LIMITS, ocr=False).text


def test_regression_a_zygote_whose_parent_ended_crashed_reporting_a_worker_s_exit():
    """`fairrecruit serve` stopped by SIGTERM ends without retiring its reader workers (uvicorn
    re-raises the signal after shutting down, so exit handlers do not run). Each idle worker
    then ends, and the zygote, writing its exit status to a parent that no longer reads it,
    died of BrokenPipeError with a traceback in the service's log. Run apart: `_reap` waits
    for any child, which in the test process could be another test's."""
    script = textwrap.dedent("""
        import os
        from importers.pdf.zygote import _reap

        pid = os.fork()
        if pid == 0:
            os._exit(0)
        status_r, status_w = os.pipe()
        os.close(status_r)  # the parent that would read the status is gone
        os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # ended, not yet reaped
        _reap({pid: status_w})
        print("reaped")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[1])
    assert (done.returncode, done.stdout.strip()) == (0, "reaped"), done.stderr
