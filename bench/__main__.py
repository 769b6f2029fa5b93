"""Run every benchmark module in bench/ and write all figures to bench/results.json (one flat object)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import shutil
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def main(selected: list[str]) -> int:
    """Run the benchmarks (all, or those named on the command line) and merge their figures."""
    package_dir = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(package_dir)]) if not m.name.startswith("_"))
    if selected:
        names = [name for name in names if name in selected]
    else:
        # The load benchmark starts servers and needs PostgreSQL and Redis: `make bench-load` runs it.
        names = [name for name in names if name != "load"]
    results: dict[str, float | int] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        print(f"== bench/{name}.py ==", flush=True)
        figures = module.run()
        results.update(figures)
        for key, value in figures.items():
            print(f"  {key:<40} {value}")
        print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"written {RESULTS}")
    return 0


def main_in_scratch_dir(selected: list[str]) -> int:
    """Run main() with every temporary file (the 2 GB survey database among them) in one folder.

    The folder is removed afterwards.
    """
    scratch = tempfile.mkdtemp(prefix="participation-bench-")
    tempfile.tempdir = scratch  # the benchmarks' mkdtemp() calls land here
    try:
        return main(selected)
    finally:
        tempfile.tempdir = None
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main_in_scratch_dir(sys.argv[1:]))
