"""How long `shopbook --help` and `shopbook validate -h` take, against a bare interpreter start.

Run: `python benchmarks/bench_startup.py [--runs 3] [--json]`. Each case is a fresh process (the
way staff start it); the figure is the median of the runs, with the spread. The baseline is
`python -c pass` in the same run, so what shopbook adds on top of Python is plain. Issue 12's
target: `shopbook --help` <= 0.2 s. `measure()` is the function the one benchmark command calls.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass (baseline)": ["-c", "pass"],
    "shopbook --help": ["-m", "automation.cli", "--help"],
    "shopbook validate -h": ["-m", "automation.cli", "validate", "-h"],
}
TARGET_SECONDS = {"shopbook --help": 0.2}


def _once(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(runs: int = 3) -> list[dict]:
    """One row per case: median and spread of `runs` fresh starts, the target where there is one."""
    for args in CASES.values():  # warm the bytecode caches and the page cache once, untimed
        _once(args)
    rows = []
    for name, args in CASES.items():
        times = [_once(args) for _ in range(runs)]
        rows.append({"case": name, "median_s": round(statistics.median(times), 3),
                     "spread_s": round(max(times) - min(times), 3), "runs": runs,
                     "target_s": TARGET_SECONDS.get(name)})
    base = rows[0]["median_s"]
    for row in rows[1:]:
        row["over_python_s"] = round(row["median_s"] - base, 3)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh starts per case (default 3)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    options = parser.parse_args(argv)
    rows = measure(options.runs)
    if options.json:
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        target = f"  (target <= {row['target_s']} s)" if row["target_s"] else ""
        extra = f"  +{row['over_python_s']} s over python" if "over_python_s" in row else ""
        print(f"{row['case']:<28} {row['median_s']:.3f} s ± {row['spread_s']:.3f}{extra}{target}")


if __name__ == "__main__":
    main()
