"""`shopbook flags` on a big order sheet: where the time goes, against openpyxl's own load + save.

Run: `python benchmarks/bench_flags.py [--rows ROWS]` (default 20 000). `make_orders` and `run_flags`
are the flags case of `python -m benchmarks`. Prints seconds for the typed read,
remark parsing + attribution + building the edit, and writing the copy, each as a ratio to the
baseline of a plain openpyxl load + save of the same file measured in the same run. No absolute
targets (machines differ); parsing should stay a small fraction of the baseline.
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

HEADER = ["订单编号", "买家会员名", "订单状态", "订单创建时间", "订单付款时间", "总金额", "宝贝标题", "订单备注", "客服"]
REMARKS = ["", "", "", "红旗 张三：要发顺丰，送小样", "黄旗 李四", "绿旗 10.12 快递截单 王五",
           "紫旗 10.14 换货：白色L换黑色XL 差价0 运费买家承担12元 新单号SF1234567890123 李四",
           "蓝旗 10.15 退款：质量问题 运费卖家承担 张三", "顾客说周末在家"]


def order_rows(rows: int):
    rng = random.Random(3)
    start = dt.datetime(2026, 10, 1)
    for r in range(1, rows + 1):
        paid = start + dt.timedelta(seconds=rng.randrange(30 * 86400))
        yield [str(5121910154426000000 + r), f"tb_{r}", "交易成功", paid, paid, 99.0, "纯棉圆领T恤 白色 L", rng.choice(REMARKS), ""]




def make_orders(path: Path, rows: int) -> None:
    write_sheet(path, "订单", HEADER, order_rows(rows))


def run_flags(path: str) -> dict:
    """What `shopbook flags FILE` does: read, parse + attribute, the copy written."""
    from automation.commands.flags import run
    from automation.sheets.writers import apply_edit

    _, flags, _, edit = run(path)
    apply_edit(Path(path), edit, suffix=".flags", on_notice=lambda message: None)
    return {"flags": len(flags)}


def main(rows: int) -> None:
    import openpyxl

    from automation.commands.flags import analyse
    from automation.config import ShopConfig
    from automation.sheets.writers import apply_edit
    from automation.tables import read_table

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "订单.xlsx"
        make_orders(path, rows)
        baseline, _ = timed(lambda: openpyxl.load_workbook(path).save(Path(folder) / "copy.xlsx"))
        read, orders = timed(lambda: read_table(path, "orders"))
        config = ShopConfig(path=None)
        parse, (_, _, edit) = timed(lambda: analyse(orders, config))
        write, _ = timed(lambda: apply_edit(path, edit, suffix=".flags"))
    print(f"{rows} orders")
    print(f"baseline openpyxl load+save: {baseline:.2f}s")
    for name, seconds in (("typed read", read), ("parse+attribute+edit", parse), ("write copy", write)):
        print(f"{name:>22}: {seconds:.2f}s  ({seconds / baseline:.2f}× baseline)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="order rows (default 20000)")
    main(parser.parse_args().rows)
