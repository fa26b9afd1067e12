"""`shopbook validate` on a big order sheet (issue 12): read + typing + every rule + the annotated
copy, against a bare python-calamine read of the same file measured in the same run.

    python benchmarks/bench_validate.py [--rows 100000] [--repeat 3] [--json out.json]

Each measurement runs in a fresh process (its peak RSS is its own). Prints, per sheet size, the bare
read and the whole run (median of the repeats, spread = max - min), the ratio of each run to the read
just before it (median and spread, by wall and by CPU time: the machine is shared), the peak RSS, the
run's steps (read = the sheet read and typed into records, of which cells = fastexcel's Arrow
columns, with the extent scan's cells pass running beside it in a thread, or grid = calamine's cells
for a sheet the Arrow read does not take, which includes every sheet under tables.ARROW_MIN_ROWS
(20k) rows, or stream = python-calamine-plus's row stream typed a chunk at a time, which takes a
sheet of sheets.rowstream.STREAM_MIN_ROWS (300k) rows or more, its extent scan's cells pass first;
rules; write = the annotated copy). Every import the command makes lazily is inside the
timed run. Targets (issue 12): at 100k x 20, run <= 3x the read and peak RSS <= 512 MiB; at 1M rows
(`--rows 10000 100000 1000000`) under 60 s, RSS <= 1.5 GiB, time per row flat within +-30 %.
`make_orders(path, rows)` and `run_validate(path)` are the validate case of `python -m benchmarks`;
`run(rows, repeat)` measures the steps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script: python benchmarks/bench_x.py
    sys.path.insert(0, str(HERE.parent))

from benchmarks.common import BARE_READ, measure, paired, summarise, write_sheet  # noqa: E402

SHEET = "订单"
HEADER = ["订单编号", "买家会员名", "收货人姓名", "收货地址", "联系手机", "订单状态", "订单创建时间", "订单付款时间",
          "发货时间", "物流公司", "物流单号", "宝贝标题", "宝贝总数量", "原价", "买家应付货款", "买家应付邮费", "总金额",
          "买家留言", "订单备注", "旗帜"]
CITIES = ["广东省 广州市 越秀区 先烈中路", "浙江省 杭州市 西湖区 文三路", "内蒙古自治区 呼和浩特市 新城区 中山路",
          "北京市 朝阳区 建国路", "新疆维吾尔自治区 乌鲁木齐市 天山区 解放路", "江苏省 南京市 鼓楼区 中山北路"]
STAFF = ["张三", "李四", "王五", "赵六"]
# (template, flag): most orders carry no remark (about 11 % are flagged, as bench_write's flags case
# assumes); flagged ones vary by day and agent like a real day's
REMARKS = [("", None)] * 40 + [("{name}：送小样", "红"), ("10.{day} 快递截单 {name}", "绿"),
                              ("10.{day} 换货：白色L换黑色XL 差价0 运费买家承担12元 新单号78123456789012 {name}", "紫"),
                              ("10.{day} 退款：质量问题 运费卖家承担 {name}", "蓝"), ("{name}", "黄"), ("顾客说周末在家", None)]
CASE = r"""
import automation.courier.arrow as arrow
import automation.rules.engine as engine
import automation.tables as tables
from automation.commands import validate as command
from automation.sheets import rowstream
from automation.sheets.source import CalamineSource
grid, cells, read, check, write = CalamineSource.grid, arrow.load_cells, tables.read_as_columns, engine.check_rules, command.write_annotations
streamed = rowstream.read_streamed
rowstream.read_streamed = lambda *a, **k: step("stream", lambda: streamed(*a, **k))
CalamineSource.grid = lambda self, name: step("grid", lambda: grid(self, name))
arrow.load_cells = lambda *a, **k: step("cells", lambda: cells(*a, **k))
tables.read_as_columns = lambda *a, **k: step("read", lambda: read(*a, **k))
engine.check_rules = lambda *a, **k: step("rules", lambda: check(*a, **k))
result = command.validate(path)
step("write", lambda: write(result, on_notice=lambda m: None))
steps["findings"] = len(result.findings)  # a count, not seconds
"""


def order_rows(rows: int):
    rng = random.Random(7)
    start = dt.datetime(2026, 10, 8)
    for r in range(1, rows + 1):
        paid = start + dt.timedelta(seconds=rng.randrange(20 * 86400))
        created = paid - dt.timedelta(minutes=rng.randrange(1, 30))
        # the same day before the 16:00 cut-off, the next morning after it; a few late (ORD011, ORD018)
        shipped = paid + dt.timedelta(hours=1) if paid.hour < 16 else dt.datetime.combine(paid.date(), dt.time(10)) + dt.timedelta(days=1)
        if r % 211 == 0:
            shipped += dt.timedelta(days=3)
        phone = "1381234567" if r % 997 == 0 else f"13{rng.randrange(10 ** 9):09d}"  # a few bad ones
        template, flag = rng.choice(REMARKS)
        remark = template.format(name=rng.choice(STAFF), day=rng.randrange(1, 29))
        if r % 401 == 0:
            remark, flag = f"{rng.choice(STAFF)}：要发顺丰", "红"  # shipped by 中通 instead (ORD019)
        postcode = "000000" if r % 301 == 0 else rng.choice(("510080", "310000", "010000", "100000"))
        address = f"{rng.choice(CITIES)}{rng.randrange(1, 3000)}号({postcode})"
        yield [str(5121910154426000000 + r), f"tb_{r}", "王晓明", address, phone, "卖家已发货，等待买家确认", created, paid,
               shipped, "中通", f"78{r:012d}", "纯棉圆领T恤 白色 L", 1, 99.0, 99.0, 0.0, 99.0,
               "" if r % 200 else "请尽快发货", remark, flag or ""]


def make_orders(path: Path, rows: int) -> None:
    """A Taobao-shaped order sheet: `rows` x 20 columns."""
    write_sheet(path, SHEET, HEADER, order_rows(rows))


def make_staff_orders(path: Path, rows: int) -> None:
    """The same orders as staff keep them: a merged title above the header, and a few error cells
    with their cached values (a VLOOKUP's #N/A in 买家应付邮费 every tenth of the rows, a #REF! in
    宝贝标题 twice). Such a sheet is read by the scan-aided stream or Arrow read, not whole."""
    postage, title = HEADER.index("买家应付邮费"), HEADER.index("宝贝标题")

    def staff_rows():
        for r, row in enumerate(order_rows(rows), start=2):  # r: the 0-based sheet row under the title and header
            if r % max(rows // 10, 1) == 0:
                row[postage] = ("=VLOOKUP(A1,运费!A:B,2,0)", "#N/A")
            if r in (rows // 3, rows * 7 // 9):
                row[title] = ("=#REF!", "#REF!")
            yield row

    write_sheet(path, SHEET, HEADER, staff_rows(), merged_title="2026年10月 订单")


def run_validate(path: str) -> dict:
    """What `shopbook validate FILE` does: read, every rule, the annotated copy written."""
    from automation.commands.validate import validate, write_annotations

    result = validate(path)
    write_annotations(result, on_notice=lambda message: None)
    return {"findings": len(result.findings)}


def against_read(name: str, case: str, rows: int, repeat: int = 3, folder: Path | None = None) -> dict:
    """Generate the order sheet, then measure the bare read and `case` `repeat` times each, interleaved."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / "订单.xlsx"
        make_orders(path, rows)
        reads, runs = [], []
        for _ in range(repeat):
            reads.append(measure(BARE_READ, path, SHEET, HERE.parent))
            runs.append(measure(case, path, SHEET, HERE.parent))
    read, ours = summarise(reads), summarise(runs)
    return {"case": name, "rows": rows, "columns": len(HEADER), "read": read, "run": ours,
            **paired(reads, runs), "us_per_row": ours["seconds"] / rows * 1e6}


def run(rows: int, repeat: int = 3, folder: Path | None = None) -> dict:
    """The validate case against the bare read."""
    return against_read("validate", CASE, rows, repeat, folder)


def show(result: dict) -> None:
    read, ours = result["read"], result["run"]
    steps = "  ".join(f"{k} {v:.2f}s" if isinstance(v, float) else f"{k} {v}" for k, v in ours["steps"].items())
    print(f"{result['case']:>8} {result['rows']:>8} rows: read {read['seconds']:.2f}s ±{read['spread_s']:.2f} "
          f"({read['rss_mb']:.0f} MB) | run {ours['seconds']:.2f}s ±{ours['spread_s']:.2f} = {result['ratio']:.2f}x read "
          f"±{result['ratio_spread']:.2f} (CPU {result['cpu_ratio']:.2f}x ±{result['cpu_ratio_spread']:.2f}), "
          f"{ours['rss_mb']:.0f} MB, {result['us_per_row']:.1f} µs/row | {steps}", flush=True)


def main(argv: list[str] | None = None, case=run) -> list[dict]:
    parser = argparse.ArgumentParser(description=(sys.modules[case.__module__].__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000], help="sheet sizes (default: 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; median and spread shown (default 3)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    results = []
    for rows in args.rows:
        results.append(case(rows, args.repeat))
        show(results[-1])
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
