"""Command-line tools for accounts: `flask user create|set-roles` and `flask seed-demo`.

`seed-demo` lives here because the demo data starts with the demo accounts, which it lists.
"""

from __future__ import annotations

from collections.abc import Iterable

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from participation.accounts.demo import DEMO_ACCOUNTS
from participation.accounts.models import Role, User
from participation.accounts.passwords import password_problems
from participation.accounts.services import create_user, find_by_email, normalize_email, set_roles
from participation.core.demo import seed_demo
from participation.core.permissions import InvalidState
from participation.extensions import db

ROLE_CHOICE = click.Choice([role.value for role in Role] + ["citizen"])


def register_cli(app: Flask) -> None:
    """Attach the commands to `flask --app app ...`."""
    app.cli.add_command(user_group)
    app.cli.add_command(seed_demo_command)


@click.group("user", help="Konten verwalten.")
def user_group() -> None:
    """Manage accounts."""


def _roles(values: Iterable[str]) -> set[Role]:
    return {Role(value) for value in values if value != "citizen"}


@user_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Anzeigename")
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICE, help="Rolle (mehrfach möglich)")
@click.option("--password", help="Passwort (wird abgefragt, wenn es fehlt)")
@with_appcontext
def create_user_command(email: str, name: str, roles: tuple[str, ...], password: str | None) -> None:
    """Create a verified account."""
    try:
        normalize_email(email)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    if find_by_email(email) is not None:
        raise click.ClickException(f"Es gibt bereits ein Konto mit {email}.")
    if password is None:
        password = click.prompt("Passwort", hide_input=True, confirmation_prompt=True)
    problems = password_problems(password, email=email, display_name=name)
    if problems:
        raise click.ClickException(str(problems[0]))
    user = create_user(email, name, password, _roles(roles))
    db.session.commit()
    click.echo(f"Konto {user.email} angelegt (Rollen: {', '.join(sorted(user.roles)) or 'citizen'}).")


@user_group.command("set-roles")
@click.argument("email")
@click.argument("roles", nargs=-1, type=ROLE_CHOICE)
@with_appcontext
def set_roles_command(email: str, roles: tuple[str, ...]) -> None:
    """Replace an account's roles (use `citizen` alone to remove all)."""
    user = find_by_email(email)
    if user is None:
        raise click.ClickException(f"Kein Konto mit {email}.")
    try:
        set_roles(None, user, _roles(roles))
    except InvalidState as error:
        raise click.ClickException(
            "Die letzte Administratorin bzw. der letzte Administrator bleibt."
        ) from error
    db.session.commit()
    click.echo(f"Rollen von {user.email}: {', '.join(sorted(user.roles)) or 'citizen'}.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Nur wenn noch keine Konten existieren.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Load the Musterstadt demo data (idempotent)."""
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("Datenbank enthält bereits Konten; Demodaten werden nicht geladen.")
    else:
        seed_demo()
        db.session.commit()
        click.echo("Demodaten geladen.")
    click.echo("\nDemo-Konten (E-Mail / Passwort / Rolle):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.email:<32} {account.password:<26} {account.role_label}")
