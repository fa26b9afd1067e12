"""The couriers' monthly bills, as each courier sends them (title block, own columns, totals, signatures),
and the money summary the answer key records (bill total, our expected total, differences by category).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from . import reference as ref
from .model import Sheet, World
from .rates import CARDS
from .world import at

LOSS_STATUSES = ("丢件", "破损", "无法送达")  # the courier owes these: expected fee 0 (deduct or claim)
LONG_NAME = {short: long for long, (short, _) in ref.PROVINCES.items()}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    waybill: str
    when: dt.datetime
    province: str  # short form
    weight: Decimal
    freight: Decimal
    other: Decimal
    note: str = ""

    @property
    def amount(self) -> Decimal:
        return self.freight + self.other


@dataclass(frozen=True)
class Layout:
    courier: str
    sheet: str
    headers: tuple[str, ...]
    row: Callable[[Line], dict]
    title: Callable[[str], list[list]]
    waybill_header: str
    amount_header: str
    total_label: str


def _zto_row(line: Line) -> dict:
    return {"序号": None, "运单编号": line.waybill, "揽收时间": line.when, "目的省份": line.province,
            "结算重量": line.weight, "快递运费": line.freight, "其他费用": line.other, "合计": line.amount,
            "备注": line.note or None}


def _yto_row(line: Line) -> dict:
    return {"运单号": line.waybill, "寄件日期": line.when.date(), "收件省份": LONG_NAME[line.province],
            "计费重量": line.weight, "运费": line.amount, "寄件网点": "浙江省杭州市余杭区良渚网点"}


def _sf_row(line: Line) -> dict:
    return {"序号": None, "业务日期": line.when, "运单号码": line.waybill, "到达省份": LONG_NAME[line.province],
            "计费重量": line.weight, "资费": line.amount, "保价费": ZERO, "应收合计": line.amount, "付款方式": "寄付月结"}


def _period(month: str) -> tuple[str, str]:
    year, mon = map(int, month.split("-"))
    last = (dt.date(year + mon // 12, mon % 12 + 1, 1) - dt.timedelta(days=1)).day
    return f"{year}-{mon:02d}-01", f"{year}-{mon:02d}-{last:02d}"


LAYOUTS = {
    "中通": Layout("中通", "对账单", ("序号", "运单编号", "揽收时间", "目的省份", "结算重量", "快递运费", "其他费用", "合计", "备注"),
                 _zto_row, lambda m: [["中通快递 客户月结对账单"], ["客户名称：简衣纪旗舰店", None, None, "月结账号：ZTO5710032816"],
                                      [f"账期：{_period(m)[0]} 至 {_period(m)[1]}", None, None, "网点：杭州余杭良渚分部"], []],
                 "运单编号", "合计", "合计"),
    "圆通": Layout("圆通", "月结账单", ("运单号", "寄件日期", "收件省份", "计费重量", "运费", "寄件网点"),
                 _yto_row, lambda m: [["圆通速递 月度结算账单"], [f"客户编码：YTO5710988    客户名称：简衣纪旗舰店    结算周期：{m[:4]}年{int(m[5:])}月"]],
                 "运单号", "运费", "本页合计"),
    "顺丰": Layout("顺丰", "账单", ("序号", "业务日期", "运单号码", "到达省份", "计费重量", "资费", "保价费", "应收合计", "付款方式"),
                 _sf_row, lambda m: [["顺丰速运 月结客户对账单"], ["月结卡号：5710123456", None, "客户：简衣纪旗舰店"],
                                     [f"费用期间：{_period(m)[0].replace('-', '/')}-{_period(m)[1].replace('-', '/')}"], []],
                 "运单号码", "应收合计", "总计"),
}


def line_for(courier: str, waybill: str, when: dt.datetime, province: str, weight: Decimal) -> Line:
    """A correctly priced bill line for a parcel of `weight` kg."""
    card = CARDS[courier]
    if courier == "中通":
        return Line(waybill, when, province, weight, card.freight(province, weight), card.surcharge(province))
    return Line(waybill, when, province, weight, card.expected_fee(province, weight), ZERO)


def bill_row(courier: str, line: Line, *, shipment: dict | None, category: str = "matched") -> dict:
    row = LAYOUTS[courier].row(line)
    row.update({"_line": line, "_shipment": shipment, "_category": category, "_amount": line.amount})
    return row


def bill_file(courier: str, month: str) -> str:
    return f"账单/{courier}_{month}.xlsx"


def make_bills(world: World, month: str = "2026-10") -> None:
    by_courier: dict[str, list[dict]] = defaultdict(list)
    for shipment in world.shipments:
        courier = shipment["_courier"]
        line = line_for(courier, shipment["快递单号"], shipment["_at"], shipment["_province"], shipment["_weight"])
        by_courier[courier].append(bill_row(courier, line, shipment=shipment))
    for courier, layout in LAYOUTS.items():
        world.sheets[f"bill:{courier}"] = Sheet(bill_file(courier, month), layout.sheet, "bill", list(layout.headers),
                                                by_courier[courier], title=layout.title(month))
    world.sheets["bill_prev:中通"] = _previous_bill(world)


def _previous_bill(world: World) -> Sheet:
    """September's bill from 中通 (only used to find lines billed twice across months)."""
    rng = world.rng
    rows = []
    provinces = list(ref.PROVINCE_WEIGHTS)
    weights = list(ref.PROVINCE_WEIGHTS.values())
    for day in range(1, 31):
        date = dt.date(2026, 9, day)
        if not world.calendar.is_workday(date):
            continue
        for _ in range(rng.randint(40, 55)):
            short = ref.PROVINCES[rng.choices(provinces, weights)[0]][0]
            weight = Decimal(rng.randint(30, 95)) / 100
            line = line_for("中通", world.waybill("中通"), at(world, date, (16, 0), (18, 30)), short, weight)
            rows.append(bill_row("中通", line, shipment=None))
    rows.sort(key=lambda r: r["_line"].when)
    layout = LAYOUTS["中通"]
    return Sheet(bill_file("中通", "2026-09"), layout.sheet, "bill", list(layout.headers), rows, title=layout.title("2026-09"))


def finish_bills(world: World) -> None:
    """Number the lines and write the totals row and signature lines under each bill."""
    for key, sheet in world.sheets.items():
        if sheet.kind != "bill":
            continue
        courier = key.split(":")[1]
        layout = LAYOUTS[courier]
        for number, row in enumerate(sheet.rows, start=1):
            if "序号" in row:
                row["序号"] = number
        totals: dict[str, object] = {h: None for h in layout.headers}
        totals[layout.headers[0]] = layout.total_label
        for header in layout.headers:
            if header in ("快递运费", "其他费用", "合计", "运费", "资费", "保价费", "应收合计"):
                totals[header] = sum((r[header] for r in sheet.rows), ZERO)
        sign = {"中通": ["制表：中通快递杭州余杭良渚分部", None, None, "客户确认签字：            日期："],
                "圆通": ["对账人签字：", None, "网点盖章：          日期："],
                "顺丰": ["客户盖章：", None, None, "顺丰速运（盖章）：          日期："]}[courier]
        sheet.footer = [[], [totals[h] for h in layout.headers], [], sign]


def expected_by_waybill(world: World) -> dict[str, Decimal]:
    """Our expected fee per shipped waybill: the rate card on our weight, 0 for a lost/damaged/undelivered parcel."""
    status = {s["快递单号"]: s["底单状态"] for s in world.sheets["stubs"].rows}
    out = {}
    for shipment in world.shipments:
        lost = status.get(shipment["快递单号"]) in LOSS_STATUSES
        out[shipment["快递单号"]] = ZERO if lost else CARDS[shipment["_courier"]].expected_fee(shipment["_province"], shipment["_weight"])
    return out


def courier_summary(world: World) -> dict[str, dict]:
    """Per courier: bill total, our expected total, and the difference carried by each category (they close)."""
    expected = expected_by_waybill(world)
    out = {}
    for courier in LAYOUTS:
        sheet = world.sheets[f"bill:{courier}"]
        categories: dict[str, dict] = defaultdict(lambda: {"count": 0, "difference": ZERO})
        seen: set[str] = set()
        for row in sheet.rows:
            shipment = row["_shipment"]
            category = row["_category"]
            if shipment is None or shipment["快递单号"] in seen:
                difference = row["_amount"]
                category = "bill_duplicate" if shipment is not None else category
            else:
                seen.add(shipment["快递单号"])
                difference = row["_amount"] - expected[shipment["快递单号"]]
            categories[category]["count"] += 1
            categories[category]["difference"] += difference
        ours = [s for s in world.shipments if s["_courier"] == courier]
        for shipment in ours:
            if shipment["快递单号"] not in seen:
                categories["not_billed"]["count"] += 1
                categories["not_billed"]["difference"] -= expected[shipment["快递单号"]]
        bill_total = sum((r["_amount"] for r in sheet.rows), ZERO)
        expected_total = sum((expected[s["快递单号"]] for s in ours), ZERO)
        assert bill_total - expected_total == sum((c["difference"] for c in categories.values()), ZERO)
        out[courier] = {"bill_file": sheet.file, "previous_bill_file": world.sheets["bill_prev:中通"].file if courier == "中通" else None,
                        "lines": len(sheet.rows), "shipments": len(ours), "bill_total": bill_total,
                        "expected_total": expected_total, "difference": bill_total - expected_total,
                        "categories": dict(sorted(categories.items()))}
    return out
