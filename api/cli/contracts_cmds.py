"""`fairrecruit contracts ingest PATH... [--json] [--jobs N]`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from api.cli.common import run, to_json


@click.group()
def contracts() -> None:
    """Contract ingestion and checking."""


def _summary(result: dict) -> str:
    if result["status"] != "checked":
        return f"{result['file']}: {result['status']} — {result.get('error', '')}"
    rules = ", ".join(f"{f['rule']} ({f['severity']})" for f in result["findings"]) or "no findings"
    return f"{result['file']}: checked — {rules}"


@contracts.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document on stdout.")
@click.option("--actor", default="cli", show_default=True, help="Recorded as the flags' author.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Documents read at once, each in its own worker process "
                   "[default: 2 when given several files, else 1].")
def ingest_command(paths: tuple[Path, ...], as_json: bool, actor: str, jobs: int | None) -> None:
    """Read, check and store contract PDFs (files or folders). Exit status 1 when any document
    could not be processed (the reason is on stderr); the others are still processed."""
    from importers.ingest import expand_paths, ingest_paths

    files = expand_paths(paths)
    if not files:
        raise click.UsageError("no PDF files found in the given paths")

    async def go() -> list[dict]:
        from rich.progress import Progress

        results: list[dict] = []
        show_progress = sys.stderr.isatty() and len(files) > 1
        with Progress(disable=not show_progress, transient=True) as progress:
            task = progress.add_task("ingesting", total=len(files))
            async for result in ingest_paths(files, actor=actor, jobs=jobs or (2 if len(files) > 1 else 1)):
                results.append(result)
                click.echo(to_json(result) if as_json else _summary(result))
                if result["status"] != "checked":
                    click.echo(f"{result['file']}: {result['status']}: {result.get('error', '')}", err=True)
                progress.advance(task)
        return results

    results = run(go)
    if any(r["status"] != "checked" for r in results):
        sys.exit(1)
