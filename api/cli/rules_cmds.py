"""`fairrecruit rules ...`: the rule catalogue."""
from __future__ import annotations

import click

from api.cli.common import to_json


@click.group()
def rules() -> None:
    """The compliance rule catalogue."""


@rules.command("list")
@click.option("--json", "as_json", is_flag=True, help="one JSON array of rules")
def list_command(as_json: bool) -> None:
    """Every rule: ID, severity, title (and, with --json, rationale and references)."""
    from compliance_rules.rule import all_rules, retired_ids

    catalogue = all_rules()
    if as_json:
        click.echo(to_json([
            {
                "id": rule.id, "family": rule.family, "title": rule.title, "severity": rule.severity,
                "severity_conditions": list(rule.severity_conditions), "rationale": rule.rationale,
                "fires_when": rule.fires_when, "must_not_fire": rule.must_not_fire,
                "references": [{"citation": r.citation, "verified": r.verified, "note": r.note}
                               for r in rule.references],
            }
            for rule in catalogue
        ] + [{"id": rule_id, "retired": True, "reason": reason} for rule_id, reason in retired_ids().items()],
            indent=2))
        return
    for rule in catalogue:
        click.echo(f"{rule.id}  {rule.severity:<8}  {rule.title}")


@rules.command("docs")
@click.option("--check", is_flag=True, help="exit 1 when docs/rules is out of date instead of writing it")
def docs_command(check: bool) -> None:
    """Regenerate docs/rules/ (one page per rule and an index) from the rule objects."""
    from compliance_rules.docs import DEFAULT_DIR, stale, write

    if check:
        out = stale()
        for name in out:
            click.echo(f"stale: {DEFAULT_DIR / name}")
        raise SystemExit(1 if out else 0)
    for name in write():
        click.echo(f"wrote {DEFAULT_DIR / name}")
