"""Plants at the rules' thresholds, and a plant for every rule code the other plant modules leave out
(issue 11 §5). Each threshold gets a planted case just outside and a clean near-miss just inside; the
dates, times and amounts are written here as literals, never computed with the rules' calendar code.

Phases (called from automation.demo.generate in this order):
- plant_order_rules      orders, before shipments exist;
- plant_after_sales_rules returns, before shipments exist;
- plant_shipping_rules   shipments and stubs, before stock is simulated;
- plant_stock_rules      movements, after stock;
- plant_book_rules       staff, service statistics, messages, weekly summaries, after the books.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .model import HEADER, Formula, Order, World
from .plant_people import _pen
from .world import catalogue, settle
from .world_logistics import add_exchange, add_return, finish_returns

REMARK = "订单备注"
T = dt.datetime


def _pick(world: World, predicate, *, shipped: bool | None = True) -> Order:
    order = world.rng.choice([o for o in world.clean_orders(shipped=shipped) if predicate(o)])
    order.tags.add("planted")
    return order


def _near_miss(world: World, predicate, *, shipped: bool | None = True) -> Order:
    """A clean order moved to just inside a threshold: tagged so no later plant takes it."""
    order = world.rng.choice([o for o in world.clean_orders(shipped=shipped) if predicate(o)])
    order.tags.add("near_miss")
    return order


def _orders(world: World, order: Order, clause: str, category: str, column: str, detail: str, **extra) -> None:
    world.plant("validation", clause, category, "orders", order, column, order.order_id, detail, **extra)


def _on(day: dt.date):
    """Orders created that day, not in the promotion, taken by an agent (red remark with a name)."""
    return lambda o: o.created_at.date() == day and o.payment == "支付宝" and o.flag == "红" and o.agent


def _move(world: World, order: Order, created: dt.datetime, paid: dt.datetime | None, ship_on: dt.date | None = None) -> None:
    order.created_at, order.paid_at = created, paid
    settle(world, order, ship_on=ship_on)


# ---- orders ------------------------------------------------------------------------------------------

def plant_order_rules(world: World) -> None:
    _price_threshold(world)
    _cod_threshold(world)
    _chase_threshold(world)
    _same_day_threshold(world)
    _order_fields(world)
    _remark_rules(world)


def _price_threshold(world: World) -> None:
    """M-ORD-PRICE 50 % ± 1 %: 100.00 -> 49.00 is a 51 % change (planted), 100.00 -> 51.00 a 49 % one."""
    for goods, planted in ((Decimal("49.00"), True), (Decimal("51.00"), False), (Decimal("50.00"), False)):
        pick = _pick if planted else _near_miss
        order = pick(world, lambda o: o.goods == o.original and 10 <= o.created_at.day <= 18)
        order.original, order.goods = Decimal("100.00"), goods
        if planted:
            _orders(world, order, "M-ORD-PRICE", "price_change", "买家应付货款",
                    "price changed from 100.00 to 49.00: 51 %, just over the 50 % limit", rule="ORD009")


def _cod_threshold(world: World) -> None:
    """M-ORD-COD 30 min ± 1: contacted after 31 minutes (planted) or after exactly 30 (clean)."""
    for minutes, planted in ((31, True), (30, False)):
        pick = _pick if planted else _near_miss
        order = pick(world, lambda o: 10 <= o.created_at.day <= 18 and 9 <= o.created_at.hour < 13 and o.flag != "红")
        order.payment, order.paid_at = "货到付款", None
        order.contacted_at = order.created_at + dt.timedelta(minutes=minutes)
        settle(world, order)
        if planted:
            _orders(world, order, "M-ORD-COD", "cod_contact_late", "联系时间",
                    "cash-on-delivery order contacted 31 minutes after ordering (30 allowed)", rule="ORD016")


def _chase_threshold(world: World) -> None:
    """M-ORD-URGE, the 16:00 chase: placed 15:50 on Wed 10-14 and paid 16:01 with no chase recorded
    (planted); placed 15:50 and paid 15:59 needs none (clean)."""
    order = _pick(world, _on(dt.date(2026, 10, 14)))
    _move(world, order, T(2026, 10, 14, 15, 50, 10), T(2026, 10, 14, 16, 1, 0))
    order.cells["催付时间"] = None
    _orders(world, order, "M-ORD-URGE", "unpaid_not_chased", "订单创建时间",
            "placed 10-14 15:50, still unpaid at 16:00 (paid 16:01), no chase recorded", rule="ORD017", severity="warning")
    order = _near_miss(world, _on(dt.date(2026, 10, 15)))
    _move(world, order, T(2026, 10, 15, 15, 50, 10), T(2026, 10, 15, 15, 59, 0))


def _same_day_threshold(world: World) -> None:
    """M-SHIP-SAMEDAY 16:00: paid 15:59 on a working day and shipped the next day is a warning; paid
    16:00 and shipped the next day is on time; the make-up Saturday 10-10 is a working day too."""
    for day, paid, ship_on, planted, detail in (
            (dt.date(2026, 10, 20), T(2026, 10, 20, 15, 59, 0), dt.date(2026, 10, 21), True,
             "paid Tue 10-20 15:59, before the 16:00 cut-off, shipped 10-21"),
            (dt.date(2026, 10, 10), T(2026, 10, 10, 11, 20, 0), dt.date(2026, 10, 12), True,
             "paid on the make-up working Saturday 10-10 before 16:00, shipped Monday 10-12"),
            (dt.date(2026, 10, 21), T(2026, 10, 21, 16, 0, 0), dt.date(2026, 10, 22), False, "")):
        pick = _pick if planted else _near_miss
        order = pick(world, lambda o, d=day: o.created_at.date() == d and o.payment == "支付宝" and o.flag != "黄")
        _move(world, order, paid - dt.timedelta(minutes=5), paid, ship_on)
        if planted:
            _orders(world, order, "M-SHIP-SAMEDAY", "not_shipped_same_day", "发货时间", detail, rule="ORD018",
                    severity="warning")


def _order_fields(world: World) -> None:
    in_month = lambda o: 8 <= o.created_at.day <= 18  # noqa: E731
    order = _pick(world, in_month)
    order.cells["收货地址 "] = None
    _orders(world, order, "M-ORD-ADDR", "addr_missing", "收货地址", "paid order without an address", rule="ORD002")
    order = _pick(world, in_month)
    order.cells["联系手机"] = None
    _orders(world, order, "M-ORD-ADDR", "phone_missing", "联系手机", "paid order without a phone number", rule="ORD004")
    order = _pick(world, lambda o: in_month(o) and o.courier == "中通")
    order.cells["物流公司"] = None
    _orders(world, order, "M-ORD-WAYBILL", "shipped_no_courier", "物流公司", "shipped order without the courier",
            rule="ORD012")
    order = _pick(world, lambda o: in_month(o) and o.courier == "中通" and o.flag == "红" and o.agent)
    order.remark = f"{order.agent}：要发顺丰"
    _orders(world, order, "M-ORD-REQUEST", "courier_not_requested", "物流公司",
            "the remark says 要发顺丰, the parcel went by 中通", rule="ORD019")


def _remark_rules(world: World) -> None:
    in_month = lambda o: 8 <= o.created_at.day <= 18  # noqa: E731
    order = _pick(world, lambda o: in_month(o) and not o.flag and not o.remark)
    order.flag = "黄"
    _orders(world, order, "M-FLAG-YELLOW", "remark_yellow_empty", REMARK,
            "yellow flag with neither the agent's name nor 公共订单", rule="FLG002", severity="warning")
    order = _pick(world, lambda o: in_month(o) and o.flag == "红" and o.agent)
    order.remark = "【绿旗】" + order.remark
    _orders(world, order, "M-ORD-NOTE", "flag_disagrees", "旗帜", "flag column 红, the remark's marker says 绿旗",
            rule="FLG006", severity="warning")
    order = _pick(world, lambda o: in_month(o) and not o.flag and not o.remark)
    order.buyer_message = "请发之前打电话确认"
    _orders(world, order, "M-ORD-NOTE", "request_not_in_remark", REMARK,
            "buyer message with an empty seller remark", rule="FLG007", severity="warning")


# ---- after-sales ---------------------------------------------------------------------------------------

def _signed(first: dt.date, last: dt.date):
    return lambda o: o.signed_at is not None and first <= o.signed_at.date() <= last and o.flag != "紫"


def plant_after_sales_rules(world: World) -> None:
    """M-AS-WINDOW 7 days ± 1, M-AS-RESEND, M-AS-EXPRESS and M-AS-FREIGHT on remarks."""
    order = _pick(world, _signed(dt.date(2026, 10, 8), dt.date(2026, 10, 12)))
    signed = order.signed_at.date()
    row = add_exchange(world, order, registered=signed + dt.timedelta(days=8), reason="颜色不喜欢")
    world.plant("validation", "M-AS-WINDOW", "exchange_late", "returns", row, "登记日期", order.order_id,
                "exchange registered 8 days after sign-for: one day over the 7", rule="AS001")
    _orders(world, order, "M-AS-WINDOW", "exchange_late", REMARK, "purple remark dated 8 days after sign-for",
            rule="AS008", severity="warning")
    order = _near_miss(world, _signed(dt.date(2026, 10, 8), dt.date(2026, 10, 12)))
    add_exchange(world, order, registered=order.signed_at.date() + dt.timedelta(days=7), reason="颜色不喜欢")
    # M-AS-RESEND: registered Mon 10-12, the return arrives Tue 10-13; due out by Thu 10-15, sent Mon 10-19
    order = _pick(world, _signed(dt.date(2026, 10, 8), dt.date(2026, 10, 11)))
    row = add_exchange(world, order, registered=dt.date(2026, 10, 12), reason="尺码不合适")
    row["_back_on"], row["_ship_on"] = dt.date(2026, 10, 13), dt.date(2026, 10, 19)
    world.plant("validation", "M-AS-RESEND", "exchange_resent_late", "returns", row, "退件到货日期", order.order_id,
                "return arrived 10-13, exchange due out by 10-15 (2 working days), sent 10-19", rule="AS011")
    exchanges = [r for r in world.exchanges if r["_kind"] == "换货" and "planted" not in r["_order"].tags]
    row = world.rng.choice(exchanges)
    order = row["_order"]
    order.remark = order.remark.replace(next(w for w in order.remark.split() if w.startswith("运费")), "到付")
    order.tags.add("planted")
    _orders(world, order, "M-AS-EXPRESS", "remark_freight_collect", REMARK, "purple remark says 到付", rule="AS006")
    returns = [r for r in world.exchanges if r["_kind"] == "退货" and r["运费承担"] == "买家" and "planted" not in r["_order"].tags]
    row = world.rng.choice(returns)
    order = row["_order"]
    order.remark = order.remark.replace("运费买家承担", "运费卖家承担")
    order.tags.add("planted")
    _orders(world, order, "M-AS-FREIGHT", "remark_postage_wrong_party", REMARK,
            f"blue remark: reason {row['原因']} but 运费卖家承担", rule="AS007", severity="warning")


def plant_returns_log(world: World) -> None:
    """M-AS-LOG on the finished returns sheet: a missing 物流状态; an entry open 8 days at the month's
    end (registered 10-23, planted) next to one open 7 days (registered 10-24, clean)."""
    rows = world.sheets["returns"].rows
    free = [r for r in rows if "planted" not in r["_order"].tags and r["_kind"] in ("换货", "退货")]
    row = world.rng.choice(free)
    row["物流状态"] = None
    row["_order"].tags.add("planted")
    world.plant("validation", "M-AS-LOG", "after_sales_log_incomplete", "returns", row, "物流状态", row["订单编号"],
                "after-sales entry without its logistics status", rule="AS009")
    for day, planted in ((dt.date(2026, 10, 23), True), (dt.date(2026, 10, 24), False)):
        open_row = _registered_on(world, [r for r in free if r is not row and "planted" not in r["_order"].tags], day)
        if open_row is None:
            continue
        open_row["跟进情况"] = "等待买家寄回"
        open_row["_order"].tags.add("planted" if planted else "near_miss")
        if planted:
            world.plant("validation", "M-AS-LOG", "after_sales_open", "returns", open_row, "跟进情况", open_row["订单编号"],
                        "registered 10-23 and still waiting at 10-31: open 8 days (7 allowed)", rule="AS010",
                        severity="warning")


def _registered_on(world: World, free: list[dict], day: dt.date) -> dict | None:
    """A free after-sales entry registered on `day`. A month whose returns miss that day (seeds 5 and
    7 register none on 10-24) gets one: a free return, signed 1–6 days before `day` as the
    generator's are, registered again that day (its remark, agent and arrival follow the new date)."""
    found = [r for r in free if r["登记日期"] == day]
    if found:
        return world.rng.choice(found)
    movable = [r for r in free if r["_kind"] == "退货" and 1 <= (day - r["_order"].signed_at.date()).days <= 6]
    if not movable:
        return None
    old = world.rng.choice(movable)
    world.exchanges.remove(old)
    again = add_return(world, old["_order"], registered=day, reason=old["原因"])
    finish_returns(world)  # the arrival date and the sheet's order, as for every entry
    return again


# ---- shipments and stubs ---------------------------------------------------------------------------------

def plant_shipping_rules(world: World) -> None:
    own = [s for s in world.shipments if not s["备注"] and "planted" not in s["_order"].tags
           and len(s["_order"].items) == 1 and 8 <= s["发货日期"].day <= 20]
    shipment = world.rng.choice(own)
    item = shipment["_order"].items[0]
    other = next(i for i in catalogue() if i.model == item.model and i.color == item.color and i.size != item.size)
    shipment["发货商品"] = other.title
    shipment["_order"].tags.add("planted")
    world.plant("validation", "M-ORD-MATCH", "shipment_items_differ", "shipments", shipment, "发货商品",
                shipment["快递单号"], f"order {item.title}, shipped {other.title}", rule="SHP001")
    shipment = world.rng.choice([s for s in own if "planted" not in s["_order"].tags])
    shipment["打包人"] = None
    shipment["_order"].tags.add("planted")
    world.plant("validation", "M-SHIP-PACKER", "shipment_no_packer", "shipments", shipment, "打包人",
                shipment["快递单号"], "shipment without the packer's name", rule="SHP002")
    stubs = [s for s in world.sheets["stubs"].rows if s.get("_shipment") and "planted" not in s["_shipment"]["_order"].tags
             and 8 <= s["揽收日期"].day <= 20]
    stub = world.rng.choice(stubs)
    stub["快递员"] = None
    stub["_shipment"]["_order"].tags.add("planted")
    world.plant("validation", "M-CUR-SIGN", "stub_no_collector", "stubs", stub, "快递员", stub["快递单号"],
                "stub without the courier's collector", rule="SHP003")


# ---- movements -------------------------------------------------------------------------------------------

def plant_stock_rules(world: World) -> None:
    """M-STK-OUT: one day's outbound of a SKU after the last count (10-29/10-30) never registered, so
    the counts still follow; M-STK-DEFECT: a defective return booked into 正品库."""
    movements = world.sheets["movements"].rows
    late_out = [m for m in movements if m["类型"] == "出库" and m["日期"] in (dt.date(2026, 10, 29), dt.date(2026, 10, 30))]
    for movement in world.rng.sample(late_out, len(late_out)):
        title = f"{movement['商品名称']} {movement['颜色']} {movement['尺码']}"
        shipped = [s for s in world.shipments if s["发货日期"] == movement["日期"] and title in s["发货商品"].split(";")]
        if len(shipped) == 1 and "planted" not in shipped[0]["_order"].tags and len(shipped[0]["_order"].items) == 1:
            movements.remove(movement)
            shipped[0]["_order"].tags.add("planted")
            world.plant("validation", "M-STK-OUT", "outbound_missing", "shipments", shipped[0], "发货日期",
                        shipped[0]["快递单号"], f"{title} shipped {movement['日期']:%m-%d}, no outbound registered",
                        rule="STK008")
            break
    defects = [m for m in movements if m["类型"] == "残次入库"]
    if defects:
        movement = world.rng.choice(defects)
        movement["仓库"] = "正品库"
        world.plant("validation", "M-STK-DEFECT", "defect_to_saleable", "movements", movement, "仓库",
                    movement["商家编码"], "defective return booked into 正品库", rule="STK009")


# ---- staff, service statistics, messages, weekly summaries ------------------------------------------------

def plant_book_rules(world: World) -> None:
    from .world_books import enquiries_cover_messages

    _staff_and_first_reply(world)
    _message_threshold(world)
    enquiries_cover_messages(world)  # the messages planted above are registered enquiries too
    _daily_threshold(world)
    _weekly_makeup_saturday(world)
    _reading_problems(world)


def _staff_and_first_reply(world: World) -> None:
    staff = world.sheets["staff"].rows
    row = next(r for r in staff if r["姓名"] == "赵敏")
    row["班次"] = None
    world.plant("validation", "M-SHIFT", "agent_without_shift", "staff", row, "班次", "赵敏", "agent without a shift",
                rule="STF001", severity="warning")
    service = world.sheets["service"].rows
    for agent, day, seconds, planted in (("王芳", dt.date(2026, 10, 15), Decimal("46.0"), True),
                                         ("李娜", dt.date(2026, 10, 15), Decimal("45.0"), False)):
        row = next(r for r in service if r["客服"] == agent and r["日期"] == day)
        row["平均首次响应(秒)"] = seconds
        if planted:
            world.plant("validation", "M-PEN-FIRSTREPLY", "first_reply_slow", "service", row, "平均首次响应(秒)",
                        f"{agent} {day}", "first reply 46 s on average: over 45", rule="SVC001", severity="warning")


def _daily_threshold(world: World) -> None:
    """M-PEN-DAILY 10:00: 10-20's data registered 10-21 10:01 (late) and 09:59 (on time); 10-27's
    enquiries fewer than the message log's (错登)."""
    service = world.sheets["service"].rows
    for agent, registered, planted in (("陈晓燕", T(2026, 10, 21, 10, 1, 0), True), ("李娜", T(2026, 10, 21, 9, 59, 0), False)):
        row = next(r for r in service if r["客服"] == agent and r["日期"] == dt.date(2026, 10, 20))
        row["登记时间"] = registered
        if planted:
            _pen(world, "M-PEN-DAILY", "pen_daily_late", "service", row, "登记时间", f"{agent} 2026-10-20",
                 "10-20 registered 10-21 10:01, a minute after 10:00 of the next working day", agent, "1.5",
                 dt.date(2026, 10, 20))
    from .world_books import logged_messages

    logged = logged_messages(world)
    row = next(r for r in service if r["日期"] == dt.date(2026, 10, 27) and logged.get((r["客服"], r["日期"]), 0) >= 2)
    row["咨询人数"] = logged[(row["客服"], row["日期"])] - 1
    _pen(world, "M-PEN-DAILY", "pen_daily_wrong", "service", row, "咨询人数", f"{row['客服']} 2026-10-27",
         f"10-27 registered {row['咨询人数']} enquiries, one fewer than the messages in the log (错登)", row["客服"], "1.5",
         dt.date(2026, 10, 27))


def _message(world: World, person: str, received: dt.datetime, handled: dt.datetime) -> dict:
    rows = world.sheets["messages"].rows
    row = {"留言时间": received, "买家": f"tb{received:%m%d%H%M}", "处理客服": person, "处理时间": handled,
           "处理批注": "已回复", "留言内容": "请问有没有加大码？"}
    rows.insert(next(i for i, r in enumerate(rows) if r["留言时间"] > received), row)
    return row


def _message_threshold(world: World) -> None:
    """M-PEN-MSG: after 18:00 due 12:00 of the next working day (12:01 late, 11:59 on time); 17:59 is
    that day's enquiry, done before leaving (handled the next morning: late)."""
    for person, received, handled, planted, why in (
            ("刘洋", T(2026, 10, 14, 19, 30, 0), T(2026, 10, 15, 12, 1, 0), True, "after 18:00, due 10-15 12:00"),
            ("赵敏", T(2026, 10, 14, 19, 40, 0), T(2026, 10, 15, 11, 59, 0), False, ""),
            ("王芳", T(2026, 10, 20, 17, 59, 0), T(2026, 10, 21, 9, 30, 0), True, "before 18:00: due before leaving on 10-20")):
        row = _message(world, person, received, handled)
        if planted:
            _pen(world, "M-PEN-MSG", "pen_message_late", "messages", row, "处理时间", f"{person} {received:%Y-%m-%d %H:%M}",
                 f"message of {received:%m-%d %H:%M} handled {handled:%m-%d %H:%M}, {why}", person, "1.5", received.date())


def _weekly_makeup_saturday(world: World) -> None:
    """M-PEN-WEEKLY: week 41's last working day is the make-up Saturday 10-10: sent that evening is on
    time, sent Sunday 10-11 is late (dated 10-10)."""
    rows = world.sheets["submissions"].rows
    for person, sent, planted in (("陈晓燕", T(2026, 10, 10, 20, 0, 0), False), ("刘洋", T(2026, 10, 11, 10, 0, 0), True)):
        row = next(r for r in rows if r["报表类型"] == "周报" and r["提交人"] == person and r["所属期间"] == "2026-W41")
        row["提交时间"] = sent
        if planted:
            _pen(world, "M-PEN-WEEKLY", "pen_weekly_late", "submissions", row, "提交时间", f"{person} 2026-10-10",
                 "week 41's summary sent Sunday 10-11; due on the make-up Saturday 10-10", person, "0.5", dt.date(2026, 10, 10))


def _formula_problems(world: World, returns: list[dict]) -> None:
    """READ006–READ008 on the returns sheet, whose 运费 and 差价 no rule needs: a formula that failed
    (#REF!), one saved without its value, and the 客服 column copied to the end (a second 客服)."""
    row = next(r for r in returns if "planted" not in r["_order"].tags and r["运费"] is not None)
    row["运费"] = Formula("=#REF!*1", "#REF!")
    row["_order"].tags.add("planted")
    world.plant("validation", None, "formula_error", "returns", row, "运费", row["订单编号"],
                "postage a formula that fails (#REF!: its source row was deleted)", rule="READ006", code="read.cell_error")
    row = next(r for r in returns if "planted" not in r["_order"].tags and r["差价"] is not None)
    row["差价"] = Formula("=0*1", "")
    row["_order"].tags.add("planted")
    world.plant("validation", None, "formula_uncalculated", "returns", row, "差价", row["订单编号"],
                "price difference a formula saved without its value", rule="READ007", code="read.uncached")
    sheet = world.sheets["returns"]
    sheet.headers = [*sheet.headers, "客服"]  # the copy shows the same names; only the first column is read
    world.plant("validation", None, "header_duplicate", "returns", HEADER, "客服", "客服",
                "the 客服 column copied to the end of the sheet", rule="READ008", code="read.duplicate_header", severity="warning")


def _reading_problems(world: World) -> None:
    """Cells the reader cannot take as written (READ002–READ008), on columns no other check needs."""
    returns = [r for r in world.sheets["returns"].rows if "planted" not in r["_order"].tags]
    row = next(r for r in returns if str(r["退回单号"] or "").isdigit())
    row["退回单号"] = float(row["退回单号"])
    row["_order"].tags.add("planted")
    world.plant("validation", None, "waybill_as_number", "returns", row, "退回单号", row["订单编号"],
                "return waybill stored as a number (no digits lost yet)", rule="READ002", code="coerce.id_as_number",
                severity="info")
    row = next(r for r in returns if "planted" not in r["_order"].tags and r["运费"] is not None)
    row["运费"] = "十元"
    row["_order"].tags.add("planted")
    world.plant("validation", None, "money_unreadable", "returns", row, "运费", row["订单编号"], "postage written as 十元",
                rule="READ004", code="coerce.bad_money")
    row = next(r for r in returns if "planted" not in r["_order"].tags and r["到付"] == "否")
    row["到付"] = "也许"
    row["_order"].tags.add("planted")
    world.plant("validation", None, "bool_unreadable", "returns", row, "到付", row["订单编号"], "到付 written as 也许",
                rule="READ005", code="coerce.bad_bool", severity="warning")
    _formula_problems(world, returns)
    handover = world.sheets["handover"].rows
    row = next(r for r in handover if r["日期"] == dt.date(2026, 10, 13) and r["填写时间"] is not None)
    row["填写时间"] = "10月13日晚上"
    world.plant("validation", None, "date_unreadable", "handover", row, "填写时间", f"{row['日期']} {row['班次']}",
                "written-at time given as 10月13日晚上", rule="READ003", code="coerce.bad_date")
