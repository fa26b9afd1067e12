"""What the benchmarks share: writing a big generated sheet fast, and timing a step."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from pathlib import Path

import xlsxwriter


def write_sheet(path: Path, sheet_name: str, header: list[str], rows: Iterable[list[object]],
                title: list[list[object]] = (), merged_title: str | None = None) -> None:
    """A one-sheet workbook in constant memory, like a real export: optional title rows above the
    header (and `merged_title`, one bold title merged across the header's columns, as staff keep a
    sheet), date and date-time cells formatted as such, text as text, a (formula, cached value)
    cell as that formula saved with its value."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_numbers": False, "strings_to_urls": False})
    sheet = book.add_worksheet(sheet_name)
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, line in enumerate(title):
        sheet.write_row(r, 0, line)
    top = len(title)
    if merged_title is not None:
        sheet.merge_range(top, 0, top, len(header) - 1, merged_title, book.add_format({"bold": True}))
        top += 1
    sheet.write_row(top, 0, header)
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, tuple):
                sheet.write_formula(r, c, value[0], None, value[1])
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, stamp)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
            else:
                sheet.write(r, c, value)
    book.close()


def timed(run):
    """(seconds, result) of calling run()."""
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


# A bare python-calamine read of one sheet to Python values: the baseline every ratio is against.
BARE_READ = r"""
import python_calamine
python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
"""

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
path, sheet = Path(sys.argv[1]), sys.argv[2]
steps = {}
def step(name, run):
    start = time.perf_counter()
    result = run()
    steps[name] = steps.get(name, 0.0) + time.perf_counter() - start
    return result
start = time.perf_counter()
%s
total = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": total, "cpu_s": usage.ru_utime + usage.ru_stime, "steps": steps, "rss_mb": usage.ru_maxrss / 1024}))
"""


def measure(code: str, path: Path, sheet: str, cwd: Path) -> dict:
    """Run `code` in a fresh Python process (so its peak RSS is its own): it sees `path`, `sheet` and
    `step(name, fn)`, which times a part. Returns {"seconds", "steps": {name: s}, "rss_mb"}."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _CHILD % code, str(path), sheet], capture_output=True, text=True,
                          cwd=cwd)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def paired(reads: list[dict], runs: list[dict]) -> dict:
    """Ratios of each run to the bare read measured just before it (the machine's load changes less
    within a pair than across the whole benchmark): median and spread, by wall time and by CPU time."""
    import statistics

    out = {}
    for key in ("seconds", "cpu_s"):
        ratios = [r[key] / b[key] for b, r in zip(reads, runs)]
        out["ratio" if key == "seconds" else "cpu_ratio"] = statistics.median(ratios)
        out["ratio_spread" if key == "seconds" else "cpu_ratio_spread"] = max(ratios) - min(ratios)
    return out


def summarise(runs: list[dict]) -> dict:
    """Median and spread (max - min) of the total and of each step over repeated runs; the highest peak RSS."""
    import statistics

    names = list(dict.fromkeys(n for r in runs for n in r["steps"]))
    out = {"seconds": statistics.median(r["seconds"] for r in runs), "cpu_s": statistics.median(r["cpu_s"] for r in runs),
           "spread_s": max(r["seconds"] for r in runs) - min(r["seconds"] for r in runs),
           "rss_mb": max(r["rss_mb"] for r in runs), "runs": len(runs)}
    out["steps"] = {n: statistics.median(r["steps"].get(n, 0.0) for r in runs) for n in names}
    for name in names:  # counts (findings, flagged rows) stay whole numbers
        if all(isinstance(r["steps"].get(name), int) for r in runs):
            out["steps"][name] = int(out["steps"][name])
    return out
