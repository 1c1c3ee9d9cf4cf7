"""Shared set-up for the API, page and browser tests: an app, tokens per role, a seeded flag."""
from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
from functools import cache
from pathlib import Path

from api.app import Limits, create_app
from registry import users
from registry.tables import Agency, Contract, Flag, FlagEvent, Licence, LicenceEvent

ROLES = ("admin", "officer", "inspector")
GENEROUS = Limits(public_rate=("minute", 100_000), login_rate=("minute", 100_000))


@cache
def shared_app():
    """One app for the whole run (building Piccolo Admin takes seconds); it holds no per-test
    state besides rate-limit counters, which GENEROUS limits keep out of the way."""
    return create_app(limits=GENEROUS, key_dir=Path(tempfile.mkdtemp(prefix="fairrecruit-keys-")), debug=False)


def make_app(tmp_path=None, limits: Limits | None = None, *, with_admin: bool = True):
    """The shared app, or a fresh one when a test needs its own limits or key directory."""
    if limits is None and tmp_path is None:
        return shared_app()
    return create_app(limits=limits or GENEROUS, key_dir=(tmp_path or Path(tempfile.mkdtemp())) / "keys",
                      debug=False, with_admin=with_admin)


def make_tokens() -> dict[str, str]:
    """One user per role; returns role -> token."""

    async def go() -> dict[str, str]:
        tokens = {}
        for role in ROLES:
            _, tokens[role] = await users.create_user(f"{role}-user", role, actor="test")
        return tokens

    return asyncio.run(go())


def auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


async def seed_licence(number: str = "TEST-PRA-001/2020", name: str = "Example Placement Co., Ltd.") -> int:
    agency = Agency(name_en=name, name_km="ក្រុមហ៊ុន ឧទាហរណ៍")
    await agency.save()
    from registry.numbers import number_norm

    licence = Licence(number=number, number_norm=number_norm(number), agency=agency.id, destinations=["TH", "MY"])
    await licence.save()
    await LicenceEvent(licence=licence.id, event="issued", date=dt.date(2020, 1, 1),
                       valid_until=dt.date(2099, 12, 31), actor="test").save()
    return licence.id


async def seed_flag(rule: str = "FEE001", severity: str = "high", licence_id: int | None = None,
                    sha256: str = "a" * 64) -> int:
    contract = Contract(sha256=sha256, file_name="c.pdf", pages=1, licence=licence_id)
    await contract.save()
    flag = Flag(contract=contract.id, rule=rule, severity=severity, title="Recruitment fee charged",
                explanation="The worker pays a recruitment fee.",
                evidence=[{"page": 1, "text": "fee of 500 USD", "bbox": [10, 10, 200, 30]}], licence=licence_id)
    await flag.save()
    await FlagEvent(flag=flag.id, action="raised", to_status="open", actor="test").save()
    return flag.id
