"""`fairrecruit` command line: one click group per area, each in its own module.

Errors: domain errors print one line to stderr and exit non-zero (see `api.cli.common`).
"""
from __future__ import annotations

import click

from api.cli import db_cmds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """fairrecruit: licensing registry and contract compliance checker."""


main.add_command(db_cmds.db)
