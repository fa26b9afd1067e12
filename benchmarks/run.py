"""The issue-12 benchmark: every case of its Targets table, each against a baseline measured in the
same run on the same files, median and spread of --repeat runs, peak RSS (every run in a process of
its own), pass or fail against the target. Prints the table and writes JSON.

    python -m benchmarks                 # the default run: 100k-row sheets, a 100k/100k/100k month
    python -m benchmarks --full          # adds validate at 10k/100k/1M, validate 1M as staff keep it, reconcile 1M/1M/1M
    python -m benchmarks --rows 200      # every case at a tiny size (a smoke test, no real figures)

The files are generated (benchmarks/courier_shop.py from the demo's layouts, rate cards and
provinces; the order sheets of bench_validate.py and bench_flags.py) into --data (kept, and reused
when present) or a temporary folder. Ratios count, not seconds: a shared machine slows ours and the
baseline alike when they alternate, as they do here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
MIB = 1
GIB = 1024


@dataclass
class Step:
    step: str  # a name in benchmarks.child.STEPS
    args: Callable[[Path, int], list[str]]  # (run folder, run number) -> the step's arguments


@dataclass
class Case:
    name: str
    target: str
    ours: Step
    baseline: Step | None
    check: Callable[[dict], tuple[bool | None, str]]  # the measured row -> (passes, why); None: no target
    rows: int | None = None


@dataclass
class Measured:
    seconds: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    info: dict = field(default_factory=dict)

    def summary(self) -> dict:
        return {"median_s": statistics.median(self.seconds), "spread_s": max(self.seconds) - min(self.seconds),
                "runs_s": self.seconds, "peak_rss_mib": max(self.rss_mib), "info": self.info}


def measure(step: Step, folder: Path, run: int, nice: bool) -> tuple[float, float, dict]:
    command = [sys.executable, "-m", "benchmarks.child", step.step, *step.args(folder, run)]
    if nice and shutil.which("nice"):
        command = ["nice", *command]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env)
    if done.returncode != 0:
        raise SystemExit(f"benchmark step {step.step} failed:\n{done.stderr[-2000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return out["seconds"], out["rss_mib"], out["info"]


# ---- the files --------------------------------------------------------------------------------

def orders_file(data: Path, module: str, rows: int, make: str = "make_orders") -> Path:
    from importlib import import_module

    path = data / (f"{module}_{rows}" if make == "make_orders" else f"{module}_{make}_{rows}") / "订单.xlsx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        getattr(import_module(f"benchmarks.{module}"), make)(path, rows)
    return path


def courier_shop(data: Path, lines: int) -> tuple[Path, list[Path]]:
    from benchmarks.courier_shop import BILL, make_courier_shop

    folder = data / f"courier_shop_{lines}"
    files = [folder / "发货.xlsx", folder / "底单.xlsx", folder / BILL]
    if not all(p.exists() for p in files):
        shutil.rmtree(folder, ignore_errors=True)
        files = make_courier_shop(folder, lines)
    return folder, files


# ---- the checks -------------------------------------------------------------------------------

def ratio_and_rss(limit: float, rss_limit: float) -> Callable[[dict], tuple[bool, str]]:
    def check(row: dict) -> tuple[bool, str]:
        ok = row["ratio"] <= limit and row["ours"]["peak_rss_mib"] <= rss_limit
        return ok, f"{row['ratio']:.2f}x (≤ {limit:g}x), {row['ours']['peak_rss_mib']:.0f} MiB (≤ {rss_limit:.0f})"
    return check


def under(seconds: float) -> Callable[[dict], tuple[bool, str]]:
    def check(row: dict) -> tuple[bool, str]:
        took = row["ours"]["median_s"]
        return took <= seconds, f"{took:.2f} s (≤ {seconds:g} s)"
    return check


def under_and_rss(seconds: float, rss_limit: float) -> Callable[[dict], tuple[bool, str]]:
    def check(row: dict) -> tuple[bool, str]:
        took, rss = row["ours"]["median_s"], row["ours"]["peak_rss_mib"]
        return took < seconds and rss <= rss_limit, f"{took:.1f} s (< {seconds:g} s), {rss:.0f} MiB (≤ {rss_limit:.0f})"
    return check


def reconcile_check(row: dict) -> tuple[bool, str]:
    reads = row["ours"]["info"].get("full_reads", {})
    once = len(reads) == 3 and all(n == 1 for n in reads.values())
    ok, why = ratio_and_rss(1.5, 2 * GIB)(row)
    shown = ", ".join(f"{name} {n}x" for name, n in sorted(reads.items()))
    return ok and once, f"{why}; full reads: {shown} ({'each once' if once else 'NOT each once'})"


def no_full_reads(row: dict) -> tuple[bool, str]:
    reads = row["ours"]["info"].get("full_reads")
    return reads == 0, f"{reads} full sheet reads of {row['ours']['info'].get('files')} files (0 allowed)"


# ---- the cases --------------------------------------------------------------------------------

MILLION_ROWS_TARGET = under_and_rss(60, 1.5 * GIB)  # validate at 1M rows, plain or as staff keep it
FIXED_ROWS = 100  # the fixed-cost run's sheet: small enough that its rows cost next to nothing
FIXED_COST = "(the fixed cost beside the per-row time)"


def cases(args: argparse.Namespace, data: Path) -> list[Case]:
    """The cases of the run; each generates its files when it first runs (and --data keeps them)."""
    small = args.rows or 100_000
    month = args.rows or (1_000_000 if args.full else 100_000)
    lines = args.rows or 1_000_000
    shop = cache(lambda: courier_shop(data, month))
    orders = cache(lambda module, rows: str(orders_file(data, module, rows)))
    read = lambda *paths: Step("calamine_read", lambda _f, _r: [str(p()) for p in paths])  # noqa: E731
    size = f"{month // 1000}k" if month >= 1000 else str(month)
    validate, flags = (lambda: orders("bench_validate", small)), (lambda: orders("bench_flags", small))
    out = [
        Case(f"validate {small:,} rows", "≤ 3x the bare read; peak RSS ≤ 512 MiB",
             Step("validate", lambda _f, _r: [validate()]), read(validate), ratio_and_rss(3, 512 * MIB), small),
        Case(f"flags {small:,} rows", "≤ 3x the bare read; peak RSS ≤ 512 MiB",
             Step("flags", lambda _f, _r: [flags()]), read(flags), ratio_and_rss(3, 512 * MIB), small),
    ]
    if args.full:
        fixed = lambda: orders("bench_validate", FIXED_ROWS)  # noqa: E731
        out.append(Case(f"validate {FIXED_ROWS} rows {FIXED_COST}", "none: shown beside the per-row time",
                        Step("validate", lambda _f, _r: [fixed()]), read(fixed),
                        lambda row: (None, "what a run costs before its rows count: imports, set-up, the copy's fixed parts"),
                        FIXED_ROWS))
        for rows in ((max(args.rows // 100, 10), max(args.rows // 10, 10), args.rows) if args.rows
                     else (10_000, 100_000, 1_000_000)):
            path = lambda rows=rows: orders("bench_validate", rows)  # noqa: E731
            out.append(Case(f"validate {rows:,} rows (per-row time)", "1M: under 60 s, RSS ≤ 1.5 GiB; per row flat ±30 %",
                            Step("validate", lambda _f, _r, p=path: [p()]), read(path), lambda row: (True, ""), rows))
        staff = lambda: str(orders_file(data, "bench_validate", month, "make_staff_orders"))  # noqa: E731
        out.append(Case(f"validate {month:,} rows as staff keep them (merged title, error cells)", "under 60 s; RSS ≤ 1.5 GiB",
                        Step("validate", lambda _f, _r: [staff()]), read(staff), MILLION_ROWS_TARGET, month))
    files = [lambda i=i: shop()[1][i] for i in range(3)]
    out += [
        Case(f"reconcile {size}/{size}/{size}", "≤ 1.5x the bare read of the three files; each read once; RSS ≤ 2 GiB",
             Step("reconcile", lambda _f, _r: [str(shop()[0])]), read(*files), reconcile_check, month),
        Case(f"the match alone, {lines:,} lines", "≤ 3x two bare polars left joins",
             Step("match", lambda _f, _r: [str(lines)]), Step("polars_joins", lambda _f, _r: [str(lines)]),
             ratio_and_rss(3, 2 * GIB), lines),
        Case("Shop finding the sheet kinds of a folder", "header rows only, never a full read",
             Step("shop_kinds", lambda _f, _r: [str(shop()[0])]), None, no_full_reads),
        Case("shopbook demo", "≤ 10 s", Step("command", lambda f, r: ["demo", str(f / f"demo-{r}")]), None, under(10)),
        Case("shopbook demo, shop generated (no cache: a first run)", "≤ 10 s",
             Step("demo_generated", lambda f, r: [str(f / f"demo-generated-{r}")]), None, under(10)),
        Case("shopbook --help (baseline: a bare python start)", "≤ 0.2 s", Step("command", lambda _f, _r: ["--help"]),
             Step("python_start", lambda _f, _r: []), under(0.2)),
    ]
    return [c for c in out if not args.cases or any(word in c.name for word in args.cases)]


def per_row_check(rows: list[dict]) -> None:
    """validate at 10k/100k/1M: the 1M run's own target, and seconds per row within ±30 % of their
    median. Beside each, for what it tells (not for the target): the time per row beyond the fixed
    cost, the FIXED_ROWS-row run's."""
    scaled = [r for r in rows if r["case"].endswith("(per-row time)")]
    if not scaled:
        return
    fixed = next((r["ours"]["median_s"] for r in rows if r["case"].endswith(FIXED_COST)), None)
    per_row = [r["ours"]["median_s"] / r["rows"] for r in scaled]
    middle = statistics.median(per_row)
    flat = all(abs(p - middle) <= 0.3 * middle for p in per_row)
    largest = max(scaled, key=lambda r: r["rows"])
    fits = MILLION_ROWS_TARGET(largest)[0]
    for row, p in zip(scaled, per_row):
        row["per_row_us"] = p * 1e6
        row["pass"] = flat and (fits or row is not largest)
        row["detail"] = (f"{p * 1e6:.1f} µs/row ({'flat' if flat else 'NOT flat'} ±30 %)"
                         + (f"; {largest['ours']['median_s']:.1f} s, {largest['ours']['peak_rss_mib']:.0f} MiB" if row is largest else ""))
        if fixed is not None:
            row["per_row_beyond_fixed_us"] = (row["ours"]["median_s"] - fixed) / row["rows"] * 1e6
            row["detail"] += f"; {row['per_row_beyond_fixed_us']:.1f} µs/row beyond the fixed {fixed:.2f} s"


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    return {"cpus": os.cpu_count(), "cpu": model, "python": platform.python_version(), "system": platform.platform(),
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None}


def fmt_seconds(part: dict | None) -> str:
    return "-" if part is None else f"{part['median_s']:.2f} s ±{part['spread_s']:.2f}"


def verdict(row: dict) -> str:
    """PASS or FAIL against the case's target; INFO for a case measured only to be shown (no target)."""
    return "INFO" if row["pass"] is None else "PASS" if row["pass"] else "FAIL"


def show(rows: list[dict]) -> str:
    head = ["case", "ours (median ±spread)", "baseline", "ratio", "peak RSS", "target", "result"]
    body = [[r["case"], fmt_seconds(r["ours"]), fmt_seconds(r["baseline"]), f"{r['ratio']:.2f}x" if r["ratio"] else "-",
             f"{r['ours']['peak_rss_mib']:.0f} MiB", r["target"], f"{verdict(r)} {r['detail']}"] for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, body)])


def markdown(report: dict) -> str:
    """The figures of a results.json as the README's table."""
    lines = ["| case | ours (median ± spread) | baseline | ratio | peak RSS | target | result |", "|---|---|---|---|---|---|---|"]
    for r in report["cases"]:
        ratio = f"{r['ratio']:.2f}×" if r["ratio"] else "—"
        base = fmt_seconds(r["baseline"]) if r["baseline"] else "—"
        lines.append(f"| {r['case']} | {fmt_seconds(r['ours'])} | {base} "
                     f"| {ratio} | {r['ours']['peak_rss_mib']:.0f} MiB | {r['target']} | {verdict(r)}: {r['detail']} |")
    return "\n".join(lines)


def compile_bytecode() -> None:
    """Byte-compile shopbook and the benchmarks as an installed package has them (pip compiles at
    install): with an editable install under PYTHONDONTWRITEBYTECODE=1 (as on our CI machines) every
    measured process would otherwise compile each module from source, ~0.15 s that no user pays."""
    import compileall

    for folder in ("automation", "benchmarks"):
        compileall.compile_dir(ROOT / folder, quiet=2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0],
                                     epilog="cases: validate, flags, validate at 10k/100k/1M and as staff keep it (--full), reconcile, the match "
                                            "alone, Shop kind detection, shopbook demo, shopbook --help",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="also the 1M-row cases: validate at 10k/100k/1M (beside a 100-row run, the fixed cost), validate 1M as staff keep it (merged title, error cells), reconcile 1M/1M/1M")
    parser.add_argument("--rows", type=int, help="one size for every case instead (e.g. 200 for a quick smoke run)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown (default 3)")
    parser.add_argument("--cases", nargs="+", metavar="WORD", help="only the cases whose name holds one of these words")
    parser.add_argument("--data", type=Path, help="keep the generated files here and reuse them (default: a temporary folder)")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json", help="where to write the figures "
                        "(default benchmarks/results.json)")
    parser.add_argument("--no-nice", dest="nice", action="store_false", help="do not run the steps under nice")
    parser.add_argument("--markdown", type=Path, metavar="RESULTS_JSON", help="print the table of a results.json as "
                        "Markdown (for the README) and exit")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(args.markdown.read_text(encoding="utf-8"))))
        return 0
    started = dt.datetime.now(dt.timezone.utc)
    compile_bytecode()
    temp = None if args.data else tempfile.TemporaryDirectory(prefix="shopbook-bench-")
    data = args.data or Path(temp.name)
    data.mkdir(parents=True, exist_ok=True)
    try:
        chosen = cases(args, data)
        rows = []
        for case in chosen:
            print(f"{case.name}…", file=sys.stderr, flush=True)
            ours, base = Measured(), Measured()
            with tempfile.TemporaryDirectory(prefix="run-", dir=data) as runs:
                for run in range(args.repeat):  # alternate, so that a busy spell slows both sides alike
                    for side, step in ((base, case.baseline), (ours, case.ours)):
                        if step is not None:
                            seconds, rss, info = measure(step, Path(runs), run, args.nice)
                            side.seconds.append(seconds)
                            side.rss_mib.append(rss)
                            side.info = info
            row = {"case": case.name, "target": case.target, "rows": case.rows, "ours": ours.summary(),
                   "baseline": base.summary() if base.seconds else None}
            row["ratio"] = row["ours"]["median_s"] / row["baseline"]["median_s"] if row["baseline"] else None
            row["pass"], row["detail"] = case.check(row)
            rows.append(row)
        per_row_check(rows)
    finally:
        if temp is not None:
            temp.cleanup()
    table = show(rows)
    print(table)
    report = {"started": started.isoformat(timespec="seconds"), "machine": machine(),
              "arguments": {"full": args.full, "rows": args.rows, "repeat": args.repeat, "nice": args.nice},
              "cases": rows}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    judged = [r for r in rows if r["pass"] is not None]
    print(f"\n{sum(r['pass'] for r in judged)}/{len(judged)} cases pass; figures in {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
