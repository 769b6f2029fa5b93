"""The design rules the code states, checked: import contracts, idempotent registries, small modules,
and imports inside functions only where a comment says why."""

from __future__ import annotations

import ast
import io
import re
import secrets
import subprocess
import sys
import tokenize
import tomllib
from pathlib import Path

import grimp
from blinker import Signal
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from sqlalchemy import func, select

from participation import create_app
from participation.extensions import db

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "participation"
MAX_MODULE_LINES = 400


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


# --- import contracts ------------------------------------------------------------------------------


def test_import_contracts_hold():
    """`lint-imports` with the contracts in pyproject.toml: layers and independent content domains."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Contracts: [1-9]\d* kept, 0 broken", result.stdout), result.stdout


def import_cycles(graph) -> list[list[str]]:
    """The groups of modules that import each other in a ring (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_through_others():
    """No import cycles between modules, at the top of a file or inside a function."""
    assert import_cycles(grimp.build_graph("participation")) == []


def test_cycle_check_finds_a_ring():
    """The check itself: a three-module ring is reported, a chain is not."""
    graph = grimp.ImportGraph()
    for importer, imported in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=importer, imported=imported)
    assert import_cycles(graph) == [["p.a", "p.b", "p.c"]]


# --- imports inside functions --------------------------------------------------------------------


def comment_lines(source: str) -> tuple[set[int], set[int]]:
    """Line numbers with a comment, and those holding nothing but a comment."""
    with_comment, only_comment = set(), set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row = token.start[0]
            with_comment.add(row)
            if token.line.lstrip().startswith("#"):
                only_comment.add(row)
    return with_comment, only_comment


def unexplained_function_imports(path: Path, root: Path = ROOT) -> list[str]:
    """Imports inside a function without a `#` comment on their line or on a comment line directly above."""
    source = path.read_text(encoding="utf-8")
    with_comment, only_comment = comment_lines(source)
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                lines = range(node.lineno, (node.end_lineno or node.lineno) + 1)
                if not any(line in with_comment for line in lines) and node.lineno - 1 not in only_comment:
                    found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
    return sorted(set(found))


def test_imports_inside_functions_say_why():
    found = [problem for path in modules() for problem in unexplained_function_imports(path)]
    assert found == [], (
        "imports inside functions need a `# deferred: why` comment on the line or directly above "
        "(or move them to the top):\n" + "\n".join(found)
    )


def test_function_import_check_sees_comments(tmp_path):
    """The checker itself: a commented import passes, a bare one is reported."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def a():\n    # deferred: heavy\n    import json\n\n"
        "def b():\n    import csv  # deferred: only here\n\n"
        "def c():\n    x = 1  # a comment on code\n    import os\n",
        encoding="utf-8",
    )
    assert unexplained_function_imports(sample, tmp_path) == ["sample.py:10: import os"]


# --- module size ---------------------------------------------------------------------------------


def test_no_module_over_400_lines():
    too_long = {
        str(path.relative_to(ROOT)): count
        for path in modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}, f"modules over {MAX_MODULE_LINES} lines: {too_long}"


# --- registries: a second app neither repeats nor loses anything ---------------------------------------


def app_config(database: Path, mail_port: int) -> dict:
    """The test suite's configuration (tests/conftest.py) on a SQLite file of its own."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-" + secrets.token_hex(16),
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": mail_port,
        "MAIL_SENDER": "beteiligung@musterstadt.example",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
    }


CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")|(value=")[^"]+("[^>]*name="csrf_token")')


def seeded_start_page(application) -> tuple[str, dict[str, int]]:
    """Seed the demo data through the app's own `flask seed-demo`; the start page and rows per table."""
    with application.app_context():
        db.create_all()
    result = application.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    html = application.test_client().get("/").get_data(as_text=True)
    with application.app_context():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
        db.engine.dispose()
    return CSRF_VALUE.sub(r"\1\3<token>\2\4", html), counts


def registry_sizes() -> dict[str, int]:
    """The size of every module-level collection and signal in participation: the registries among them."""
    sizes = {}
    for name, module in list(sys.modules.items()):
        if name != "participation" and not name.startswith("participation."):
            continue
        for attribute, value in vars(module).items():
            if isinstance(value, Signal):
                sizes[f"{name}.{attribute}"] = len(value.receivers)
            elif isinstance(value, dict | list | set) and not attribute.startswith("__"):
                sizes[f"{name}.{attribute}"] = len(value)
    return sizes


def test_a_second_app_shows_and_seeds_the_same(tmp_path, smtp_server):
    _mailbox, port = smtp_server
    first_page, first_counts = seeded_start_page(create_app(app_config(tmp_path / "first.sqlite", port)))
    registries = registry_sizes()
    second_page, second_counts = seeded_start_page(create_app(app_config(tmp_path / "second.sqlite", port)))

    # No registry grew: a second app replaces its entries (keyed by name) instead of adding them again.
    grown = {name: (size, registry_sizes().get(name)) for name, size in registries.items()}
    assert {name: sizes for name, sizes in grown.items() if sizes[0] != sizes[1]} == {}

    # Every home section once: the surveys section's heading and each section heading id.
    assert second_page.count('id="surveys-heading"') == 1
    headings = re.findall(r'<section[^>]*aria-labelledby="([^"]+)"', second_page)
    assert headings and len(headings) == len(set(headings)), headings

    # The demo dates its content relative to now: seeding twice may straddle a minute on a busy machine.
    def clock_free(page: str) -> str:
        return re.sub(r"\b\d{2}:\d{2} Uhr", "hh:mm Uhr", page)

    assert clock_free(second_page) == clock_free(first_page)
    assert sum(first_counts.values()) > 0
    assert second_counts == first_counts


# --- locked dependencies ----------------------------------------------------------------------------


def pins(lock: Path) -> dict[str, str]:
    """Package name -> pinned version in a pip-compile lock."""
    found = re.findall(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)", lock.read_text(encoding="utf-8"), re.MULTILINE)
    return {canonicalize_name(name): version for name, version in found}


def test_locks_pin_every_dependency_of_pyproject_within_its_bounds():
    """Edited pyproject.toml without `make lock`? Installs come from the locks, so this fails first."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime, dev = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    wrong = []
    for lock, pinned, requirements in (
        ("requirements.lock", runtime, project["dependencies"]),
        ("requirements-dev.lock", dev, project["dependencies"] + project["optional-dependencies"]["dev"]),
    ):
        for requirement in map(Requirement, requirements):
            version = pinned.get(canonicalize_name(requirement.name))
            if version is None or not requirement.specifier.contains(version, prereleases=True):
                wrong.append(f"{lock}: {requirement} pinned as {version}")
    assert wrong == [], "run `make lock`:\n" + "\n".join(wrong)
    # The dev lock was compiled with the runtime lock as constraint: every runtime pin is the same.
    assert {name: dev.get(name) for name in runtime} == runtime
