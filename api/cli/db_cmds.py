"""`fairrecruit db ...`: schema management."""
from __future__ import annotations

import click

from api.cli.common import run
from registry.db import migrate
from registry.settings import database_url


@click.group()
def db() -> None:
    """Database schema."""


@db.command("migrate")
def migrate_command() -> None:
    """Apply pending migrations to FAIRRECRUIT_DATABASE_URL (default: ./fairrecruit.sqlite)."""
    applied = run(migrate, needs_schema=False)
    target = database_url()
    if applied:
        click.echo(f"applied {len(applied)} migration(s) to {target}: {', '.join(applied)}")
    else:
        click.echo(f"schema of {target} is up to date")
