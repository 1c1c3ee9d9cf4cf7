"""`fairrecruit users create/revoke/list`: the token is printed once and works; revoked, it does not."""
from __future__ import annotations

import asyncio

from click.testing import CliRunner

from api.cli import main
from registry.users import authenticate


def test_users_create_prints_a_working_token_and_revoke_stops_it(db):
    runner = CliRunner()
    created = runner.invoke(main, ["users", "create", "amara", "--role", "inspector", "--expires-in-days", "30"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    user = asyncio.run(authenticate(token))
    assert user is not None and (user.name, user.role) == ("amara", "inspector")
    duplicate = runner.invoke(main, ["users", "create", "amara", "--role", "officer"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.stderr
    assert runner.invoke(main, ["users", "create", "x", "--role", "root"]).exit_code != 0
    assert runner.invoke(main, ["users", "revoke", "amara"]).exit_code == 0
    assert asyncio.run(authenticate(token)) is None
    listed = runner.invoke(main, ["users", "list", "--json"])
    assert '"active": false' in listed.stdout and token not in listed.stdout
