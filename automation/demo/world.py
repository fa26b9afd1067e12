"""The clean demo world: staff, catalogue and the month's orders (no problems in them).

Everything later (shipments, stubs, stock, bills, the books) is derived from these orders by
world_logistics.py and world_books.py; the plant_* modules then change chosen rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from . import reference as ref
from .model import AS_OF, MONTH_END, PROMO_END, PROMO_START, Item, Order, World
from .rates import CARDS

STAFF = (
    {"name": "孙建国", "role": "负责人", "email": "sunjianguo@jianyiji.example.com"},
    {"name": "周婷", "role": "客服主管", "shift": "白班", "supervisor": "孙建国", "email": "zhouting@jianyiji.example.com"},
    {"name": "陈晓燕", "role": "客服", "shift": "白班", "supervisor": "周婷", "email": "chenxiaoyan@jianyiji.example.com"},
    {"name": "李娜", "role": "客服", "shift": "白班", "supervisor": "周婷", "email": "lina@jianyiji.example.com"},
    {"name": "王芳", "role": "客服", "shift": "白班", "supervisor": "周婷", "email": "wangfang@jianyiji.example.com"},
    {"name": "刘洋", "role": "客服", "shift": "晚班", "supervisor": "周婷", "email": "liuyang@jianyiji.example.com"},
    {"name": "赵敏", "role": "客服", "shift": "晚班", "supervisor": "周婷", "email": "zhaomin@jianyiji.example.com"},
    {"name": "吴强", "role": "仓库", "shift": "白班", "supervisor": "孙建国", "email": "wuqiang@jianyiji.example.com"},
    {"name": "郑磊", "role": "发货", "shift": "白班", "supervisor": "孙建国", "email": "zhenglei@jianyiji.example.com"},
    {"name": "黄丽", "role": "在线编辑", "shift": "白班", "supervisor": "孙建国", "email": "huangli@jianyiji.example.com"},
)
DAY_SHIFT = (dt.time(9, 0), dt.time(17, 30))
NIGHT_SHIFT = (dt.time(17, 30), dt.time(22, 30))
SHIP_CUTOFF = dt.time(16, 0)  # paid before 16:00 on a working day ships the same day (当天件当天发)
CENT = Decimal("0.01")
DEFAULT_COURIER = "中通"  # the first courier in [rates]: prices orders not shipped yet
HOUR_WEIGHTS = (2, 1, 1, 0.5, 0.5, 0.5, 1, 2, 4, 7, 9, 9, 8, 8, 9, 9, 8, 7, 7, 9, 11, 12, 11, 6)


def make_staff(world: World) -> None:
    world.staff = [dict(p) for p in STAFF]


def catalogue() -> list[Item]:
    items = []
    for code, name, price, weight, colours, sizes in ref.MODELS:
        for colour_code, colour in colours:
            for size in sizes:
                items.append(Item(f"{code}-{colour_code}-{size}", name, colour, size, price, weight))
    return items


def duty_agent(world: World, day: dt.date) -> str:
    """On a day off (weekend, holiday) one agent is on duty, in turn."""
    agents = world.people("客服")
    return agents[day.toordinal() % len(agents)]


def agent_at(world: World, moment: dt.datetime) -> str | None:
    """An agent on duty at that moment, or None outside online hours."""
    now = moment.time()
    if not (DAY_SHIFT[0] <= now < NIGHT_SHIFT[1]):
        return None
    if not world.calendar.is_workday(moment.date()):
        return duty_agent(world, moment.date())
    shift = "白班" if now < DAY_SHIFT[1] else "晚班"
    return world.rng.choice([p["name"] for p in world.staff if p["role"] == "客服" and p.get("shift") == shift])


def ship_day(world: World, moment: dt.datetime) -> dt.date:
    """The day the warehouse ships an order that became shippable at `moment` (always on time)."""
    day = moment.date()
    if world.calendar.is_workday(day) and moment.time() < SHIP_CUTOFF:
        return day
    return world.calendar.next_workday(day)


def at(world: World, day: dt.date, start: tuple[int, int], end: tuple[int, int]) -> dt.datetime:
    """A random moment on `day` between two (hour, minute) times."""
    lo, hi = start[0] * 60 + start[1], end[0] * 60 + end[1]
    minute = world.rng.randint(lo, hi - 1)
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60, world.rng.randint(0, 59)))


def settle(world: World, order: Order, ship_on: dt.date | None = None) -> None:
    """Ship and sign an order from its times (or on `ship_on`); nothing happens after AS_OF."""
    order.shipped_at = order.signed_at = None
    if order.unpaid_closed or order.refunded_before_ship:
        return
    ready = order.paid_at or (order.contacted_at if order.payment == "货到付款" else None)
    if ready is None:
        return
    day = ship_on or ship_day(world, ready)
    shipped = at(world, day, (16, 0), (18, 30))
    if shipped > AS_OF:
        return
    order.shipped_at = shipped
    order.waybill = order.waybill or world.waybill(order.courier)
    signed_day = day + dt.timedelta(days=world.rng.randint(2, 5))
    signed = at(world, signed_day, (10, 0), (20, 0))
    order.signed_at = signed if signed <= AS_OF else None


def _name(world: World) -> str:
    staff = {p["name"] for p in world.staff}
    while True:
        name = world.rng.choice(ref.SURNAMES) + world.rng.choice(ref.GIVEN)
        if name not in staff:
            return name


def _buyer(world: World) -> str:
    rng = world.rng
    style = rng.random()
    if style < 0.35:
        return f"tb{rng.randint(10**8, 10**10 - 1)}"
    if style < 0.75:
        return rng.choice(ref.NICK_WORDS) + str(rng.randint(1, 9999))
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 8))) + str(rng.randint(10, 999))


def mobile(world: World) -> str:
    return world.rng.choice(ref.MOBILE_PREFIXES) + "".join(world.rng.choice("0123456789") for _ in range(8))


def _items(world: World, catalogue_items: list[Item]) -> list[Item]:
    count = world.rng.choices((1, 2, 3), (70, 25, 5))[0]
    while True:
        chosen = world.rng.sample(catalogue_items, count)
        if sum((i.weight for i in chosen), ref.PACKAGING_KG) <= ref.MAX_PARCEL_KG:
            return chosen
        count = max(1, count - 1)


def _arrivals(world: World) -> list[dt.datetime]:
    """Order creation moments: a few on 09-30 evening, then the month; more on holidays and the promotion."""
    moments = []
    day = dt.date(2026, 9, 30)
    while day <= MONTH_END:
        if day.month == 9:
            count = 6
        elif PROMO_START.date() <= day <= PROMO_END.date():
            count = world.rng.randint(180, 210)
        elif day.day <= 7:
            count = world.rng.randint(90, 110)
        else:
            count = world.rng.randint(75, 95)
        for _ in range(count):
            hour = 19 + world.rng.randint(0, 3) if day.month == 9 else world.rng.choices(range(24), HOUR_WEIGHTS)[0]
            moments.append(dt.datetime.combine(day, dt.time(hour, world.rng.randint(0, 59), world.rng.randint(0, 59))))
        day += dt.timedelta(days=1)
    return sorted(moments)


def remark_date(world: World, day: dt.date) -> str:
    style = world.rng.random()
    if style < 0.6:
        return f"{day.month}/{day.day}"
    if style < 0.8:
        return f"{day.month}.{day.day}"
    return f"{day.month}月{day.day}日"


def _flag_and_remark(world: World, order: Order) -> None:
    rng = world.rng
    if PROMO_START <= order.created_at <= PROMO_END:
        if rng.random() < 0.3:  # M-FLAG-PROMO: no name during the promotion, requests still written
            order.flag, order.remark = "红", rng.choice(ref.RED_REQUESTS)
        return
    agent = agent_at(world, order.created_at)
    if agent is None:
        return
    if order.paid_at is None and order.payment != "货到付款":
        if rng.random() < 0.6:  # unpaid: chased (催单), yellow with the agent's name or public
            order.flag = "黄"
            if rng.random() < 0.7:
                order.remark, order.agent = agent, agent
            else:
                order.remark = "公共订单"  # M-FLAG-YELLOW: no agent answered
        return
    roll = rng.random()
    if roll < 0.38:
        request = "要发顺丰" if order.courier == "顺丰" and rng.random() < 0.6 else rng.choice(ref.RED_REQUESTS)
        order.flag, order.remark, order.agent = "红", f"{agent}：{request}", agent
    elif roll < 0.41:
        order.flag, order.remark, order.agent = "黄", agent, agent


def make_orders(world: World) -> None:
    rng = world.rng
    items = catalogue()
    provinces = list(ref.PROVINCE_WEIGHTS)
    weights = list(ref.PROVINCE_WEIGHTS.values())
    for created in _arrivals(world):
        province = rng.choices(provinces, weights)[0]
        short, cities = ref.PROVINCES[province]
        city = rng.choice(list(cities))
        district = rng.choice(cities[city])
        street = f"{rng.choice(ref.STREETS)}{rng.randint(1, 999)}号 {rng.choice(ref.COMMUNITIES)}{rng.randint(1, 30)}幢{rng.randint(1, 30)}0{rng.randint(1, 4)}室"
        postcode = ref.CITY_POSTCODES[city] + f"0{rng.randint(0, 9)}{rng.randint(0, 9)}"
        chosen = _items(world, items)
        original = sum((i.price for i in chosen), Decimal(0))
        discount = rng.choices((Decimal("1"), Decimal("0.9"), Decimal("0.85"), Decimal("0.8")), (80, 10, 6, 4))[0]
        courier = rng.choices(("中通", "圆通", "顺丰"), (60, 30, 10))[0]
        weight = sum((i.weight for i in chosen), ref.PACKAGING_KG)
        order = Order(
            order_id=world.unique_digits(rng.choice(("2", "3", "4")), 19), buyer=_buyer(world), consignee=_name(world),
            province=province, province_short=short, city=city, district=district, street=street, postcode=postcode,
            phone=mobile(world), items=chosen, original=original,
            goods=(original * discount).quantize(CENT, ROUND_HALF_UP),
            postage=CARDS[courier].expected_fee(short, weight), created_at=created, paid_at=None, courier=courier,
        )
        _payment(world, order)
        if rng.random() < 0.06:
            order.buyer_message = rng.choice(ref.BUYER_MESSAGES)
        _flag_and_remark(world, order)
        if order.buyer_message and not order.remark:  # M-ORD-NOTE: the buyer's request goes into the remark
            order.remark = f"买家留言：{order.buyer_message.strip('=')}"
        settle(world, order)
        if not order.shipped:  # no courier chosen yet: priced with the shop's first courier
            order.courier = DEFAULT_COURIER
            order.postage = CARDS[DEFAULT_COURIER].expected_fee(short, weight)
        world.orders.append(order)


def _payment(world: World, order: Order) -> None:
    rng = world.rng
    roll = rng.random()
    created = order.created_at
    if created.date() == MONTH_END and created.hour >= 12 and roll < 0.2:
        return  # still waiting for payment at the month's end
    if roll < 0.04 and created.date() < MONTH_END:
        order.unpaid_closed, order.closed_reason = True, "买家未付款，交易超时关闭"
        return
    if roll < 0.05 and created.month == 10:  # cash on delivery: contact the buyer within 30 minutes (M-ORD-COD)
        order.payment = "货到付款"
        order.contacted_at = created + dt.timedelta(minutes=rng.randint(3, 25), seconds=rng.randint(0, 59))
        return
    order.paid_at = created + dt.timedelta(minutes=rng.randint(0, 25), seconds=rng.randint(5, 59))
    if order.paid_at > AS_OF:  # paid after midnight: next month's, still unpaid at the demo's "now"
        order.paid_at = None


ORDER_HEADERS = ["订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "总金额", "买家实际支付金额", "订单状态",
                 "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系手机", "订单创建时间", "订单付款时间 ", "发货时间",
                 "确认收货时间", "宝贝标题 ", "宝贝种类 ", "宝贝总数量", "商家编码", "物流公司", "物流单号 ", "订单备注", "店铺名称",
                 "订单关闭原因", "退款金额", "原价", "旗帜", "付款方式", "联系时间", "催付时间"]
CHASE_AT = dt.time(16, 0)  # M-ORD-URGE: unpaid buyers are chased around 16:00


def chase_time(order: Order) -> dt.datetime | None:
    """When the team chased the buyer: orders placed before 16:00 and still unpaid at 16:00 that day
    (a yellow 催单 flag records the chase itself)."""
    created = order.created_at
    chase = dt.datetime.combine(created.date(), CHASE_AT)
    unpaid_then = order.paid_at is None if order.payment != "货到付款" else False
    if order.paid_at is not None and order.paid_at > chase:
        unpaid_then = True
    if created >= chase or not unpaid_then or order.flag == "黄":
        return None
    return chase + dt.timedelta(minutes=created.minute % 10)


def order_cells(order: Order) -> dict:
    """The order as the Taobao export (plus the team's columns 原价/旗帜/付款方式/联系时间/催付时间) shows it."""
    paid = order.paid_at is not None or (order.payment == "货到付款" and order.shipped)
    cells = {
        "订单编号": order.order_id, "买家会员名": order.buyer, "买家支付宝账号": f"{order.phone[:3]}****{order.phone[-4:]}",
        "买家应付货款": order.goods, "买家应付邮费": order.postage, "总金额": order.total,
        "买家实际支付金额": order.total if paid else Decimal("0.00"), "订单状态": order.status,
        "买家留言": order.buyer_message or None, "收货人姓名": order.consignee, "收货地址 ": order.address,
        "运送方式": "快递", "联系手机": order.phone, "订单创建时间": order.created_at, "订单付款时间 ": order.paid_at,
        "发货时间": order.shipped_at, "确认收货时间": order.signed_at,
        "宝贝标题 ": ";".join(i.title for i in order.items), "宝贝种类 ": len(order.items), "宝贝总数量": len(order.items),
        "商家编码": ";".join(i.sku for i in order.items), "物流公司": order.courier if order.shipped else None,
        "物流单号 ": order.waybill if order.shipped else None, "订单备注": order.remark or None, "店铺名称": "简衣纪旗舰店",
        "订单关闭原因": order.closed_reason or None, "退款金额": order.refund, "原价": order.original, "旗帜": order.flag or None,
        "付款方式": order.payment, "联系时间": order.contacted_at, "催付时间": chase_time(order),
    }
    cells.update(order.cells)
    return cells
