"""Command-line tools: user management, demo data, and a development server that logs no IPs."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from participation.accounts.models import Role, User
from participation.extensions import db

ROLE_CHOICE = click.Choice([role.value for role in Role] + ["citizen"])


def register_cli(app: Flask) -> None:
    """Attach the commands to `flask --app app ...`."""
    app.cli.add_command(user_group)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(serve_command)


@click.group("user", help="Konten verwalten.")
def user_group() -> None:
    """Manage accounts."""


def _roles(values) -> set[Role]:
    return {Role(value) for value in values if value != "citizen"}


@user_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Anzeigename")
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICE, help="Rolle (mehrfach möglich)")
@click.option("--password", help="Passwort (wird abgefragt, wenn es fehlt)")
@with_appcontext
def create_user_command(email: str, name: str, roles: tuple[str, ...], password: str | None) -> None:
    """Create a verified account."""
    from participation.accounts.passwords import password_problems
    from participation.accounts.services import create_user, find_by_email, normalize_email

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
    from participation.accounts.services import find_by_email, set_roles
    from participation.core.permissions import InvalidState

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
    from participation.core.demo import DEMO_ACCOUNTS, seed_demo

    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("Datenbank enthält bereits Konten; Demodaten werden nicht geladen.")
    else:
        seed_demo()
        db.session.commit()
        click.echo("Demodaten geladen.")
    click.echo("\nDemo-Konten (E-Mail / Passwort / Rolle):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.email:<32} {account.password:<26} {account.role_label}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", envvar="HOST", show_default=True)
@click.option("--port", default=5000, type=int, envvar="PORT", show_default=True)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Development server whose request log omits client addresses (no IP in any log)."""
    from werkzeug.serving import WSGIRequestHandler, run_simple

    class NoAddressRequestHandler(WSGIRequestHandler):
        def address_string(self) -> str:
            return "-"

    click.echo(f"{current_app.config['SITE_NAME']}: http://{host}:{port}/")
    # The real app object: the server calls it from its own threads, outside this app context.
    app = current_app._get_current_object()
    run_simple(host, port, app, request_handler=NoAddressRequestHandler, threaded=True)
