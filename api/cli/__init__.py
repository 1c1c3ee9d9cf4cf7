"""`fairrecruit` command line: one click group per area, each in its own module.

The groups load lazily: `fairrecruit registry show` should not pay for importing the PDF
reader, the web app or openpyxl. Errors: domain errors print one line to stderr and exit
non-zero (see `api.cli.common`).
"""
from __future__ import annotations

import importlib

import click

COMMANDS: dict[str, tuple[str, str, str]] = {
    # name: (module, attribute, one-line help shown by `fairrecruit --help`)
    "db": ("api.cli.db_cmds", "db", "Database schema."),
    "registry": ("api.cli.registry_cmds", "registry", "Agencies, licences, brokers: import, show, history."),
    "audit": ("api.cli.audit_cmds", "audit", "The hash-chained audit log."),
    "lookup": ("api.cli.lookup_cmds", "lookup", "Is this agency or broker licensed? (worker lookup)"),
    "contracts": ("api.cli.contracts_cmds", "contracts", "Contract ingestion and checking."),
    "rules": ("api.cli.rules_cmds", "rules", "The rule catalogue."),
    "inspections": ("api.cli.inspections_cmds", "inspections", "Risk-ranked inspection planning."),
    "reports": ("api.cli.inspections_cmds", "reports", "Flag and finding exports."),
    "serve": ("api.cli.serve_cmds", "serve", "Serve the API and pages."),
    "users": ("api.cli.users_cmds", "users", "API users and tokens."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        return getattr(importlib.import_module(module), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][2]) for name in sorted(COMMANDS)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """fairrecruit: licensing registry and contract compliance checker."""
