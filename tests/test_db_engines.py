"""The schema migrates on both engines and a row round-trips through Piccolo."""
from __future__ import annotations

import asyncio

from registry.db import migrate
from registry.tables import Agency


def test_migrations_are_idempotent_and_tables_work(db):
    async def scenario():
        assert await migrate(db.engine) == []  # already applied by the fixture
        await Agency.insert(Agency(name_en="Test Agency Co., Ltd.", name_km="ក្រុមហ៊ុន តេស្ត")).run()
        return await Agency.select(Agency.name_km).first().run()

    assert asyncio.run(scenario()) == {"name_km": "ក្រុមហ៊ុន តេស្ត"}
