"""`fairrecruit` command line: one click group per area, each in its own module.

Errors: domain errors print one line to stderr and exit non-zero (see `api.cli.common`).
"""
from __future__ import annotations

import click

from api.cli import contracts_cmds, db_cmds
from api.cli import inspections_cmds
from api.cli import audit_cmds, registry_cmds
from api.cli import lookup_cmds
from api.cli import rules_cmds
from api.cli import serve_cmds, users_cmds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """fairrecruit: licensing registry and contract compliance checker."""


main.add_command(db_cmds.db)
main.add_command(contracts_cmds.contracts)
main.add_command(inspections_cmds.inspections)
main.add_command(inspections_cmds.reports)
main.add_command(registry_cmds.registry)
main.add_command(audit_cmds.audit)
main.add_command(lookup_cmds.lookup)
main.add_command(rules_cmds.rules)
main.add_command(serve_cmds.serve)
main.add_command(users_cmds.users)
