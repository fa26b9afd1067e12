"""Planted validation problems (issue 3): orders, remarks, after-sales, stock, handover.

Each plant picks an untouched row, changes it so the problem is really there, and records it with
World.plant(area="validation", clause, category, sheet, row, column, key, detail). Orders are
planted before shipments are derived, so timelines stay consistent across sheets.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from .model import AS_OF, MONTH_END, Order, World
from .world import agent_at, settle
from .world_logistics import add_exchange, latest_counts, open_demand

ADDR, PHONE, ITEMS, REMARK = "收货地址", "联系手机", "宝贝标题", "订单备注"


def _pick(world: World, predicate=lambda o: True, *, shipped: bool | None = True) -> Order:
    candidates = [o for o in world.clean_orders(shipped=shipped) if predicate(o)]
    order = world.rng.choice(candidates)
    order.tags.add("planted")
    return order


def _orders(world: World, order: Order, clause: str, category: str, column: str, detail: str, **extra) -> None:
    world.plant("validation", clause, category, "orders", order, column, order.order_id, detail, **extra)


def _in_month(order: Order) -> bool:
    return order.created_at.month == 10 and not (order.created_at.day >= 20 and order.created_at.day <= 22)


# ---- orders: before shipments exist ----------------------------------------------------------------

def plant_orders(world: World) -> None:
    _address(world)
    _items_and_price(world)
    _late_shipping(world)
    _cod(world)
    _remarks(world)


def _address(world: World) -> None:
    for _ in range(2):
        order = _pick(world, _in_month)
        order.cells["收货人姓名"] = None
        _orders(world, order, "M-ORD-ADDR", "order_no_consignee", "收货人姓名", "paid order without a consignee name")
        order = _pick(world, _in_month)
        order.cells["收货地址 "] = f"{order.street}({order.postcode})"
        _orders(world, order, "M-ORD-ADDR", "addr_no_province", ADDR, "address without province, city or district")
    order = _pick(world, _in_month)
    order.cells[PHONE] = order.phone[:10]
    _orders(world, order, "M-ORD-ADDR", "phone_bad", PHONE, "mobile number with 10 digits")
    order = _pick(world, _in_month)
    order.cells[PHONE] = "12" + order.phone[2:]
    _orders(world, order, "M-ORD-ADDR", "phone_bad", PHONE, "mobile number with the impossible prefix 12")
    for wrong, why in ((lambda code: code[:5], "postcode with 5 digits"), (lambda code: code + "1", "postcode with 7 digits")):
        order = _pick(world, _in_month)
        order.cells["收货地址 "] = order.address.replace(f"({order.postcode})", f"({wrong(order.postcode)})")
        _orders(world, order, "M-ORD-ADDR", "postcode_bad", ADDR, why)
    for _ in range(2):
        order = _pick(world, _in_month)
        order.cells["收货地址 "] = order.address.replace(f"({order.postcode})", "(000000)")
        _orders(world, order, "M-ORD-ADDR", "postcode_placeholder", ADDR, "Taobao's placeholder postcode 000000",
                severity="warning")


def _items_and_price(world: World) -> None:
    order = _pick(world, lambda o: _in_month(o) and len(o.items) == 1)
    item = order.items[0]
    order.cells["宝贝标题 "] = f"{item.model} {item.color}"
    _orders(world, order, "M-ORD-ITEMS", "items_no_size", ITEMS, "item without size")
    order = _pick(world, lambda o: _in_month(o) and len(o.items) == 2)
    order.cells["宝贝标题 "] = f"{order.items[0].model};{order.items[1].title}"
    _orders(world, order, "M-ORD-ITEMS", "items_no_color_size", ITEMS, "first item without colour and size")
    for ratio in (Decimal("0.35"), Decimal("0.42")):
        order = _pick(world, lambda o: _in_month(o) and o.goods == o.original and o.original >= 120)
        order.goods = (order.original * ratio).quantize(Decimal("0.01"))
        _orders(world, order, "M-ORD-PRICE", "price_change", "买家应付货款",
                f"price changed from {order.original} to {order.goods} (more than 50 %)")
    order = _pick(world, lambda o: _in_month(o) and o.province_short in ("新疆", "西藏"))
    order.postage -= Decimal("8.00")
    _orders(world, order, "M-ORD-FREIGHT", "postage_mismatch", "买家应付邮费",
            f"postage {order.postage} lacks the remote surcharge for {order.province_short}")
    order = _pick(world, lambda o: _in_month(o) and o.province_short == "广东")
    order.postage = Decimal("0.00")
    _orders(world, order, "M-ORD-FREIGHT", "postage_mismatch", "买家应付邮费", "postage 0 although the rate card charges")


def _late(world: World, order: Order, paid_at: dt.datetime, ship_on: dt.date, detail: str) -> None:
    """Paid at `paid_at`, taken by the agent on duty (red remark with the name), shipped too late."""
    order.created_at = paid_at - dt.timedelta(minutes=world.rng.randint(2, 15))
    order.paid_at = paid_at
    order.agent = agent_at(world, paid_at)
    order.flag, order.remark = "红", f"{order.agent}：{world.rng.choice(('尽快发货', '送小样', '周末才能收货'))}"
    settle(world, order, ship_on=ship_on)
    order.tags.add("late")
    _orders(world, order, "M-ORD-SHIP1D", "ship_late", "发货时间", detail)


def _late_shipping(world: World) -> None:
    """Late across National Day, late because Saturday 10-10 is a working day, and an ordinary late one."""
    on = lambda day: lambda o: o.created_at.date() == day and o.payment == "支付宝"  # noqa: E731
    order = _pick(world, on(dt.date(2026, 9, 30)))
    _late(world, order, dt.datetime(2026, 9, 30, 20, 40, 12), dt.date(2026, 10, 9),
          "paid 09-30 evening, shipped 10-09: the next working day after National Day was 10-08")
    order = _pick(world, on(dt.date(2026, 10, 9)))
    _late(world, order, dt.datetime(2026, 10, 9, 10, 37, 5), dt.date(2026, 10, 12),
          "paid Friday 10-09, shipped Monday 10-12: Saturday 10-10 was a make-up working day")
    order = _pick(world, on(dt.date(2026, 10, 14)))
    _late(world, order, dt.datetime(2026, 10, 14, 11, 2, 48), dt.date(2026, 10, 16),
          "paid Wednesday 10-14, shipped Friday 10-16")
    # Clean near-miss (not a problem): paid Friday 10-16 evening, shipped Monday 10-19 is on time.
    order = _pick(world, lambda o: o.created_at.date() == dt.date(2026, 10, 16) and o.created_at.hour >= 18)
    order.tags.add("near_miss")
    settle(world, order, ship_on=dt.date(2026, 10, 19))


def _cod(world: World) -> None:
    for minutes in (47, 185):
        order = _pick(world, lambda o: _in_month(o) and o.created_at.hour < 13)
        order.payment, order.paid_at = "货到付款", None
        order.contacted_at = order.created_at + dt.timedelta(minutes=minutes)
        settle(world, order)
        _orders(world, order, "M-ORD-COD", "cod_contact_late", "联系时间",
                f"cash-on-delivery order contacted {minutes} minutes after ordering")


def _remarks(world: World) -> None:
    rng = world.rng
    not_promo = lambda o: _in_month(o) and o.agent  # noqa: E731
    for _ in range(2):
        order = _pick(world, lambda o: not_promo(o) and o.flag == "红")
        order.remark = order.remark.split("：", 1)[1]
        _orders(world, order, "M-FLAG-RED", "remark_red_no_name", REMARK, "red flag without the agent's name")
    order = _pick(world, lambda o: not_promo(o) and o.flag == "红")
    order.flag, order.remark = "绿", f"快递截单 {order.agent}"
    _orders(world, order, "M-FLAG-GREEN", "remark_green_incomplete", REMARK, "green flag without a date")
    order = _pick(world, lambda o: not_promo(o) and o.flag == "红")
    order.flag, order.remark = "绿", f"{order.shipped_at.month}/{order.shipped_at.day} {order.agent}"
    _orders(world, order, "M-FLAG-GREEN", "remark_green_incomplete", REMARK, "green flag without a reason")
    for order in rng.sample([o for o in world.clean_orders(shipped=True) if not_promo(o) and o.flag == "红"], 6):
        day = order.shipped_at.date()
        order.flag = "绿"
        order.remark = f"{day.month}/{day.day} {rng.choice(('快递截单', '买家要求改地址', '地址超区改派'))} {order.agent}"
        order.tags.add("green_clean")


# ---- after-sales: before shipments exist -------------------------------------------------------------

def _signed_by(day: dt.date):
    return lambda o: o.signed_at is not None and o.signed_at.date() <= day and _in_month(o)


def plant_after_sales(world: World) -> None:
    """Exchanges with one problem each (the new shipment always lands inside the month)."""
    signed = _signed_by(dt.date(2026, 10, 18))
    for days in (11, 9):
        order = _pick(world, _signed_by(dt.date(2026, 10, 14)))
        row = add_exchange(world, order, registered=order.signed_at.date() + dt.timedelta(days=days), reason="尺码不合适")
        world.plant("validation", "M-AS-WINDOW", "exchange_late", "returns", row, "登记日期", order.order_id,
                    f"exchange registered {days} days after sign-for (7 allowed)")
        _orders(world, order, "M-AS-WINDOW", "exchange_late", REMARK, f"purple remark dated {days} days after sign-for")
    for reason, payer, why in (("尺码不合适", "卖家", "size exchange with the shop paying the postage (buyer pays)"),
                               ("质量问题", "买家", "quality problem with the buyer paying the postage (shop pays)")):
        order = _pick(world, signed)
        row = add_exchange(world, order, registered=order.signed_at.date() + dt.timedelta(days=2), reason=reason,
                           postage_by=payer)
        world.plant("validation", "M-AS-FREIGHT", "postage_wrong_party", "returns", row, "运费承担", order.order_id, why)
    for reason in ("颜色不喜欢", "尺码不合适"):
        order = _pick(world, signed)
        row = add_exchange(world, order, registered=order.signed_at.date() + dt.timedelta(days=2), reason=reason,
                           new_waybill_written=False)
        world.plant("validation", "M-ORD-DUP", "exchange_no_waybill", "returns", row, "新快递单号", order.order_id,
                    "exchange shipped without the new waybill recorded")
        _orders(world, order, "M-ORD-DUP", "exchange_no_waybill", REMARK, "purple remark of an exchange without the new waybill")
    for _ in range(2):
        order = _pick(world, signed)
        row = add_exchange(world, order, registered=order.signed_at.date() + dt.timedelta(days=1), reason="尺码不合适",
                           freight_collect=True)
        world.plant("validation", "M-AS-EXPRESS", "exchange_freight_collect", "returns", row, "到付", order.order_id,
                    "exchange sent freight-collect (到付)")
    _purple_and_blue(world)


def _purple_and_blue(world: World) -> None:
    """Remark-convention breaches on exchange (purple) and refund (blue) remarks."""
    exchanges = [r for r in world.exchanges if r["_kind"] == "换货" and "planted" not in r["_order"].tags]
    for row in world.rng.sample(exchanges, 2):
        order = row["_order"]
        order.remark = re.sub(r" 差价\S+| 运费\S+", "", order.remark)
        order.tags.add("planted")
        _orders(world, order, "M-FLAG-PURPLE", "remark_purple_incomplete", REMARK,
                "purple remark without price difference and postage")
    refunds = [r for r in world.exchanges if r["_kind"] in ("退款", "退货") and "planted" not in r["_order"].tags]
    for row in world.rng.sample(refunds, 2):
        order = row["_order"]
        words = order.remark.split(" ")
        order.remark = " ".join([words[0], words[1], *words[3:]])  # drop the reason
        order.tags.add("planted")
        _orders(world, order, "M-FLAG-BLUE", "remark_blue_incomplete", REMARK, "blue remark without the refund reason")


# ---- after shipments: waybills, duplicates, damaged ids ---------------------------------------------

def plant_order_waybills(world: World) -> None:
    orders = world.sheets["orders"].rows
    for _ in range(2):
        order = _pick(world, _in_month)
        order.cells["物流单号 "] = None
        _orders(world, order, "M-ORD-WAYBILL", "shipped_no_waybill", "物流单号", "shipped order without a waybill")
    order = _pick(world, lambda o: _in_month(o) and o.courier == "中通")
    order.cells["物流单号 "] = order.waybill[:10]
    _orders(world, order, "M-ORD-WAYBILL", "waybill_implausible", "物流单号", "中通 waybill with 10 digits")
    order = _pick(world, lambda o: _in_month(o) and o.courier == "顺丰")
    order.cells["物流单号 "] = order.waybill.replace("SF", "YT", 1)
    _orders(world, order, "M-ORD-WAYBILL", "waybill_implausible", "物流单号", "顺丰 order with a 圆通-shaped waybill")
    for courier in ("圆通", "中通"):
        first = _pick(world, lambda o, c=courier: _in_month(o) and o.courier == c)
        second = _pick(world, lambda o, c=courier: _in_month(o) and o.courier == c and o.flag != "紫")
        second.cells["物流单号 "] = first.waybill
        _orders(world, second, "M-ORD-DUP", "waybill_dup", "物流单号",
                f"waybill {first.waybill} also on order {first.order_id}, no exchange remark")
        _orders(world, first, "M-ORD-DUP", "waybill_dup", "物流单号",  # every row of the group is marked
                f"waybill {first.waybill} also on order {second.order_id}, no exchange remark")
    for _ in range(2):
        original = _pick(world, _in_month)
        copy = Order(**{**original.__dict__, "cells": dict(original.cells), "tags": {"dup_row", "planted"}})
        orders.insert(orders.index(original) + 1, copy)  # the sheet's rows are world.orders
        _orders(world, copy, "M-ORD-DUP", "order_dup", "订单编号", "the same order exported twice")
        _orders(world, original, "M-ORD-DUP", "order_dup", "订单编号", "the same order exported twice (the first row)")
    for _ in range(2):
        order = _pick(world, _in_month)
        order.cells["订单编号"] = float(order.order_id)
        _orders(world, order, "M-ORD-DUP", "order_id_damaged", "订单编号",
                "order id stored by Excel as a number: digits past the 15th lost", code="coerce.id_damaged")


# ---- stock and movements --------------------------------------------------------------------------

def plant_stock(world: World) -> None:
    rng = world.rng
    demand = open_demand(world)
    latest = latest_counts(world)
    free = [sku for sku in latest if demand.get(sku, 0) == 0]
    rng.shuffle(free)
    stock = world.sheets["stock"].rows
    for last_count in (dt.date(2026, 10, 14), dt.date(2026, 10, 21)):
        sku = free.pop()
        for row in [r for r in stock if r["_sku"] == sku and r["盘点日期"] > last_count]:
            stock.remove(row)
        old = latest_counts(world)[sku]
        world.plant("validation", "M-STK-WEEKLY", "stock_count_old", "stock", old, "盘点日期", sku,
                    f"last count {last_count:%m-%d}, more than 7 days before the month's end")
    row = latest[free.pop()]
    row["页面库存"] = row["实际库存"] + 12
    world.plant("validation", "M-STK-PAGE", "stock_page_diff", "stock", row, "页面库存", row["_sku"],
                f"listed {row['页面库存']} but real stock {row['实际库存']}")
    row = latest[free.pop()]
    row["补货点"] = row["实际库存"] + 5
    world.plant("validation", "M-STK-LOW", "stock_low", "stock", row, "实际库存", row["_sku"],
                f"real stock {row['实际库存']} at/below the reorder point {row['补货点']}")
    _negative(world, free.pop())
    _count_mismatch(world, free.pop(), dt.date(2026, 10, 21), 3)
    _count_mismatch(world, free.pop(), dt.date(2026, 10, 14), 2)
    _oversell(world)
    inbound = [m for m in world.sheets["movements"].rows if m["类型"] == "入库"]
    for movement in rng.sample(inbound, 2):
        movement["检验结果"] = None
        world.plant("validation", "M-STK-IN", "inbound_no_inspection", "movements", movement, "检验结果",
                    movement["商家编码"], "inbound without an inspection result")


def _series(world: World, sku: str) -> list[dict]:
    return sorted((r for r in world.sheets["stock"].rows if r["_sku"] == sku), key=lambda r: r["盘点日期"])


def _bulk_out(world: World, sku: str, day: dt.date, quantity: int) -> None:
    """A registered bulk outbound (a live-stream wholesale order) just before the last count."""
    row = next(m for m in world.sheets["movements"].rows if m["商家编码"] == sku)
    movement = {**row, "日期": day, "类型": "出库", "数量": quantity, "检验结果": None, "仓库": "正品库",
                "订单编号": None, "经手人": "郑磊", "备注": "直播间批发出库"}
    movements = world.sheets["movements"].rows
    position = next(i for i, m in enumerate(movements) if m["日期"] > day)
    movements.insert(position, movement)
    last = _series(world, sku)[-1]
    last["实际库存"] -= quantity
    last["页面库存"] -= quantity


def _negative(world: World, sku: str) -> None:
    """More registered outbound than the goods on hand: the last count is negative."""
    last = _series(world, sku)[-1]
    _bulk_out(world, sku, dt.date(2026, 10, 27), last["实际库存"] + 2)
    last["页面库存"] = 0
    world.plant("validation", "M-STK-LOW", "stock_negative", "stock", last, "实际库存", sku, f"real stock {last['实际库存']}")
    world.plant("validation", "M-STK-LOW", "stock_low", "stock", last, "实际库存", sku,
                "negative stock is also below the reorder point (STK004 says so; STK003 is for 0 and up)", rule="STK004")
    world.plant("validation", "M-STK-PAGE", "stock_page_diff", "stock", last, "页面库存", sku,
                "listed 0 while the real stock is negative")


def _count_mismatch(world: World, sku: str, from_day: dt.date, lost: int) -> None:
    """Pieces lost between two counts, never registered: every count from `from_day` on is lower."""
    series = _series(world, sku)
    for row in series:
        if row["盘点日期"] >= from_day:
            row["实际库存"] -= lost
            row["页面库存"] -= lost
    row = next(r for r in series if r["盘点日期"] == from_day)
    world.plant("validation", "M-STK-WEEKLY", "stock_count_mismatch", "stock", row, "实际库存", sku,
                f"the previous count + inbound - outbound is {lost} more than the count of {from_day:%m-%d}")


def _oversell(world: World) -> None:
    """A hot SKU: a bulk outbound left fewer pieces than the paid-not-shipped orders need."""
    demand = open_demand(world)
    sku, wanted = max(demand.items(), key=lambda kv: kv[1])
    last = _series(world, sku)[-1]
    _bulk_out(world, sku, dt.date(2026, 10, 26), last["实际库存"] - (wanted - 1))
    last["补货点"] = 0
    world.plant("validation", "M-STK-LOW", "stock_oversell", "stock", last, "实际库存", sku,
                f"{wanted} pieces paid and not shipped, real stock {last['实际库存']}")


# ---- handover --------------------------------------------------------------------------------------

def plant_handover(world: World) -> None:
    rows = world.sheets["handover"].rows
    for day, shift in ((dt.date(2026, 10, 14), "白班"), (dt.date(2026, 10, 27), "晚班")):
        for row in [r for r in rows if r["日期"] == day and r["班次"] == shift]:
            rows.remove(row)
        world.plant("validation", "M-HANDOVER", "handover_missing", "handover", None, None, f"{day} {shift}",
                    f"no {shift} handover on {day:%m-%d}")
    for day, column, why in ((dt.date(2026, 10, 16), "接班人", "without the person taking over"),
                             (dt.date(2026, 10, 22), "交接内容", "without its content")):
        row = world.rng.choice([r for r in rows if r["日期"] == day])
        row[column] = None
        world.plant("validation", "M-HANDOVER", "handover_missing_field", "handover", row, column,
                    f"{row['日期']} {row['班次']}", f"handover row {why}")
    open_items = [r for r in rows if dt.date(2026, 10, 19) <= r["日期"] <= dt.date(2026, 10, 23) and r["类型"] != "其他"]
    for row in world.rng.sample(open_items, 2):
        row["处理状态"], row["解决日期"] = "处理中", None
        world.plant("validation", "M-HANDOVER", "handover_unresolved", "handover", row, "处理状态",
                    f"{row['日期']} {row['班次']}", f"item from {row['日期']:%m-%d} still unresolved at the month's end")
    reviews = world.sheets["reviews"].rows
    good = [r for r in reviews if r["评价"] == "好评" and dt.date(2026, 10, 15) <= r["评价日期"] <= dt.date(2026, 10, 25)]
    for review, text in zip(world.rng.sample(good, 2), ("穿了一次就开线了", "和图片完全不一样"), strict=True):
        review.update({"评价": "差评", "评价内容": text, "针对服务": "否", "表扬/批评": None, "处理状态": "处理中"})
        world.plant("validation", "M-AS-BADREV", "badreview_not_handed_over", "reviews", review, "处理状态",
                    review["订单编号"], "unresolved bad review not in the handover book")


def check_clean_rules(world: World) -> None:
    """Guards the generator: clean rows must not trip the checks we can compute here."""
    assert AS_OF.date() == MONTH_END
    demand = open_demand(world)
    latest = latest_counts(world)
    for sku, count in latest.items():
        if sku not in {p.key for p in world.problems if p.sheet == "stock"}:
            assert count["实际库存"] > count["补货点"] and demand.get(sku, 0) <= count["实际库存"], sku
