"""The patch writer on a big order sheet (issue 8): marking a 100k x 20 sheet with ~2 % problem
rows against a bare python-calamine read of the same file, in the same run.

    python benchmarks/bench_write.py [--rows 100000 300000] [--repeat 3] [--json out.json]

Each measurement runs in a fresh subprocess, so its peak RSS (ru_maxrss) is the step's own: the
read baseline is `CalamineWorkbook.from_path(...).get_sheet_by_name(...).to_python()`; the write
is `apply_edit` (copy mode) of a validate-shaped edit (one fill + note per problem row, a findings
sheet with one row per problem) and of a flags-shaped one (row fill + canonical remark on 10 % of
the rows). Targets (issue 8, the validate case): write <= 1.5x the read, peak RSS of the write
< 200 MB, flat from 100k to 300k rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = 20
PROBLEM_EVERY = 50  # 2 % of the rows

CHILD = r"""
import resource, sys, time
from pathlib import Path
path, mode, rows = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
if mode == "read":
    import python_calamine
    start = time.perf_counter()
    python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("订单").to_python()
else:
    from automation.sheets.edit import CellMark, NewSheet, RowFill, WorkbookEdit
    from automation.sheets.writers import apply_edit
    problems = range(2, rows + 2, %(every)d)
    if mode == "validate":
        edit = WorkbookEdit(marks=[CellMark("订单", r, 3, "FFC7CE", f"ORD005 第{r}行手机号位数不对\n修改：核对后重填") for r in problems],
                            new_sheets=[NewSheet("校验结果", ["代码", "单元格", "问题"],
                                                 [["ORD005", f"D{r}", "手机号位数不对"] for r in problems],
                                                 links={(i, 1): ("订单", f"D{r}") for i, r in enumerate(problems)})])
    else:
        from automation.sheets.edit import CellWrite
        flagged = range(2, rows + 2, 10)
        edit = WorkbookEdit(job="flags", row_fills=[RowFill("订单", r, "F8CBAD", width=%(cols)d + 1) for r in flagged],
                            writes=[CellWrite("订单", r, %(cols)d, "【红旗】张三：要发顺丰") for r in flagged])
    start = time.perf_counter()
    apply_edit(path, edit, on_notice=lambda m: None)
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
""" % {"every": PROBLEM_EVERY, "cols": COLUMNS}


def make_sheet(path: Path, rows: int) -> None:
    sys.path.insert(0, str(HERE))
    from common import write_sheet

    header = ["订单编号", "买家会员名", "收货人姓名", "联系手机", "收货地址", "订单状态", "订单创建时间", "订单付款时间",
              "总金额", "旗帜", "订单备注", *[f"自有列{i}" for i in range(COLUMNS - 11)]]

    def body():
        for r in range(rows):
            phone = "1381234567" if r % PROBLEM_EVERY == 0 else f"138{r:08d}"
            yield [str(5121910154426000000 + r), f"tb_{r}", "张三", phone, "广东省 广州市 越秀区 黄花岗街道 1号(510080)",
                   "交易成功", "2026-10-10 09:00", "2026-10-10 09:05", 99.5, "红" if r % 10 == 0 else "",
                   "张三：要发顺丰" if r % 10 == 0 else "", *[r * i for i in range(COLUMNS - 11)]]

    write_sheet(path, "订单", header, body())


def measure(path: Path, mode: str, rows: int) -> tuple[float, float]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), mode, str(rows)], capture_output=True, text=True,
                          check=True, cwd=HERE.parent)
    seconds, rss = done.stdout.split()
    return float(seconds), float(rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 300_000], help="sheet sizes (default: 100000 300000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown (default 3)")
    parser.add_argument("--cases", nargs="+", choices=["validate", "flags"], default=["validate", "flags"],
                        help="validate: a fill + note on 2 %% of the rows and a findings sheet; flags: a row fill and the "
                             "canonical-remark column on 10 %% of the rows")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    results = []
    print(f"{'rows':>8} {'case':>9} {'calamine read':>15} {'patch write':>14} {'ratio':>6} {'read RSS':>9} {'write RSS':>10}")
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "订单.xlsx"
            make_sheet(path, rows)
            reads = [measure(path, "read", rows) for _ in range(args.repeat)]
            for case in args.cases:
                writes = [measure(path, case, rows) for _ in range(args.repeat)]
                row = {"rows": rows, "case": case, "read_s": statistics.median(s for s, _ in reads),
                       "write_s": statistics.median(s for s, _ in writes),
                       "read_spread_s": max(s for s, _ in reads) - min(s for s, _ in reads),
                       "write_spread_s": max(s for s, _ in writes) - min(s for s, _ in writes),
                       "read_rss_mb": max(r for _, r in reads), "write_rss_mb": max(r for _, r in writes)}
                row["ratio"] = row["write_s"] / row["read_s"]
                results.append(row)
                print(f"{rows:>8} {case:>9} {row['read_s']:>8.2f}s ±{row['read_spread_s']:.2f} {row['write_s']:>8.2f}s "
                      f"±{row['write_spread_s']:.2f} {row['ratio']:>6.2f} {row['read_rss_mb']:>7.0f}MB {row['write_rss_mb']:>8.0f}MB")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
