"""Message catalogue upkeep: German is the source language, so its msgstr is the msgid."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
SOURCE_LOCALE = "de"


def catalog_path(locale: str) -> Path:
    """The .po file of a locale."""
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def read_catalog(path: str | Path) -> Catalog:
    """Parse a .po file."""
    with open(path, "rb") as handle:
        return read_po(handle)


def write_catalog(catalog: Catalog, path: str | Path) -> None:
    """Write a .po file sorted and without locations, so diffs stay small."""
    with open(path, "wb") as handle:
        write_po(
            handle, catalog, no_location=True, sort_output=True, include_lineno=False, ignore_obsolete=True
        )


def _forms(message: Message) -> list[str]:
    """All msgstr forms of a message as a list."""
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string or ""]


def _is_incomplete(message: Message) -> bool:
    """True when a form is empty or the entry is marked fuzzy."""
    return message.fuzzy or not all(form for form in _forms(message))


def missing_translations(catalog_path: str | Path) -> list[str]:
    """Msgids of the catalogue that are untranslated, partly translated or fuzzy."""
    catalog = read_catalog(catalog_path)
    return [_msgid(message) for message in catalog if message.id and _is_incomplete(message)]


def _msgid(message: Message) -> str:
    """The singular msgid of a message."""
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def fill_german(path: str | Path | None = None) -> int:
    """Copy msgids into empty or fuzzy German msgstrs, drop fuzzy flags; returns how many were filled."""
    path = Path(path) if path else catalog_path(SOURCE_LOCALE)
    catalog = read_catalog(path)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if _is_incomplete(message):
            if isinstance(message.id, (list, tuple)):
                singular, plural = message.id[0], message.id[1]
                count = max(catalog.num_plurals, 2)
                message.string = tuple([singular] + [plural] * (count - 1))
            else:
                message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    catalog.fuzzy = False
    write_catalog(catalog, path)
    return filled


def main(argv: list[str] | None = None) -> int:
    """Command line: `fill-german [PATH]` or `check` (lists missing translations of every catalogue)."""
    parser = argparse.ArgumentParser(prog="python -m participation.core.catalogs")
    commands = parser.add_subparsers(dest="command", required=True)
    fill = commands.add_parser("fill-german", help="German msgstr = msgid for every empty or fuzzy entry")
    fill.add_argument("path", nargs="?", help="German .po file (default: the app's)")
    commands.add_parser("check", help="list untranslated or fuzzy entries; exit 1 if any")
    args = parser.parse_args(argv)

    if args.command == "fill-german":
        filled = fill_german(args.path)
        print(f"German catalogue: {filled} entries filled from their msgids.")
        return 0

    status = 0
    for path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        missing = missing_translations(path)
        locale = path.parent.parent.name
        print(f"{locale}: {len(missing)} missing")
        for msgid in missing:
            print(f"  {msgid!r}")
        status = status or (1 if missing else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
