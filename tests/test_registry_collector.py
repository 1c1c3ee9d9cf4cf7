"""`registry.collector.paused`: the collector's state is restored whatever the block does."""
from __future__ import annotations

import gc

import pytest

from registry import collector


def test_paused_collector_runs_again_after_the_block_even_when_it_raises():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("a load that failed")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
