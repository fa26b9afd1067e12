"""A small hand-made courier month (中通, 2026-10) for the courier and mail tests.

Every planted line is listed in PLANTED with the category and difference it must get; the numbers
follow the rate card in SHOP_TOML (worked out by hand in the comments).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl

SHOP_TOML = """
[shop]
name = "测试店"

[couriers."中通"]
aliases = ["中通快递"]

[rates."中通"]
rounding = "up_1"
first_kg = 1
remote_provinces = ["新疆", "西藏"]
remote_surcharge = 10.00

[[rates."中通".zones]]
name = "江浙沪"
provinces = ["上海", "江苏", "浙江"]
first = 4.00
additional = 1.00

[[rates."中通".zones]]
name = "其他"
provinces = ["*"]
first = 6.00
additional = 3.00

[stubs]
weight_tolerance_kg = 0.1
archive_days = 15
"""

W = "7733120000{:04d}".format  # 14-digit 中通-style waybills
FLOAT_WAYBILL = "773312000099999"

# (order, waybill, date, province, weight kg)
SHIPMENTS = [
    ("O1001", W(1), dt.date(2026, 10, 8), "浙江省", "0.8"),    # 1 kg -> 4.00, billed 4.00: ok
    ("O1002", W(2), dt.date(2026, 10, 8), "广东省", "1.5"),    # 2 kg -> 9.00; billed 2.6 kg 12.00: weight_over +3.00
    ("O1003", W(3), dt.date(2026, 10, 9), "江苏", "1.2"),      # 2 kg -> 5.00; billed 6.00: fee_mismatch +1.00
    ("O1004", W(4), dt.date(2026, 10, 9), "上海市", "0.5"),    # 4.00 billed twice: ok + duplicate +4.00
    ("O1005", W(5), dt.date(2026, 9, 30), "北京", "1.0"),      # 6.00, already on September's bill: duplicate_prev +6.00
    ("O1007", W(7), dt.date(2026, 10, 12), "新疆维吾尔自治区", "0.9"),  # 6+10 = 16.00, stub 丢件: lost_billed +16.00
    ("O1008", W(8), dt.date(2026, 10, 12), "浙江", "1.0"),     # 4.00, no stub: missing_stub 0.00
    ("O1009", W(9), dt.date(2026, 10, 31), "广东", "0.6"),     # 6.00, not billed (carried to November): -6.00
    ("O1010", FLOAT_WAYBILL, dt.date(2026, 10, 13), "浙江", "1.0"),  # 4.00, bill writes it as a float: ok
    ("O1012", W(12), dt.date(2026, 10, 14), "西藏自治区", "2.3"),  # 3 kg: 6+3+3+10 = 22.00: ok
]
# The shop also ships with 圆通 (no bill in these tests): one parcel a day, so the shipment log and
# the stubs cover the whole month, as automation.months requires of a complete month.
OTHER_COURIER = [(f"Y{day:03d}", f"YT{9000000000000 + day}", dt.date(2026, 10, day), "浙江", "1.0") for day in range(1, 32)]
STUB_STATUS = {W(7): "丢件"}
NO_STUB = {W(8)}

# bill lines: (waybill cell, date, province, weight, fee, other)
BILL_LINES = [
    (W(1), "2026-10-08", "浙江", 0.8, 4.00, None),
    (W(2), "2026-10-08", "广东", 2.6, 12.00, None),
    (W(3), "2026-10-09", "江苏", 1.2, 6.00, None),
    (W(4), "2026-10-09", "上海", 0.5, 4.00, None),
    (W(4), "2026-10-10", "上海", 0.5, 4.00, None),
    (W(5), "2026-10-01", "北京", 1.0, 6.00, None),
    (W(6), "2026-10-11", "河南", 2.0, 7.00, None),            # never shipped by us: not_shipped +7.00
    (W(7), "2026-10-12", "新疆", 0.9, 6.00, 10.00),
    (W(8), "2026-10-12", "浙江", 1.0, 4.00, None),
    (float(FLOAT_WAYBILL), "2026-10-13", "浙江", 1.0, 4.00, None),
    ("7.73312E+14", "2026-10-13", "浙江", 1.0, 5.00, None),    # digits lost: waybill_damaged +5.00
    (W(12), "2026-10-14", "西藏", 2.3, 12.00, 10.00),
]
PLANTED = {  # category -> (count, difference)
    "ok": (4, Decimal("0.00")),
    "weight_over": (1, Decimal("3.00")),
    "fee_mismatch": (1, Decimal("1.00")),
    "duplicate": (1, Decimal("4.00")),
    "duplicate_prev": (1, Decimal("6.00")),
    "not_shipped": (1, Decimal("7.00")),
    "lost_billed": (1, Decimal("16.00")),
    "missing_stub": (1, Decimal("0.00")),
    "waybill_damaged": (1, Decimal("5.00")),
    "not_billed": (1, Decimal("-6.00")),  # expected 6.00, not on this bill
}
BILL_TOTAL = Decimal("94.00")


def _book(path: Path, rows: list[list[object]], sheet: str) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def write_bill(path: Path, lines=BILL_LINES, title: bool = True) -> Path:
    rows: list[list[object]] = []
    if title:
        rows += [["中通快递 月结对账单"], ["客户编码：ZT-88001", None, "结算周期：2026-10-01 至 2026-10-31"], []]
    rows.append(["序号", "运单编号", "揽收时间", "目的省份", "结算重量", "快递运费", "其他费用", "合计"])
    for i, (wb, day, prov, weight, fee, other) in enumerate(lines, start=1):
        rows.append([i, wb, day, prov, weight, fee, other, round(fee + (other or 0), 2)])
    total = round(sum(fee + (other or 0) for *_, fee, other in lines), 2)
    rows += [[None, "合计", None, None, None, None, None, total], [],
             ["制表人：王五", None, "审核：", None, "客户签字："]]
    return _book(path, rows, "账单")


def write_previous_bill(path: Path) -> Path:
    return write_bill(path, [(W(5), "2026-09-30", "北京", 1.0, 6.00, None), (W(90), "2026-09-20", "浙江", 1.0, 4.00, None)])


def write_shop(root: Path, with_bills: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "shop.toml").write_text(SHOP_TOML, encoding="utf-8")
    _book(root / "发货.xlsx", [["发货日期", "订单编号", "快递公司", "快递单号", "目的省份", "重量(kg)"]]
          + [[d, o, "中通快递", w, p, float(kg)] for o, w, d, p, kg in SHIPMENTS]
          + [[d, o, "圆通快递", w, p, float(kg)] for o, w, d, p, kg in OTHER_COURIER], "发货登记")
    stubs = [["揽收日期", "快递公司", "快递单号", "底单重量(kg)", "底单状态", "已归档"]]
    for o, w, d, p, kg in SHIPMENTS:
        if w not in NO_STUB:
            stubs.append([d, "中通", w, float(kg), STUB_STATUS.get(w, "正常"), "是"])
    stubs += [[d, "圆通", w, float(kg), "正常", "是"] for o, w, d, p, kg in OTHER_COURIER]
    _book(root / "底单.xlsx", stubs, "快递底单")
    _book(root / "订单.xlsx", [["订单编号", "收货人姓名", "联系手机", "收货地址", "付款时间"]]
          + [[o, "李四", "13812345678", f"{p}某市某区某路1号", dt.datetime.combine(d, dt.time(10))]
             for o, w, d, p, kg in SHIPMENTS + OTHER_COURIER], "订单")
    if with_bills:
        (root / "账单").mkdir(exist_ok=True)
        write_bill(root / "账单" / "中通_2026-10.xlsx")
        write_previous_bill(root / "账单" / "中通_2026-09.xlsx")
    return root


def bill_frames(lines, shipments, stubs, weights=None, previous=()):
    """A bill (lines: (waybill, total cents), 1 kg to 浙江 unless `weights` gives bill grams per line), our
    shipments (waybills, 1 kg) and stubs ((waybill, status)) as the frames reconcile() takes; `previous`
    lists the waybills on last month's bill (returned as a Bill, or None)."""
    import datetime as dt

    import polars as pl

    from automation.courier.bill import LINE_SCHEMA, Bill

    bill_rows = [{"bill_row": i + 5, "waybill": w, "shown": w, "damaged": False, "billed_at": dt.datetime(2026, 10, 5),
                  "bill_province": "浙江", "bill_weight_g": (weights or {}).get(i, 1000), "fee_c": c, "other_c": None, "insurance_c": None, "total_c": c}
                 for i, (w, c) in enumerate(lines)]
    ships = pl.DataFrame([{"ship_row": i + 2, "waybill": w, "order_id": f"O{i}", "ship_date": dt.date(2026, 10, 5),
                           "ship_courier": "中通", "ship_province": "浙江", "ship_weight_g": 1000} for i, w in enumerate(shipments)])
    stub_rows = pl.DataFrame([{"stub_row": i + 2, "waybill": w, "stub_date": dt.date(2026, 10, 5), "stub_courier": "中通",
                               "stub_weight_g": 1000, "stub_fee_c": None, "stub_status": s, "stub_archived": True}
                              for i, (w, s) in enumerate(stubs)])
    if not stubs:
        from automation.courier.frames import empty_stubs

        stub_rows = empty_stubs()
    bill = Bill("中通", Path("中通_2026-10.xlsx"), "账单", pl.DataFrame(bill_rows, schema=LINE_SCHEMA))
    if previous:
        prev_rows = [{**bill_rows[0], "bill_row": i + 5, "waybill": w, "shown": w, "billed_at": dt.datetime(2026, 9, 28)}
                     for i, w in enumerate(previous)]
        return bill, ships, stub_rows, Bill("中通", Path("中通_2026-09.xlsx"), "账单", pl.DataFrame(prev_rows, schema=LINE_SCHEMA))
    return bill, ships, stub_rows
