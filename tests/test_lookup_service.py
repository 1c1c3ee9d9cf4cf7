"""The service against a database: changes made through the registry reach the next lookup."""
from __future__ import annotations

import asyncio
import datetime as dt
import json

from click.testing import CliRunner

from api.cli import main
from registry import services
from registry.lookup import service

DAY = dt.date(2026, 11, 15)


async def _register(name_en: str, name_km: str, number: str) -> None:
    agency = await services.register_agency(name_en=name_en, name_km=name_km, actor="test", province="Kampot")
    await services.issue_licence(agency_id=agency, number=number, issued_on=dt.date(2026, 1, 5),
                                 valid_until=dt.date(2028, 1, 4), actor="test", destinations=["KR"])


def test_registered_and_suspended_agency_reflected_in_next_lookup(db):
    async def scenario():
        service.forget()
        await _register("Preah Vihear Manpower Co., Ltd.", "ក្រុមហ៊ុន ព្រះវិហារ ម៉ែនផៅវ័រ ខូ អិលធីឌី", "MLVT-PRA-501/2026")
        first = await service.lookup("preah vihear manpower", as_of=DAY, kind="agency")
        await _register("Kep Seaside Manpower Co., Ltd.", "", "MLVT-PRA-502/2026")
        added = await service.lookup("Kep Seaside Manpowr", as_of=DAY)
        await services.suspend_licence("MLVT-PRA-501/2026", on=dt.date(2026, 10, 1), reason="inspection", actor="test")
        suspended = await service.lookup("ព្រះវិហារ ម៉ែនផៅវ័រ", as_of=DAY)
        before = await service.lookup("MLVT PRA 501 2026", as_of=dt.date(2026, 9, 30))
        return first, added, suspended, before

    first, added, suspended, before = asyncio.run(scenario())
    assert (first["status"], first["match"]["destinations"]) == ("active", ["KR"])
    assert added["match"]["number"] == "MLVT-PRA-502/2026"
    assert suspended["status"] == "suspended"
    assert before["status"] == "active"


def test_the_lookups_process_holds_no_contact_details_built_or_patched(db):
    """The public lookup never shows a broker's national ID or phone, nor an agency's phone or
    officers, so its index does not hold them, neither after a build nor after a patch."""
    async def broker(name: str, number: str, national_id: str) -> None:
        broker_id = await services.register_broker(name_en=name, actor="test", sex="F", national_id=national_id,
                                                   province="Kampot", district="Kampong Trach", phone="012 345 678")
        await services.grant_sub_licence(number=number, broker_id=broker_id, licence_number="MLVT-PRA-501/2026",
                                         on=dt.date(2026, 2, 1), valid_until=dt.date(2027, 1, 31), actor="test")

    async def scenario():
        await _register("Preah Vihear Manpower Co., Ltd.", "", "MLVT-PRA-501/2026")
        await broker("Sok Dara", "MLVT-SUB-0901/2026", "010203040")
        service.forget()
        built = await service.lookup("sok dara", as_of=DAY, kind="broker")
        await broker("Keo Bopha", "MLVT-SUB-0902/2026", "050607080")
        patched = await service.lookup("keo bopha", as_of=DAY, kind="broker")
        return built, patched, (await service.current()).snapshot

    built, patched, snapshot = asyncio.run(scenario())
    assert built["match"]["number"] == "MLVT-SUB-0901/2026" and patched["match"]["number"] == "MLVT-SUB-0902/2026"
    assert len(snapshot.brokers) == 2 and len(snapshot.agencies) == 1
    assert all((b.national_id, b.phone, b.sex) == (None, None, None) for b in snapshot.brokers.values())
    assert all((a.phone, a.officers) == (None, ()) for a in snapshot.agencies.values())
    assert "010203040" not in json.dumps([built, patched], default=str)


def test_regression_concurrent_first_lookups_each_built_their_own_index(db, monkeypatch):
    """A server's first requests arrive together; each used to rebuild the whole index."""
    builds = []
    real_load = service.load_registry_snapshot

    async def counted_load(**options):
        builds.append(1)
        return await real_load(**options)

    monkeypatch.setattr(service, "load_registry_snapshot", counted_load)

    async def scenario():
        await _register("Preah Vihear Manpower Co., Ltd.", "", "MLVT-PRA-501/2026")
        service.forget()
        return await asyncio.gather(*(service.lookup("MLVT-PRA-501/2026", as_of=DAY) for _ in range(20)))

    answers = asyncio.run(scenario())
    assert [a["status"] for a in answers] == ["active"] * 20
    assert len(builds) == 1


def test_own_write_shows_in_the_next_lookup_while_a_change_feed_is_trusted(db, monkeypatch):
    """With a feed live, lookups skip their own check; this process's commits must still show at once."""
    from registry import change_feed

    monkeypatch.setattr(change_feed, "POLL_SECONDS", 3600.0)  # the SQLite watcher must not be what delivers it

    async def scenario():
        service.forget()
        await _register("Preah Vihear Manpower Co., Ltd.", "", "MLVT-PRA-501/2026")
        feed = await change_feed.start_listener()
        try:
            before = await service.lookup("MLVT-PRA-501/2026", as_of=DAY)
            await services.suspend_licence("MLVT-PRA-501/2026", on=dt.date(2026, 10, 1), reason="inspection", actor="test")
            after = await service.lookup("MLVT-PRA-501/2026", as_of=DAY)
        finally:
            await feed.stop()
        return before, after

    before, after = asyncio.run(scenario())
    assert (before["status"], after["status"]) == ("active", "suspended")


def test_cli_queries_file_answers_in_order(db, tmp_path):
    asyncio.run(_register("Koh Kong Manpower Co., Ltd.", "", "MLVT-PRA-503/2026"))
    service.forget()
    lines = [
        {"query": "koh kong manpower", "as_of": "2026-11-15"},
        {"query": "Koh Kong Golden Manpower", "kind": "agency"},
        {"query": "PRA ៥០៣/២០២៦", "as_of": "2025-12-31"},
    ]
    path = tmp_path / "queries.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["lookup", "--queries", str(path), "--json"])
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [a["status"] for a in answers] == ["active", "not_found", "not_yet_valid"]
    assert answers[0]["match"]["number"] == "MLVT-PRA-503/2026"


def test_cli_single_query_in_words(db):
    asyncio.run(_register("Kampot Pepper Manpower Co., Ltd.", "", "MLVT-PRA-504/2026"))
    service.forget()
    result = CliRunner().invoke(main, ["lookup", "kampot pepper manpower", "--as-of", "2026-11-15"])
    assert result.exit_code == 0, result.output
    assert "active on 2026-11-15" in result.output
    assert "MLVT-PRA-504/2026" in result.output


def test_a_large_index_is_frozen_out_of_the_collector_and_its_predecessor_still_freed(db, monkeypatch):
    """Freed by reference counting: the index and its snapshot form no reference cycle, which
    the collector could no longer reach once frozen."""
    import gc
    import weakref

    monkeypatch.setattr(service, "FREEZE_FROM_RECORDS", 1)

    async def scenario() -> tuple[weakref.ref, int]:
        service.forget()
        await _register("Kampot Pepper Manpower Co., Ltd.", "", "MLVT-PRA-601/2026")
        first = await service.refresh()
        frozen, ref = gc.get_freeze_count(), weakref.ref(first)
        del first
        await service.refresh()
        return ref, frozen

    try:
        first, frozen = asyncio.run(scenario())
        assert frozen > 0
        assert first() is None
    finally:
        gc.unfreeze()


def test_regression_a_rebuild_held_every_request_for_a_full_collection(db, monkeypatch):
    """Each rebuild of a large index ran a full collection over it, with the GIL held: after a
    bulk import of 10,000 changes at national scale a served process answered nothing for
    2.3 s (9.3 s while the index was also built on the event loop)."""
    import gc

    monkeypatch.setattr(service, "FREEZE_FROM_RECORDS", 1)
    collections: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: collections.append(generation) or 0)

    async def rebuild() -> None:
        service.forget()
        await _register("Kampot Pepper Manpower Co., Ltd.", "", "MLVT-PRA-602/2026")
        await service.refresh()

    try:
        asyncio.run(rebuild())
    finally:
        gc.unfreeze()
    assert collections == []


def test_regression_the_event_loop_stood_still_while_the_index_was_rebuilt(db, monkeypatch):
    """The index (and the snapshot's row objects) were built on the event loop: after a bulk
    import at national scale a served process answered nothing, status requests included, for
    9.3 s. Here the build waits until the loop has run something else meanwhile."""
    import threading

    real = service.LookupIndex
    build_started, loop_ran = threading.Event(), threading.Event()
    ran_during_build: list[bool] = []

    def build(snapshot):
        build_started.set()
        ran_during_build.append(loop_ran.wait(10))
        return real(snapshot)

    monkeypatch.setattr(service, "LookupIndex", build)

    async def scenario() -> None:
        service.forget()
        await _register("Kampot Pepper Manpower Co., Ltd.", "", "MLVT-PRA-603/2026")

        async def other_request() -> None:
            while not build_started.is_set():
                await asyncio.sleep(0.001)
            loop_ran.set()

        other = asyncio.create_task(other_request())
        await service.refresh()
        await other

    asyncio.run(scenario())
    assert ran_during_build == [True]


def test_cli_empty_query_is_a_usage_error_not_a_not_found_answer():
    result = CliRunner().invoke(main, ["lookup", "  "])
    assert result.exit_code != 0
    assert "QUERY is empty" in result.output
