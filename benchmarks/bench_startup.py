"""How long `shopbook --help` and `shopbook validate -h` take, against a bare interpreter start.

Run: `python benchmarks/bench_startup.py [--runs 3] [--json]`. Each case is a fresh process (the
way staff start it); the figure is the median of the runs, with the spread. The baseline is
`python -c pass` in the same run, so what shopbook adds on top of Python is plain. Issue 12's
target: `shopbook --help` <= 0.2 s. `measure()` is the function the one benchmark command calls.

The one benchmark command (`python -m benchmarks`) runs these steps, each in a process of its own:
`run_command` (one shopbook command as a fresh process, timed whole: `--help`, `demo`),
`python_start` (the bare interpreter, its baseline) and `shop_kinds`: a shop folder asked for a
kind it does not hold, which needs the header rows of each sheet only, so the number of full
sheet reads (`CalamineSource.grid` calls) must be 0.
"""

from __future__ import annotations

import argparse
import json
import os
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


def run_command(*args: str, env: dict[str, str] | None = None) -> dict:
    """A shopbook command as a process of its own, timed whole (start and imports included); output discarded."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "automation.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"shopbook {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return {"seconds": seconds, "exit": done.returncode}


def run_demo_generated(folder: str) -> dict:
    """`shopbook demo` with its cache of generated shops off (automation.demo.cache): the shop is
    generated and written, as on the first run after installing or changing shopbook."""
    return run_command("demo", folder, env={"SHOPBOOK_DEMO_CACHE": "0"})


def python_start() -> dict:
    """The floor under any command: the interpreter starting and exiting, nothing imported."""
    return {"seconds": _once(["-c", "pass"])}


def shop_kinds(folder: str) -> dict:
    """Open a shop folder and ask for its orders (it has none): how many full sheet reads that took."""
    from automation.sheets import source
    from automation.shop import Shop

    reads = 0
    grid = source.CalamineSource.grid

    def counted(self, sheet):
        nonlocal reads
        reads += 1
        return grid(self, sheet)

    source.CalamineSource.grid = counted
    shop = Shop.open(folder)
    found = shop.table("orders")
    return {"full_reads": reads, "files": len(shop.files), "orders_found": found is not None}


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
