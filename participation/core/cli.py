"""Command-line tools of core: a development server that logs no IPs; rebuilding the search index.

Domains add their own commands (`flask user ...`, `flask seed-demo`, `flask surveys seal` ...).
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from werkzeug import serving

from participation.core.fulltext import reindex
from participation.extensions import db


def register_cli(app: Flask) -> None:
    """Attach core's commands to `flask --app app ...`."""
    app.cli.add_command(serve_command)
    app.cli.add_command(search_group)


search_group = AppGroup("search", help="Suche: den Suchindex neu aufbauen.")


@search_group.command("reindex")
def reindex_command() -> None:
    """Rebuild the whole search index from what anonymous visitors may read (one transaction)."""
    counts = reindex()
    db.session.commit()
    for kind, count in counts.items():
        click.echo(f"{kind}: {count}")
    click.echo(f"{sum(counts.values())} Dokumente im Suchindex.")


class NoAddressRequestHandler(serving.WSGIRequestHandler):
    """Werkzeug's request handler, logging "-" where it would log the client's address."""

    def address_string(self) -> str:
        """No IP address in any log."""
        return "-"


@click.command("serve")
@click.option("--host", default="127.0.0.1", envvar="HOST", show_default=True)
@click.option("--port", default=5000, type=int, envvar="PORT", show_default=True)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Development server whose request log omits client addresses (no IP in any log)."""
    click.echo(f"{current_app.config['SITE_NAME']}: http://{host}:{port}/")
    # The real app object: the server calls it from its own threads, outside this app context.
    # Flask types the current_app proxy as Flask, so mypy does not see the proxy's own method.
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    serving.run_simple(host, port, app, request_handler=NoAddressRequestHandler, threaded=True)
