"""Registries for "Meine Daten herunterladen" and "Konto löschen".

Each domain registers one exporter (its part of the JSON download) and one eraser (what it
does when an account is deleted), so the account code never needs to know every domain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}


def register_exporter(section: str, exporter: Exporter) -> None:
    """Add a section to the personal data export; the exporter gets the user and returns JSON data."""
    _exporters[section] = exporter


def register_eraser(name: str, eraser: Eraser) -> None:
    """Add a step to account deletion; erasers anonymise, they never delete others' content."""
    _erasers[name] = eraser


def export_user_data(user: object) -> dict[str, Any]:
    """Collect every registered section for one user."""
    return {section: exporter(user) for section, exporter in sorted(_exporters.items())}


def erase_user_data(user: object) -> None:
    """Run every registered eraser for one user (in the caller's transaction)."""
    for _name, eraser in sorted(_erasers.items()):
        eraser(user)


def registered_sections() -> list[str]:
    """Names of the export sections, for tests and the privacy page."""
    return sorted(_exporters)
