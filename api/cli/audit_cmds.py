"""`fairrecruit audit verify`: check the audit log's hash chain."""
from __future__ import annotations

import sys

import click

from api.cli.common import run, to_json
from registry.audit import verify


@click.group()
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def verify_command(as_json: bool) -> None:
    """Walk the hash chain; exit 1 and name the first broken entry if any was altered."""
    result = run(verify)
    if as_json:
        click.echo(to_json(result.as_dict()))
    elif result.ok:
        click.echo(f"audit log intact: {result.checked} entries verified")
    if not result.ok:
        click.echo(f"error: audit log broken at entry {result.broken_id}: {result.why} "
                   f"({result.checked} entries before it verified)", err=True)
        sys.exit(1)
