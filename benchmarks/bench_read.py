"""Reading a Double-11 day's order sheet: shopbook's typed read vs openpyxl's read-only iteration.

Run: `python benchmarks/bench_read.py [--rows ROWS]` (default 100 000). Prints seconds and the ratio
against the baseline measured in the same run; no absolute targets (machines differ).
`calamine_read` is the baseline of the issue-12 cases (`python -m benchmarks`): a bare
python-calamine read of every sheet of the files, no typing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/bench_x.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import timed, write_sheet

HEADER = ["订单编号", "买家会员名", "买家应付货款", "买家应付邮费", "总金额", "买家实际支付金额", "订单状态", "买家留言",
          "收货人姓名", "收货地址", "联系手机", "订单创建时间", "订单付款时间", "宝贝标题", "宝贝总数量", "物流单号",
          "物流公司", "订单备注", "店铺名称", "退款金额"]


def order_rows(rows: int):
    rng = random.Random(11)
    start = dt.datetime(2026, 11, 11)
    for r in range(1, rows + 1):
        paid = start + dt.timedelta(seconds=rng.randrange(86400))
        yield [str(5121910154426000000 + r), f"tb_{r}", 99.0, 0, 99.0, 99.0, "买家已付款，等待卖家发货", "", "王晓明",
               "广东省 广州市 越秀区 先烈中路100号", str(13800000000 + r), paid, paid, "纯棉圆领T恤 白色 L", 1,
               str(773312000000000 + r), "中通", "红旗 张三：送小样", "明月小店", "无退款申请"]




def calamine_read(*paths: str) -> dict:
    """The baseline: every sheet of every file as python-calamine gives it, untyped."""
    import python_calamine

    cells = 0
    for path in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            grid = book.get_sheet_by_name(name).to_python()
            cells += sum(map(len, grid))
    return {"cells": cells}


def baseline(path: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    for _ in book.active.iter_rows(values_only=True):
        pass
    book.close()


def main(rows: int) -> None:
    from automation.tables import read_table

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.xlsx"
        write_sheet(path, "订单", HEADER, order_rows(rows))
        base, _ = timed(lambda: baseline(path))
        ours, table = timed(lambda: read_table(path, "orders"))
        assert len(table.records) == rows
        print(f"{rows} rows x {len(HEADER)} columns")
        print(f"openpyxl read-only iteration (untyped): {base:.2f} s")
        print(f"shopbook read_table (typed records):    {ours:.2f} s  ratio {ours / base:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="order rows (default 100000)")
    main(parser.parse_args().rows)
