"""Derived clean sheets: after-sales (returns/exchanges), shipments, stubs, stock and movements."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from . import reference as ref
from .model import AS_OF, MONTH_END, Order, Sheet, World
from .rates import CARDS
from .world import DEFAULT_COURIER, agent_at, at, catalogue, duty_agent, remark_date, settle

RETURNS_HEADERS = ["登记日期", "订单编号", "类型", "原因", "签收日期", "商家编码", "商品", "换货内容", "运费承担", "运费",
                   "差价", "退款金额", "到付", "快递公司", "退回单号", "新快递单号", "物流状态", "是否完整", "客服", "跟进情况",
                   "退件到货日期"]
SHIPMENT_HEADERS = ["发货日期", "订单编号", "快递公司", "快递单号", "目的省份", "重量(kg)", "发货商品", "打包人", "备注"]
STUB_HEADERS = ["揽收日期", "快递公司", "快递单号", "底单重量(kg)", "底单运费", "快递员", "底单状态", "已归档", "备注"]
STOCK_HEADERS = ["商家编码", "商品名称", "颜色", "尺码", "页面库存", "实际库存", "补货点", "盘点日期", "盘点人", "本周销量", "库位"]
MOVEMENT_HEADERS = ["日期", "类型", "商家编码", "商品名称", "颜色", "尺码", "数量", "检验结果", "仓库", "订单编号", "经手人", "备注"]
COUNT_DAYS = (dt.date(2026, 9, 30), dt.date(2026, 10, 8), dt.date(2026, 10, 14), dt.date(2026, 10, 21), dt.date(2026, 10, 28))
REORDER_POINT = 10
RESTOCK_BELOW = 30
ARCHIVE_AFTER_DAYS = 15
BUYER_PAYS = ("尺码不合适", "颜色不喜欢", "色差", "七天无理由")
SHOP_PAYS = ("质量问题", "发错货")
WAREHOUSE = ("郑磊", "吴强")


def _agent_for(world: World, order: Order, moment: dt.datetime) -> str:
    return order.agent or agent_at(world, moment.replace(hour=10)) or duty_agent(world, moment.date())


def _returns_sheet(world: World) -> Sheet:
    if "returns" not in world.sheets:
        world.sheets["returns"] = Sheet("售后.xlsx", "退换货登记", "returns", RETURNS_HEADERS,
                                        title=[["退换货登记表（2026年10月）"]])
    return world.sheets["returns"]


def add_exchange(world: World, order: Order, *, registered: dt.date, reason: str, postage_by: str | None = None,
                 freight_collect: bool = False, new_waybill_written: bool = True) -> dict:
    """An exchange of a signed order: the buyer sends it back, the shop ships the new item (M-AS-*)."""
    rng = world.rng
    old = order.items[0]
    sizes = next(m[5] for m in ref.MODELS if m[1] == old.model)
    new_size = next((s for s in sizes if s != old.size), old.size)
    new_item = next(i for i in catalogue() if i.model == old.model and i.color == old.color and i.size == new_size)
    postage_by = postage_by or ("卖家" if reason in SHOP_PAYS else "买家")
    ship_on = world.calendar.next_workday(registered + dt.timedelta(days=rng.randint(1, 2)))
    new_waybill = world.waybill("中通")
    agent = _agent_for(world, order, dt.datetime.combine(registered, dt.time(10)))
    postage = Decimal("10.00")
    payer = f"运费{postage_by}承担{postage:.0f}元"
    waybill_note = f" 新单号{new_waybill}" if new_waybill_written else ""
    order.flag = "紫"
    order.remark = (f"{remark_date(world, registered)} 换货 {old.color}{old.size}换{new_item.color}{new_item.size} "
                    f"差价0 {payer}{waybill_note} {agent}")
    order.agent = agent
    order.tags.add("exchange")
    row = {
        "登记日期": registered, "订单编号": order.order_id, "类型": "换货", "原因": reason,
        "签收日期": order.signed_at.date(), "商家编码": old.sku, "商品": old.title, "换货内容": new_item.title,
        "运费承担": postage_by, "运费": postage, "差价": Decimal("0.00"), "退款金额": None,
        "到付": "是" if freight_collect else "否", "快递公司": rng.choice(("中通", "圆通")),
        "退回单号": world.waybill("中通") if rng.random() < 0.5 else world.waybill("圆通"),
        "新快递单号": new_waybill if new_waybill_written else None, "物流状态": "新货已发出", "是否完整": "是",
        "客服": agent, "跟进情况": "已完成",
        "_order": order, "_kind": "换货", "_new_item": new_item, "_new_waybill": new_waybill, "_ship_on": ship_on,
        "_back_on": registered + dt.timedelta(days=1), "_defective": reason in SHOP_PAYS,
    }
    world.exchanges.append(row)
    return row


def add_return(world: World, order: Order, *, registered: dt.date, reason: str) -> dict:
    postage_by = "卖家" if reason in SHOP_PAYS else "买家"
    agent = _agent_for(world, order, dt.datetime.combine(registered, dt.time(10)))
    order.flag, order.agent, order.returned = "蓝", agent, True
    order.refund, order.closed_reason = order.goods, "退款成功"
    order.remark = f"{remark_date(world, registered)} 退货退款 {reason} 运费{postage_by}承担10元 {agent}"
    order.tags.add("return")
    row = {
        "登记日期": registered, "订单编号": order.order_id, "类型": "退货", "原因": reason,
        "签收日期": order.signed_at.date(), "商家编码": order.items[0].sku, "商品": order.items[0].title, "换货内容": None,
        "运费承担": postage_by, "运费": Decimal("10.00"), "差价": None, "退款金额": order.goods, "到付": "否",
        "快递公司": "中通", "退回单号": world.waybill("中通"), "新快递单号": None, "物流状态": "已退回仓库",
        "是否完整": "是", "客服": agent, "跟进情况": "已退款",
        "_order": order, "_kind": "退货", "_back_on": registered + dt.timedelta(days=2), "_defective": reason in SHOP_PAYS,
    }
    world.exchanges.append(row)
    return row


def add_refund(world: World, order: Order, reason: str) -> dict:
    """Refunded before shipping: the order is closed and never shipped."""
    when = order.paid_at + dt.timedelta(hours=world.rng.randint(1, 3))
    agent = _agent_for(world, order, when)
    order.refunded_before_ship, order.flag, order.agent = True, "蓝", agent
    order.refund, order.closed_reason = order.total, "买家申请退款，退款成功"
    order.remark = f"{remark_date(world, when.date())} 退款 {reason} 运费{order.postage}元已退 {agent}"
    order.tags.add("refund")
    settle(world, order)
    order.waybill = None
    row = {
        "登记日期": when.date(), "订单编号": order.order_id, "类型": "退款", "原因": reason, "签收日期": None,
        "商家编码": order.items[0].sku, "商品": order.items[0].title, "换货内容": None, "运费承担": None, "运费": None,
        "差价": None, "退款金额": order.total, "到付": None, "快递公司": None, "退回单号": None, "新快递单号": None,
        "物流状态": "未发货", "是否完整": None, "客服": agent, "跟进情况": "已退款", "_order": order, "_kind": "退款",
    }
    world.exchanges.append(row)
    return row


def make_after_sales(world: World) -> None:
    rng = world.rng
    paid = [o for o in world.clean_orders() if o.paid_at and o.paid_at.date() < MONTH_END and o.courier == DEFAULT_COURIER]
    for order in rng.sample(paid, 30):
        if not order.tags:
            add_refund(world, order, rng.choice(("拍错了", "不想要了", "地址填错重新下单", "买多了")))
    signed = [o for o in world.clean_orders(shipped=True) if o.signed_at and o.signed_at.date() <= dt.date(2026, 10, 22)]
    picks = rng.sample(signed, 70)
    for order in picks[:40]:
        reason = rng.choices(("尺码不合适", "颜色不喜欢", "质量问题", "色差", "发错货"), (50, 15, 15, 12, 8))[0]
        add_exchange(world, order, registered=order.signed_at.date() + dt.timedelta(days=rng.randint(1, 5)), reason=reason)
    for order in picks[40:]:
        reason = rng.choices(("七天无理由", "尺码不合适", "质量问题", "色差"), (40, 30, 20, 10))[0]
        add_return(world, order, registered=order.signed_at.date() + dt.timedelta(days=rng.randint(1, 6)), reason=reason)


def finish_returns(world: World) -> None:
    sheet = _returns_sheet(world)
    for row in world.exchanges:  # M-AS-RESEND: when the returned goods arrived (none for a refund)
        back = row.get("_back_on")
        row["退件到货日期"] = back if back is not None and back <= MONTH_END else None
    sheet.rows = sorted(world.exchanges, key=lambda r: (r["登记日期"], r["订单编号"]))


def make_shipments(world: World) -> None:
    rng = world.rng
    rows = []
    for order in world.orders:
        if order.shipped_at is None or "dup_row" in order.tags:
            continue
        rows.append(_shipment(world, order.shipped_at, order, order.courier, order.waybill,
                              ";".join(i.title for i in order.items), order.weight, ""))
    for ex in world.exchanges:
        if ex["_kind"] == "换货":
            when = at(world, ex["_ship_on"], (16, 0), (18, 30))
            item = ex["_new_item"]
            rows.append(_shipment(world, when, ex["_order"], "中通", ex["_new_waybill"], item.title,
                                  item.weight + ref.PACKAGING_KG, "换货补发"))
    rows.sort(key=lambda r: (r["_at"], r["快递单号"]))
    for row in rows:
        row["打包人"] = rng.choice(WAREHOUSE)
    world.shipments = rows
    world.sheets["shipments"] = Sheet("发货.xlsx", "发货登记", "shipments", SHIPMENT_HEADERS, rows)
    world.sheets["stubs"] = Sheet("发货.xlsx", "快递底单", "stubs", STUB_HEADERS, [_stub(world, s) for s in rows],
                                  title=[["快递底单登记（2026年10月）"], ["按日期、快递公司归档；丢件/破损/无法送达的底单单独存放"]])


def _shipment(world: World, when: dt.datetime, order: Order, courier: str, waybill: str, items: str,
              weight: Decimal, note: str) -> dict:
    return {"发货日期": when.date(), "订单编号": order.order_id, "快递公司": courier, "快递单号": waybill,
            "目的省份": order.province_short, "重量(kg)": weight, "发货商品": items, "打包人": None, "备注": note,
            "_at": when, "_order": order, "_courier": courier, "_province": order.province_short, "_weight": weight}


def _stub(world: World, shipment: dict) -> dict:
    rng = world.rng
    weight = shipment["_weight"]
    if rng.random() < 0.3:
        weight += rng.choice((Decimal("-0.02"), Decimal("-0.01"), Decimal("0.01"), Decimal("0.02")))
    day = shipment["发货日期"]
    archived = (AS_OF.date() - day).days >= ARCHIVE_AFTER_DAYS
    card = CARDS[shipment["_courier"]]
    return {"揽收日期": day, "快递公司": shipment["_courier"], "快递单号": shipment["快递单号"], "底单重量(kg)": weight,
            "底单运费": card.expected_fee(shipment["_province"], shipment["_weight"]),
            "快递员": rng.choice(ref.COURIER_STAFF[shipment["_courier"]]), "底单状态": "正常",
            "已归档": "是" if archived else "否", "备注": None, "_shipment": shipment}


def stub_of(world: World, waybill: str) -> dict | None:
    return next((s for s in world.sheets["stubs"].rows if s["快递单号"] == waybill), None)


# ---- stock -------------------------------------------------------------------------------------

def make_stock(world: World) -> None:
    """Simulate each SKU through the month: daily outbound from shipments, returns, restocks, weekly counts."""
    rng = world.rng
    items = {i.sku: i for i in catalogue()}
    sku_of = {item.title: sku for sku, item in items.items()}
    assert len(sku_of) == len(items)  # a title names one SKU
    out: dict[tuple[dt.date, str], int] = defaultdict(int)
    for shipment in world.shipments:
        for title in shipment["发货商品"].split(";"):
            if title in sku_of:
                out[(shipment["发货日期"], sku_of[title])] += 1
    back: list[tuple[dt.date, str, str, bool]] = []
    for ex in world.exchanges:
        if ex["_kind"] in ("换货", "退货") and ex["_back_on"] <= MONTH_END:
            back.append((ex["_back_on"], ex["商家编码"], ex["订单编号"], ex["_defective"]))
    movements, counts = [], []
    stock = {sku: rng.randint(45, 90) for sku in items}
    world.stock_start = dict(stock)
    day = COUNT_DAYS[0] + dt.timedelta(days=1)
    weekly: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
    _count_rows(world, counts, items, stock, COUNT_DAYS[0], weekly)
    while day <= MONTH_END:
        for back_day, sku, order_id, defective in back:
            if back_day == day:
                kind = "残次入库" if defective else "退货入库"
                movements.append(_movement(day, kind, items[sku], 1, "不合格" if defective else "合格",
                                           "残次库" if defective else "正品库", order_id, "吴强", "买家退回"))
                if not defective:
                    stock[sku] += 1
        for sku, item in items.items():
            shipped = out.get((day, sku), 0)
            if world.calendar.is_workday(day) and stock[sku] - shipped < RESTOCK_BELOW:
                amount = 60
                movements.append(_movement(day, "入库", item, amount, "合格", "正品库", None, "吴强", "工厂补货到货"))
                stock[sku] += amount
            if shipped:
                movements.append(_movement(day, "出库", item, shipped, None, "正品库", None, "郑磊", "当日发货"))
                stock[sku] -= shipped
                weekly[sku].append((day, shipped))
        if day in COUNT_DAYS:
            _count_rows(world, counts, items, stock, day, weekly)
        day += dt.timedelta(days=1)
    order_kinds = {"入库": 0, "退货入库": 1, "残次入库": 2, "出库": 3}
    movements.sort(key=lambda m: (m["日期"], order_kinds[m["类型"]], m["商家编码"]))
    world.sheets["stock"] = Sheet("库存.xlsx", "库存盘点", "stock", STOCK_HEADERS, counts,
                                  title=[["库存盘点表（每周三盘点）"], ["仓库：杭州余杭仓", None, None, "盘点人：吴强"]])
    world.sheets["movements"] = Sheet("库存.xlsx", "出入库登记", "movements", MOVEMENT_HEADERS, movements)


def _count_rows(world: World, counts: list, items: dict, stock: dict, day: dt.date, weekly: dict) -> None:
    for position, (sku, item) in enumerate(items.items()):
        sold = sum(n for d, n in weekly[sku] if day - dt.timedelta(days=7) < d <= day)
        counts.append({"商家编码": sku, "商品名称": item.model, "颜色": item.color, "尺码": item.size,
                       "页面库存": stock[sku], "实际库存": stock[sku], "补货点": REORDER_POINT, "盘点日期": day,
                       "盘点人": "吴强", "本周销量": sold, "库位": f"{'ABCDEF'[position // 15]}-{position % 15 + 1:02d}",
                       "_sku": sku})


def _movement(day: dt.date, kind: str, item, quantity: int, inspection: str | None, warehouse: str,
              order_id: str | None, person: str, note: str) -> dict:
    return {"日期": day, "类型": kind, "商家编码": item.sku, "商品名称": item.model, "颜色": item.color,
            "尺码": item.size, "数量": quantity, "检验结果": inspection, "仓库": warehouse, "订单编号": order_id,
            "经手人": person, "备注": note}


def latest_counts(world: World) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for row in world.sheets["stock"].rows:
        if row["_sku"] not in latest or row["盘点日期"] >= latest[row["_sku"]]["盘点日期"]:
            latest[row["_sku"]] = row
    return latest


def open_demand(world: World) -> dict[str, int]:
    """Paid-not-shipped items per SKU at the month's end (oversell risk)."""
    demand: dict[str, int] = defaultdict(int)
    for order in world.orders:
        if order.status == "买家已付款，等待卖家发货" and "dup_row" not in order.tags:
            for item in order.items:
                demand[item.sku] += 1
    return demand
