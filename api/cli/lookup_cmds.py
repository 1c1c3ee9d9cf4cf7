"""`fairrecruit lookup`: the worker's question from the command line, one query or a file of them."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from api.cli.common import fail, parse_date, run, to_json
from registry.lookup import service

KIND = click.Choice(["agency", "broker"])


def _plain(answer: dict[str, Any]) -> str:
    """One answer in words, for a person at a terminal."""
    match = answer["match"]
    if match is None:
        lines = [f"{answer['query']}: {answer['status'].replace('_', ' ')}"]
        lines += [f"  candidate {c['number']} {c['name']} ({c['status']})" for c in answer["candidates"]]
        lines.append(f"  why: {answer['explanation'].get('reason', '')}")
        return "\n".join(lines)
    lines = [
        f"{answer['query']}: {answer['status']} on {answer['explanation']['as_of']}",
        f"  {match['kind']} {match['number']} {match['name']} / {match['name_km']}",
        f"  valid until {match['valid_until']}; destinations {', '.join(match['destinations']) or '-'}",
    ]
    if match["kind"] == "broker":
        lines.append(f"  agency {match['agency']} {match['agency_name']}: {match['agency_status']}")
    lines.append(f"  score {answer['score']}: {answer['explanation'].get('reason', '')}")
    return "\n".join(lines)


def _read_queries(path: Path) -> list[dict[str, Any]]:
    queries = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            fail(f"{path}:{line_no}: not JSON ({exc.msg})")
        if not isinstance(item, dict) or not isinstance(item.get("query"), str):
            fail(f"{path}:{line_no}: each line needs a \"query\" string")
        if item.get("kind") not in (None, "agency", "broker"):
            fail(f"{path}:{line_no}: kind must be agency or broker")
        queries.append({"query": item["query"], "as_of": parse_date(item.get("as_of")), "kind": item.get("kind")})
    return queries


@click.command("lookup")
@click.argument("query", required=False)
@click.option("--as-of", "as_of", help="Date to answer for (YYYY-MM-DD); default today.")
@click.option("--kind", type=KIND, help="Look up only agencies or only brokers.")
@click.option("--queries", "queries_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON Lines file of {query, as_of?, kind?}; one answer per line, in order.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def lookup(query: str | None, as_of: str | None, kind: str | None, queries_file: Path | None, as_json: bool) -> None:
    """Is this agency or broker licensed? QUERY is a name (Latin or Khmer) or a licence number."""
    if (query is None) == (queries_file is None):
        fail("give either QUERY or --queries FILE")
    if query is not None and not query.strip():
        fail("QUERY is empty: give an agency's or broker's name, or a licence number")
    day = parse_date(as_of)
    items = _read_queries(queries_file) if queries_file else [{"query": query, "as_of": day, "kind": kind}]

    async def answer_all() -> list[dict[str, Any]]:
        return [
            await service.lookup(item["query"], as_of=item["as_of"] or day, kind=item["kind"] or kind)
            for item in items
        ]

    for answer in run(answer_all):
        click.echo(to_json(answer) if as_json else _plain(answer))
