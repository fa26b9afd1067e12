"""`shopbook validate` on a big order sheet: reading + every rule, and writing the annotated copy,
each as a ratio to a plain openpyxl load + save of the same file measured in the same run.

Run: `python benchmarks/bench_validate.py [--rows ROWS]` (default 20 000; the issue's case is 100 000).
`make_orders` and `run_validate` are the validate case of `python -m benchmarks`.
No absolute targets (machines differ). Expected shape: the checks (calamine read + rules) are a
small fraction of the baseline; writing the copy costs about one baseline (one openpyxl load + save,
touching only the cells with findings).
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

HEADER = ["订单编号", "收货人姓名", "收货地址", "联系手机", "订单状态", "订单付款时间", "发货时间", "物流公司", "物流单号",
          "宝贝标题", "原价", "买家应付货款", "订单备注", "旗帜"]
ADDRESSES = ["广东省 广州市 越秀区 黄花岗街道 1号(510080)", "浙江省 杭州市 西湖区 文三路 2号(310000)",
             "内蒙古自治区 呼和浩特市 新城区 3号(010000)", "北京市 朝阳区 建国路 4号(100000)"]
REMARKS = ["", "", "张三：要发顺丰", "10.12 快递截单 李四", "10.14 换货：白色L换黑色XL 差价0 运费买家承担12元 新单号78123456789012 李四"]
FLAGS = {"": None, "张三：要发顺丰": "红", "10.12 快递截单 李四": "绿"}


def order_rows(rows: int):
    rng = random.Random(7)
    start = dt.datetime(2026, 10, 8)
    for r in range(1, rows + 1):
        paid = start + dt.timedelta(seconds=rng.randrange(20 * 86400))
        shipped = paid + dt.timedelta(hours=rng.choice((2, 20, 30)))
        phone = "1381234567" if r % 997 == 0 else f"13{rng.randrange(10 ** 9):09d}"  # a few bad ones
        remark = rng.choice(REMARKS)
        yield [str(5121910154426000000 + r), "张三", rng.choice(ADDRESSES), phone, "卖家已发货，等待买家确认", paid, shipped,
               "中通", f"78{r:012d}", "纯棉圆领T恤 白色 L", 99.0, 99.0, remark, FLAGS.get(remark, "紫")]




def make_orders(path: Path, rows: int) -> None:
    write_sheet(path, "订单", HEADER, order_rows(rows))


def run_validate(path: str) -> dict:
    """What `shopbook validate FILE` does: read, every rule, the annotated copy written."""
    from automation.commands.validate import validate, write_annotations

    result = validate(path)
    write_annotations(result, on_notice=lambda message: None)
    return {"findings": len(result.findings)}


def main(rows: int) -> None:
    import openpyxl

    from automation.commands.validate import validate, write_annotations

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "订单.xlsx"
        make_orders(path, rows)
        baseline, _ = timed(lambda: openpyxl.load_workbook(path).save(Path(folder) / "copy.xlsx"))
        check, result = timed(lambda: validate(path))
        write, _ = timed(lambda: write_annotations(result))
        print(f"{rows} rows, {len(result.findings)} findings")
        print(f"baseline openpyxl load+save {baseline:.2f}s")
        print(f"read + all rules            {check:.2f}s  ({check / baseline:.2f}x baseline)")
        print(f"write annotated copy        {write:.2f}s  ({write / baseline:.2f}x baseline)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="order rows (default 20000)")
    main(parser.parse_args().rows)
