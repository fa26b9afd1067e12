"""One measured step in a fresh process, so that its peak RSS is its own (run.py starts one per run).

    python -m benchmarks.child STEP ARG...

Prints one JSON line: {"seconds": ..., "rss_mib": ..., "info": {...}}. `seconds` is the step's own
time, imports excluded (a step may measure itself and return {"seconds": ...} in its info, e.g. a
whole command started as a process). STEPS names every step the benchmark cases use.
"""

from __future__ import annotations

import json
import resource
import sys
import time

STEPS = {
    "calamine_read": "benchmarks.bench_read:calamine_read",
    "validate": "benchmarks.bench_validate:run_validate",
    "flags": "benchmarks.bench_flags:run_flags",
    "reconcile": "benchmarks.bench_reconcile:run_reconcile",
    "match": "benchmarks.bench_reconcile:run_match",
    "polars_joins": "benchmarks.bench_reconcile:run_joins",
    "shop_kinds": "benchmarks.bench_startup:shop_kinds",
    "command": "benchmarks.bench_startup:run_command",
    "demo_generated": "benchmarks.bench_startup:run_demo_generated",
    "python_start": "benchmarks.bench_startup:python_start",
}


def load(step: str):
    from importlib import import_module

    module, name = STEPS[step].split(":")
    return getattr(import_module(module), name)


def main(argv: list[str]) -> None:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        print("\nsteps:", ", ".join(STEPS))
        return
    step = load(argv[0])
    prepare = getattr(step, "prepare", None)  # imports and in-memory inputs, not timed
    args = prepare(*argv[1:]) if prepare else argv[1:]
    start = time.perf_counter()
    info = step(*args) or {}
    seconds = info.pop("seconds", None) or time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mib": max(rss, children), "info": info}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
