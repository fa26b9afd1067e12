"""Planted courier problems (issue 4): stubs against shipments, and the couriers' monthly bills.

Bill lines carry `_category` (what the reconciliation should call them); world_bills.courier_summary
turns the categories into the money the answer key records, and asserts that the totals close.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .model import World
from .world_bills import Line, bill_row, expected_by_waybill, line_for
from .world_logistics import stub_of


def _shipment(world: World, courier: str, predicate=lambda s: True) -> dict:
    candidates = [s for s in world.shipments if s["_courier"] == courier and not s.get("_planted")
                  and not s["_order"].tags & {"planted", "late", "exchange", "return"} and s["备注"] == "" and predicate(s)]
    shipment = world.rng.choice(candidates)
    shipment["_planted"] = True
    shipment["_order"].tags.add("courier_plant")
    return shipment


def _stub_problem(world: World, clause: str, category: str, stub: dict, column: str, detail: str) -> None:
    world.plant("courier", clause, category, "stubs", stub, column, stub["快递单号"], detail, courier=stub["快递公司"])


# ---- stubs (the daily check) ---------------------------------------------------------------------

def plant_stubs(world: World) -> None:
    stubs = world.sheets["stubs"].rows
    for courier in ("中通", "圆通"):
        shipment = _shipment(world, courier, lambda s: s["发货日期"] >= dt.date(2026, 10, 19))
        stubs.remove(stub_of(world, shipment["快递单号"]))
        shipment["_no_stub"] = True
        world.plant("courier", "M-CUR-COUNT", "stub_missing", "shipments", shipment, "快递单号", shipment["快递单号"],
                    "shipped parcel without a courier stub", courier=courier)
    for courier, day in (("中通", dt.date(2026, 10, 15)), ("圆通", dt.date(2026, 10, 21))):
        orphan = dict(stub_of(world, _shipment(world, courier, lambda s, d=day: s["发货日期"] == d)["快递单号"]))
        orphan.update({"快递单号": world.waybill(courier), "底单重量(kg)": Decimal("0.45"), "_shipment": None})
        stubs.insert(stubs.index(next(s for s in stubs if s["揽收日期"] > day)), orphan)
        _stub_problem(world, "M-CUR-COUNT", "stub_orphan", orphan, "快递单号", "stub for a waybill we never shipped (a voided label)")
    for courier, extra in (("中通", Decimal("0.60")), ("顺丰", Decimal("0.80"))):
        stub = stub_of(world, _shipment(world, courier, lambda s: s["发货日期"] >= dt.date(2026, 10, 17))["快递单号"])
        stub["底单重量(kg)"] += extra
        _stub_problem(world, "M-CUR-WEIGH", "stub_weight", stub, "底单重量(kg)",
                      f"stub weight {stub['底单重量(kg)']} kg, ours {stub['_shipment']['_weight']} kg")
    for day in (dt.date(2026, 10, 9), dt.date(2026, 10, 13)):
        stub = stub_of(world, _shipment(world, "圆通", lambda s, d=day: s["发货日期"] == d)["快递单号"])
        stub["已归档"] = "否"
        _stub_problem(world, "M-CUR-ARCHIVE", "stub_not_archived", stub, "已归档", f"stub of {day} not archived after 15 days")
    for courier, status, clause, category in (("中通", "丢件", "M-CUR-CLAIM", "stub_claim"), ("中通", "破损", "M-CUR-CLAIM", "stub_claim"),
                                              ("圆通", "无法送达", "M-CUR-UNDELIV", "stub_deduct"),
                                              ("中通", "无法送达", "M-CUR-UNDELIV", "stub_deduct")):
        shipment = _shipment(world, courier, lambda s: dt.date(2026, 10, 19) <= s["发货日期"] <= dt.date(2026, 10, 23))
        order = shipment["_order"]
        order.signed_at = None  # never delivered
        order.tags.add("lost_parcel")
        stub = stub_of(world, shipment["快递单号"])
        stub["底单状态"], stub["备注"] = status, "底单单独存放，待索赔" if clause == "M-CUR-CLAIM" else "底单单独存放，月结扣款"
        shipment["_loss"] = status
        _stub_problem(world, clause, category, stub, "底单状态", f"parcel {status}: {'claim' if clause == 'M-CUR-CLAIM' else 'deduct at settlement'}")


# ---- bills ------------------------------------------------------------------------------------------

def _line_of(world: World, courier: str, shipment: dict) -> dict:
    return next(r for r in world.sheets[f"bill:{courier}"].rows if r["_shipment"] is shipment)


def _replace(world: World, courier: str, row: dict, line: Line, category: str) -> dict:
    rows = world.sheets[f"bill:{courier}"].rows
    new = bill_row(courier, line, shipment=row["_shipment"], category=category)
    rows[rows.index(row)] = new
    return new


def _bill_problem(world: World, courier: str, row: dict, category: str, column: str, detail: str, difference: Decimal) -> None:
    waybill = row["_line"].waybill
    world.plant("courier", "M-CUR-MONTHLY", category, f"bill:{courier}", row, column, waybill, detail,
                courier=courier, difference=difference)


def plant_bills(world: World) -> None:
    expected = expected_by_waybill(world)
    _weight_and_fee(world, expected)
    _extra_lines(world)
    _not_billed(world, expected)
    _losses(world, expected)
    _missing_stubs(world)
    _damaged_waybills(world, expected)


def _weight_and_fee(world: World, expected: dict) -> None:
    headers = {"中通": ("结算重量", "快递运费"), "圆通": ("计费重量", "运费"), "顺丰": ("计费重量", "资费")}
    for courier, extra in (("中通", Decimal("1.30")), ("圆通", Decimal("1.10")), ("顺丰", Decimal("0.90"))):
        shipment = _shipment(world, courier, lambda s: s["_province"] not in ("新疆", "西藏"))
        row = _line_of(world, courier, shipment)
        old = row["_line"]
        heavier = line_for(courier, old.waybill, old.when, old.province, old.weight + extra)
        row = _replace(world, courier, row, heavier, "bill_weight_over")
        _bill_problem(world, courier, row, "bill_weight_over", headers[courier][0],
                      f"billed {heavier.weight} kg, ours {old.weight} kg", heavier.amount - expected[old.waybill])
    for courier, province, overcharge in (("中通", "浙江", Decimal("1.00")), ("圆通", "四川", Decimal("8.00")), ("顺丰", "江苏", Decimal("2.00"))):
        shipment = _shipment(world, courier, lambda s, p=province: s["_province"] == p)
        row = _line_of(world, courier, shipment)
        old = row["_line"]
        wrong = Line(old.waybill, old.when, old.province, old.weight, old.freight + overcharge, old.other)
        row = _replace(world, courier, row, wrong, "bill_fee_mismatch")
        why = {"中通": "zone 二区 price for a 一区 province", "圆通": "remote surcharge on a province that is not remote",
               "顺丰": "first-weight price of the wrong zone"}[courier]
        _bill_problem(world, courier, row, "bill_fee_mismatch", headers[courier][1],
                      f"fee {wrong.amount} vs rate card {expected[old.waybill]}: {why}", wrong.amount - expected[old.waybill])


def _extra_lines(world: World) -> None:
    """Lines that should not be on the bill at all."""
    for courier in ("中通", "圆通"):
        rows = world.sheets[f"bill:{courier}"].rows
        shipment = _shipment(world, courier, lambda s: dt.date(2026, 10, 12) <= s["发货日期"] <= dt.date(2026, 10, 16))
        original = _line_of(world, courier, shipment)
        copy = bill_row(courier, original["_line"], shipment=shipment, category="bill_duplicate")
        rows.insert(rows.index(original) + world.rng.randint(3, 9), copy)
        column = "运单编号" if courier == "中通" else "运单号"
        _bill_problem(world, courier, copy, "bill_duplicate", column, "the same waybill billed twice this month", copy["_amount"])
        when = dt.datetime(2026, 10, 19, 17, 12, 40)
        stranger = line_for(courier, world.waybill(courier), when, "河南", Decimal("0.62"))
        row = bill_row(courier, stranger, shipment=None, category="bill_not_shipped")
        rows.insert(next(i for i, r in enumerate(rows) if r["_line"].when > when), row)
        _bill_problem(world, courier, row, "bill_not_shipped", column, "billed but never shipped by us (no shipment, no stub)",
                      row["_amount"])
    previous = world.sheets["bill_prev:中通"].rows
    late_september = [r for r in previous if r["_line"].when.date() == dt.date(2026, 9, 30)]
    for source in world.rng.sample(late_september, 2):
        again = bill_row("中通", source["_line"], shipment=None, category="bill_duplicate_prev_month")
        world.sheets["bill:中通"].rows.insert(0, again)
        _bill_problem(world, "中通", again, "bill_duplicate_prev_month", "运单编号",
                      "already billed on the September bill", again["_amount"])


def _not_billed(world: World, expected: dict) -> None:
    for courier in ("中通", "圆通"):
        shipment = _shipment(world, courier, lambda s: s["发货日期"] == dt.date(2026, 10, 30))
        world.sheets[f"bill:{courier}"].rows.remove(_line_of(world, courier, shipment))
        world.plant("courier", "M-CUR-MONTHLY", "not_billed", "shipments", shipment, "快递单号", shipment["快递单号"],
                    "shipped 10-30 and not on the October bill (carry to next month)", courier=courier,
                    difference=-expected[shipment["快递单号"]])


def _losses(world: World, expected: dict) -> None:
    for shipment in [s for s in world.shipments if s.get("_loss")]:
        courier = shipment["_courier"]
        row = _line_of(world, courier, shipment)
        if shipment["_loss"] == "破损":  # the courier deducted it: a clean line that nets to 0
            old = row["_line"]
            deducted = Line(old.waybill, old.when, old.province, old.weight, old.freight, -old.freight, "破损理赔，运费扣减")
            _replace(world, courier, row, deducted, "bill_deducted")
            continue
        row["_category"] = "bill_lost_not_deducted"
        column = "合计" if courier == "中通" else "运费"
        _bill_problem(world, courier, row, "bill_lost_not_deducted", column,
                      f"parcel {shipment['_loss']} billed in full, no deduction", row["_amount"] - expected[shipment["快递单号"]])


def _missing_stubs(world: World) -> None:
    for shipment in [s for s in world.shipments if s.get("_no_stub")]:
        courier = shipment["_courier"]
        row = _line_of(world, courier, shipment)
        row["_category"] = "bill_no_stub"
        column = "运单编号" if courier == "中通" else "运单号"
        _bill_problem(world, courier, row, "bill_no_stub", column, "billed waybill without a stub (fee correct)", Decimal("0.00"))


def _damaged_waybills(world: World, expected: dict) -> None:
    """中通's export holds waybills as numbers: one kept intact as 7731…0.0, one shown as 7.73E+13 text."""
    for _ in range(2):
        shipment = _shipment(world, "中通", lambda s: s["_province"] not in ("新疆", "西藏"))
        row = _line_of(world, "中通", shipment)
        row["运单编号"] = float(shipment["快递单号"])
        row["_category"] = "bill_waybill_float"
        _bill_problem(world, "中通", row, "bill_waybill_float", "运单编号",
                      "waybill stored as a number (readable, no digits lost)", Decimal("0.00"))
        world.problems[-1].extra["code"] = "coerce.id_as_number"
    shipment = _shipment(world, "中通", lambda s: s["_province"] not in ("新疆", "西藏"))
    row = _line_of(world, "中通", shipment)
    number = float(shipment["快递单号"])
    row["运单编号"] = f"{number:.5E}".replace("E+0", "E+").replace(".00000E", "E")
    row["_shipment"], row["_category"] = None, "bill_waybill_damaged"
    _bill_problem(world, "中通", row, "bill_waybill_damaged", "运单编号",
                  f"waybill shown in scientific notation ({row['运单编号']}): cannot be matched", row["_amount"])
    world.problems[-1].extra["code"] = "coerce.id_damaged"
    world.plant("courier", "M-CUR-MONTHLY", "not_billed", "shipments", shipment, "快递单号", shipment["快递单号"],
                "its bill line's waybill is damaged (scientific notation), so it looks not billed", courier="中通",
                difference=-expected[shipment["快递单号"]])
