"""`make bench-load`: run the load test, merge its figures into bench/results.json, fail on lost writes."""

from __future__ import annotations

import sys
import time

from bench.load import measure
from bench.load.verify import RESULTS, write_results


def main() -> int:
    """Measure, write the figures (keeping every other key), say whether every write was stored once."""
    started = time.perf_counter()
    print("== bench/load (PostgreSQL, Redis, 2 × 2 gunicorn sync workers per side) ==", flush=True)
    try:
        figures, problems = measure()
    except KeyboardInterrupt as interrupt:
        print(f"!!! interrupted ({interrupt or 'Ctrl-C'}); its database, processes and files are removed")
        return 130
    write_results(figures)
    for key, value in sorted(figures.items()):
        print(f"  {key:<40} {value}")
    print(f"written {RESULTS} ({time.perf_counter() - started:.1f} s)")
    if problems:
        print(f"!!! {len(problems)} writes not stored exactly once:", *problems[:20], sep="\n  ")
        return 1
    print(f"every acknowledged write stored exactly once ({figures['load_acknowledged_writes']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
