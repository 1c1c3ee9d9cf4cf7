"""`fairrecruit inspections ...` (risk-ranked worklist, inspection records) and
`fairrecruit reports export ...` (flags as CSV/XLSX)."""
from __future__ import annotations

import click
from api.cli.common import parse_date, run, to_json
from registry.inspections import inspection_history, record_inspection
from registry.reports.exports import FORMATS, ExportFilters, export
from registry.risk.model import RiskScore
from registry.risk.service import entity_risk, plan
from registry.risk.weights import load_weights
from registry.tables import FLAG_STATUSES, SEVERITIES

REASONS_SHOWN = 3


def _reasons(entry: RiskScore, limit: int = REASONS_SHOWN) -> list[str]:
    """The items that weigh most, strongest first: what an inspector reads before travelling."""
    items = sorted(
        (item for factor in entry.factors for item in factor.items),
        key=lambda item: -item.points,
    )
    shown = [
        f"{item.points:>+9}  " + (f"flag {item.ref['flag_id']}: " if "flag_id" in item.ref else "") + item.what
        for item in items[:limit]
    ]
    more = len(items) - len(shown)
    return shown + ([f"{'':>9}  and {more} more (inspections show NUMBER)"] if more > 0 else [])


def _headline(entry: RiskScore) -> str:
    entity = entry.entity
    where = ", ".join(part for part in (entity.province, entry.status.replace("_", " ")) if part)
    number = entity.number or "not in the registry"
    return f"{entry.rank:>3}. {entry.score:>8}  {entity.kind:<12} {number}  {entity.name} ({where})"


@click.group()
def inspections() -> None:
    """Plan inspections from the riskiest agencies and brokers; record what inspectors found."""


@inspections.command("plan")
@click.option("--province", help="Only agencies/brokers in this province (ranks stay national).")
@click.option("--top", type=click.IntRange(min=1), help="Show the first N entries.")
@click.option("--kind", type=click.Choice(["agency", "broker", "unregistered"]), help="Only this kind of entity.")
@click.option("--as-of", "as_of", help="Score as on this day (YYYY-MM-DD); default today.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output with full explanations.")
def plan_command(province: str | None, top: int | None, kind: str | None, as_of: str | None, as_json: bool) -> None:
    """The worklist: risk score per agency and broker, highest first, with the reasons."""
    entries = run(lambda: plan(as_of=parse_date(as_of), province=province, top=top, kind=kind))
    if as_json:
        click.echo(to_json([entry.as_dict() for entry in entries], indent=2))
        return
    if not entries:
        click.echo("nothing to inspect: no agency or broker has a risk score above zero")
        return
    for entry in entries:
        click.echo(_headline(entry))
        for line in _reasons(entry):
            click.echo(f"      {line}")


@inspections.command("show")
@click.argument("number")
@click.option("--as-of", "as_of", help="Score as on this day (YYYY-MM-DD); default today.")
@click.option("--json", "as_json", is_flag=True)
def show_command(number: str, as_of: str | None, as_json: bool) -> None:
    """The score of one licence or sub-licence, every factor, and its inspection history."""

    async def load():
        return await entity_risk(number, as_of=parse_date(as_of)), await inspection_history(number)

    risk, history = run(load)
    if as_json:
        click.echo(to_json({**risk.as_dict(), "inspections": history}, indent=2))
        return
    entity = risk.entity
    click.echo(f"{entity.number}  {entity.name}  ({entity.kind}, {risk.status})  score {risk.score}")
    for factor in risk.factors:
        if not factor.items:
            continue
        click.echo(f"  {factor.label}: {factor.points}")
        for item in factor.items:
            click.echo(f"    {item.points:>8}  {item.what}")
    click.echo(f"inspections: {len(history)}")
    for row in history:
        click.echo(f"  {row['date']}  {row['outcome']:<22} {row['inspector']}  {row['notes']}")


@inspections.command("record")
@click.argument("number")
@click.option("--date", "day", required=True, help="Day of the inspection (YYYY-MM-DD).")
@click.option("--inspector", required=True, help="Who inspected.")
@click.option("--outcome", required=True, type=click.Choice(load_weights().outcomes),
              help="Outcome; its effect on the score is set in registry/risk/data/weights.json.")
@click.option("--notes", default="", help="What was found.")
@click.option("--actor", help="Who records it (for the audit log); default: the inspector.")
@click.option("--json", "as_json", is_flag=True)
def record_command(number: str, day: str, inspector: str, outcome: str, notes: str,
                   actor: str | None, as_json: bool) -> None:
    """Record an inspection of an agency licence or broker sub-licence NUMBER."""
    saved = run(lambda: record_inspection(
        number, day=parse_date(day), inspector=inspector, outcome=outcome, notes=notes,
        actor=actor or inspector,
    ))
    if as_json:
        click.echo(to_json(saved, indent=2))
    else:
        click.echo(f"recorded inspection {saved['id']} of {saved['number']} on {saved['date']}: {outcome}")


@click.group()
def reports() -> None:
    """Exports and summaries for inspectors and the ministry."""


@reports.command("export")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), required=True)
@click.option("--agency", help="Agency licence number (any printed form).")
@click.option("--broker", help="Broker sub-licence number (any printed form).")
@click.option("--rule", help="Rule ID, e.g. WRK006.")
@click.option("--severity", type=click.Choice(SEVERITIES))
@click.option("--status", type=click.Choice(FLAG_STATUSES))
@click.option("-o", "--output", type=click.File("wb"), default="-", help="File to write; default stdout.")
def export_command(fmt: str, agency: str | None, broker: str | None, rule: str | None,
                   severity: str | None, status: str | None, output) -> None:
    """Flags and their findings as CSV (UTF-8) or XLSX, filtered like the flags API."""
    filters = ExportFilters(agency=agency, broker=broker, rule=rule, severity=severity, status=status)
    data, _ = run(lambda: export(fmt, filters))
    output.write(data)
