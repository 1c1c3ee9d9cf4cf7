"""The isolated reader keeps its worker processes between documents, and replaces one that
timed out; a rejected document does not cost the worker."""
from __future__ import annotations

import pytest

import pdf_factory as make
from importers.pdf import ReadLimits, UnreadableDocumentError, read_pdf_isolated
from importers.pdf import isolated

LIMITS = ReadLimits(max_seconds=60, max_cpu_seconds=30)


def _idle_pids(limits: ReadLimits) -> set[int]:
    return {worker.process.pid for worker in isolated._POOL.idle.get(limits, [])}


def test_worker_is_reused_after_a_rejected_document():
    isolated.close_workers()
    with pytest.raises(UnreadableDocumentError) as caught:
        read_pdf_isolated(b"not a pdf at all", LIMITS, ocr=False)
    assert caught.value.reason == "not_pdf"
    first = _idle_pids(LIMITS)
    document = read_pdf_isolated(make.simple(), LIMITS, ocr=False)
    assert "EMPLOYMENT CONTRACT" in document.text
    assert first and _idle_pids(LIMITS) == first


def test_worker_that_timed_out_is_replaced_and_reading_goes_on():
    quick = ReadLimits(max_seconds=0.01)
    with pytest.raises(UnreadableDocumentError) as caught:
        read_pdf_isolated(make.simple(), quick, ocr=False)
    assert caught.value.reason == "timeout"
    assert _idle_pids(quick) == set()
    assert "EMPLOYMENT CONTRACT" in read_pdf_isolated(make.simple(), LIMITS, ocr=False).text


def test_close_workers_ends_idle_workers():
    read_pdf_isolated(make.simple(), LIMITS, ocr=False)
    workers = list(isolated._POOL.idle[LIMITS])
    isolated.close_workers()
    assert all(worker.process.poll() is not None for worker in workers)
