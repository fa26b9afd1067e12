"""The three-way match on a large shop's month: 1M bill lines against 1M shipments and stubs.

Run: `python benchmarks/bench_reconcile.py [--lines LINES] [--read-lines READ_LINES]` (defaults
1 000 000 and 200 000). `run_match` / `run_joins` (the match alone against two bare polars left
joins) and `run_reconcile` (a shop folder end to end, see courier_shop.py) are the reconcile cases
of `python -m benchmarks`.
The month's frames are generated in memory. A second measurement imports a READ_LINES-line bill
workbook: `read_bill` (typed a column at a time, the frame built) against the cell-by-cell typed
read of the same workbook (automation.tables, the baseline). Prints seconds and the ratio against a
baseline measured in the same run — a plain polars left join of the bill with shipments and stubs
on the waybill — so the number says what classification, rating and totals cost on top of the
joins themselves. No absolute targets (machines differ).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl

if __package__ in (None, ""):  # run as a script: python benchmarks/bench_reconcile.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import timed, write_sheet

from automation.courier.bill import LINE_SCHEMA, Bill
from automation.courier.rates import parse_rate_card
from automation.courier.reconcile import reconcile
from automation.courier.settings import Tolerances

PROVINCES = ["浙江", "上海", "江苏", "广东", "北京", "河南", "四川", "新疆", "西藏", "湖北", "辽宁", "云南"]
CARD = parse_rate_card("中通", {"rounding": "up_0.5", "remote_surcharge": 8, "zones": [
    {"name": "江浙沪", "provinces": ["浙江", "上海", "江苏"], "first": 4, "additional": 1.5},
    {"name": "其他", "provinces": ["*"], "first": 6, "additional": 3}]})


def make_month(lines: int, seed: int = 4) -> tuple[Bill, pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    waybills = pl.Series([f"7733{i:010d}" for i in range(lines)])
    province = pl.Series(np.array(PROVINCES)[rng.integers(0, len(PROVINCES), lines)])
    weight_g = pl.Series(rng.integers(100, 5000, lines) // 10 * 10)
    days = pl.Series(rng.integers(0, 31, lines)).cast(pl.Int32)
    ship_date = pl.lit(dt.date(2026, 10, 1)) + pl.duration(days=days)
    shipments = pl.DataFrame({"ship_row": np.arange(2, lines + 2), "waybill": waybills, "order_id": waybills.str.replace("7733", "O"),
                              "ship_courier": "中通", "ship_province": province, "ship_weight_g": weight_g}
                             ).with_columns(ship_date=ship_date)
    stubs = shipments.select(stub_row="ship_row", waybill="waybill", stub_date="ship_date", stub_courier="ship_courier",
                             stub_weight_g="ship_weight_g").with_columns(
        stub_fee_c=pl.lit(None, pl.Int64), stub_status=pl.lit("正常"), stub_archived=pl.lit(True))
    # the courier's fee for each distinct (province, weight), evaluated with the rate card as the courier would
    keys = shipments.select("ship_province", "ship_weight_g").unique()
    fees = [int(CARD.expected_fee(p, Decimal(w) / 1000) * 100) for p, w in keys.iter_rows()]
    priced = shipments.join(keys.with_columns(fee_c=pl.Series(fees)), on=["ship_province", "ship_weight_g"], how="left")
    noise = rng.random(lines)
    bill_lines = priced.select(
        bill_row=pl.col("ship_row") + 3, waybill="waybill", shown="waybill", damaged=pl.lit(False), unreadable=pl.lit(False),
        billed_at=pl.col("ship_date").cast(pl.Datetime), bill_province="ship_province",
        bill_weight_g=pl.when(pl.Series(noise < 0.01)).then(pl.col("ship_weight_g") + 800).otherwise(pl.col("ship_weight_g")),
        fee_c=pl.when(pl.Series(noise > 0.99)).then(pl.col("fee_c") + 100).otherwise(pl.col("fee_c")),
        other_c=pl.lit(None, pl.Int64), insurance_c=pl.lit(None, pl.Int64),
    ).with_columns(fee_c=pl.col("fee_c") + pl.when(pl.Series(noise < 0.01)).then(300).otherwise(0))
    bill_lines = bill_lines.with_columns(total_c=pl.col("fee_c")).cast(LINE_SCHEMA)
    bill_lines = pl.concat([bill_lines, bill_lines.head(lines // 1000)])  # some lines billed twice
    return Bill("中通", None, "账单", bill_lines), shipments, stubs


def baseline(bill: Bill, shipments: pl.DataFrame, stubs: pl.DataFrame) -> pl.DataFrame:
    return bill.lines.join(shipments, on="waybill", how="left").join(stubs, on="waybill", how="left")


def _month(lines: str) -> tuple:
    return make_month(int(lines))


def run_match(bill: Bill, shipments: pl.DataFrame, stubs: pl.DataFrame) -> dict:
    """The match alone: joins + rating + classification + totals, on frames already in memory."""
    result = reconcile(bill, shipments, stubs, CARD, Tolerances(), "2026-10")
    assert result.closes()
    return {"lines": bill.lines.height}


def run_joins(bill: Bill, shipments: pl.DataFrame, stubs: pl.DataFrame) -> dict:
    """The baseline of the match: two bare polars left joins of the same columns."""
    return {"lines": baseline(bill, shipments, stubs).height}


run_match.prepare = run_joins.prepare = _month  # the frames are made before the clock starts


def run_reconcile(folder: str) -> dict:
    """`shopbook reconcile FOLDER --month 2026-10` end to end, counting full reads of each workbook."""
    from collections import Counter

    from automation.courier import arrow
    from automation.courier.run import reconcile_month, write_month
    from automation.sheets import source
    from automation.shop import Shop

    reads: Counter[str] = Counter()
    grid, load_cells = source.CalamineSource.grid, arrow.load_cells

    def counted(self, sheet):
        reads[Path(self.path).name] += 1
        return grid(self, sheet)

    def counted_cells(path, sheet, first_row, *text):  # the read straight to Arrow columns (shipments, stubs)
        reads[Path(path).name] += 1
        return load_cells(path, sheet, first_row, *text)

    source.CalamineSource.grid, arrow.load_cells = counted, counted_cells
    shop = Shop.open(folder)
    done = write_month(shop, reconcile_month(shop, "2026-10"))
    assert all(r.closes() for r in done.results)
    return {"full_reads": dict(reads), "lines": sum(r.bill.lines.height for r in done.results)}


def main(lines: int) -> None:
    made, (bill, shipments, stubs) = timed(lambda: make_month(lines))
    base, _ = timed(lambda: baseline(bill, shipments, stubs))
    took, result = timed(lambda: reconcile(bill, shipments, stubs, CARD, Tolerances(), "2026-10"))
    assert result.closes()
    print(f"bill lines: {bill.lines.height:,}  (generated in {made:.2f} s)")
    print(f"baseline (two polars left joins): {base:.2f} s")
    print(f"reconcile (joins + rating + classification + totals): {took:.2f} s  = {took / base:.1f}x baseline")
    print("categories:", {k: (v.count, str(v.difference)) for k, v in result.categories.items()})


def bench_import(lines: int) -> None:
    """The bill read columnar (read_bill) against the cell-by-cell typed read of the same workbook."""
    import tempfile

    from automation.courier.bill import read_bill
    from automation.courier.settings import load_settings
    from automation.config import ShopConfig
    from automation.tables import read_tables

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "中通_2026-10.xlsx"
        header = ["运单编号", "揽收时间", "目的省份", "结算重量", "快递运费", "其他费用", "合计"]
        rows = [[f"7733{i:010d}", "2026-10-05 12:00:00", PROVINCES[i % len(PROVINCES)], (i % 50) / 10 + 0.1,
                 5.0 + i % 7, 0, 5.0 + i % 7] for i in range(lines)]
        write_sheet(path, "账单", header, rows, title=[["中通快递 月结对账单"], []])
        cells, _ = timed(lambda: read_tables(path, kind="bill"))
        whole, bill = timed(lambda: read_bill(path, "中通", load_settings(ShopConfig(path=None))))
    print(f"bill import, {bill.lines.height:,} lines: cell-by-cell typed read {cells:.2f} s (baseline), "
          f"read_bill (columnar, frame built) {whole:.2f} s = {whole / cells:.2f}x baseline")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="bill lines of the in-memory match (default 1000000)")
    parser.add_argument("--read-lines", type=int, default=200_000, help="lines of the bill workbook read (default 200000)")
    args = parser.parse_args()
    main(args.lines)
    bench_import(args.read_lines)
