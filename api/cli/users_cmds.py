"""`fairrecruit users ...`: API users (tokens) and Piccolo Admin logins."""
from __future__ import annotations

import datetime as dt

import click

from api.cli.common import fail, run, to_json
from api.cli.registry_cmds import default_actor
from registry.tables import ROLES


@click.group()
def users() -> None:
    """API users and their tokens; admin logins for /admin."""


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--expires-in-days", type=click.IntRange(min=1), default=None, help="Token lifetime (default: no expiry).")
@click.option("--actor", default=default_actor, show_default="cli:$USER", help="Recorded in the audit log.")
def create_command(name: str, role: str, expires_in_days: int | None, actor: str) -> None:
    """Make a user and print its API token once (only its hash is stored)."""
    from registry.users import create_user

    expires = None if expires_in_days is None else dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=expires_in_days)
    user, token = run(lambda: create_user(name, role, actor=actor, expires_at=expires))
    click.echo(f"created {user['name']} ({user['role']}); token (shown once, keep it safe):", err=True)
    click.echo(token)


@users.command("revoke")
@click.argument("name")
@click.option("--actor", default=default_actor, show_default="cli:$USER")
def revoke_command(name: str, actor: str) -> None:
    """Refuse the user's token from now on."""
    from registry.users import revoke_user

    run(lambda: revoke_user(name, actor=actor))
    click.echo(f"revoked {name}")


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_command(as_json: bool) -> None:
    """Users, roles, whether their token is active, and when it expires (never the token)."""
    from registry.users import list_users

    rows = run(list_users)
    if as_json:
        click.echo(to_json(rows))
        return
    for row in rows:
        state = "active" if row["active"] else "revoked"
        click.echo(f"{row['name']}\t{row['role']}\t{state}\texpires {row['expires_at'] or 'never'}")


@users.command("admin-login")
@click.argument("username")
@click.password_option(help="Prompted for when not given (at least 6 characters).")
@click.option("--actor", default=default_actor, show_default="cli:$USER")
def admin_login_command(username: str, password: str, actor: str) -> None:
    """Make a login for Piccolo Admin at /admin (separate from API tokens)."""
    from api.admin import create_admin_login

    if not password:
        fail("a password is required")
    run(lambda: create_admin_login(username, password, actor=actor))
    click.echo(f"admin login {username} created; sign in at /admin")
