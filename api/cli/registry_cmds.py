"""`fairrecruit registry ...`: import the registry files, show a number's status, its history."""
from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli.common import parse_date, run, to_json
from importers.registry_import import import_registry
from importers.registry_sync import Progress as ProgressSink
from registry.queries import history, licence_answer


def default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@click.group()
def registry() -> None:
    """Agencies, licences, brokers and sub-licences."""


@contextmanager
def _progress_bar() -> Iterator[ProgressSink | None]:
    """A rich bar on an interactive terminal; nothing when output goes to a file or pipe."""
    if not sys.stderr.isatty():
        yield None
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:
        tasks: dict[str, int] = {}

        def sink(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield sink


@registry.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--actor", default=default_actor, show_default="cli:$USER", help="Recorded as who made the change.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def import_command(paths: tuple[Path, ...], actor: str, as_json: bool) -> None:
    """Import registry CSVs (agencies, licence_events, brokers) and/or the ministry's PDF list.

    A folder imports every .csv and .pdf in it. A file with bad rows rejects the whole import
    with every problem listed; nothing is written. Re-importing the same files changes nothing.
    """
    with _progress_bar() as sink:
        summary = run(lambda: import_registry(list(paths), actor=actor, progress=sink))
    if as_json:
        click.echo(to_json(summary.as_dict()))
        return
    if summary.nothing_changed:
        click.echo("registry already up to date: nothing changed")
        return
    counts = {k: v for k, v in summary.as_dict().items() if isinstance(v, int) and v}
    click.echo("imported " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))


SHOW_FIELDS = (
    ("number", "Number"), ("kind", "Kind"), ("name", "Name"), ("name_km", "Name (Khmer)"),
    ("status", "Status"), ("since", "Since"), ("as_of", "As of"), ("valid_until", "Valid until"),
    ("destinations", "Destinations"), ("agency", "Agency licence"), ("agency_name", "Agency"),
    ("agency_status", "Agency status"), ("may_recruit", "May recruit"),
)


def _text(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@registry.command("show")
@click.argument("number")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Status on this date (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def show_command(number: str, as_of: str | None, as_json: bool) -> None:
    """Status of a licence or sub-licence NUMBER (any separators, Khmer digits) on a date."""
    day = parse_date(as_of)
    answer = run(lambda: licence_answer(number, day))
    if as_json:
        click.echo(to_json(answer))
        return
    table = Table(show_header=False, box=None)
    for key, label in SHOW_FIELDS:
        if key in answer:
            table.add_row(label, _text(answer[key]))
    Console().print(table)


@registry.command("history")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
def history_command(number: str, as_json: bool) -> None:
    """Every recorded event of a licence or sub-licence: when, what, why, and who recorded it."""
    result = run(lambda: history(number))
    if as_json:
        click.echo(to_json(result))
        return
    table = Table(title=f"{result['number']} ({result['kind'].replace('_', '-')}) {result['name']}")
    for column in ("Date", "Event", "Valid until", "Reason", "Recorded by"):
        table.add_column(column)
    for event in result["events"]:
        table.add_row(str(event["date"]), event["event"], _text(event["valid_until"]), event["reason"], event["actor"])
    Console().print(table)
