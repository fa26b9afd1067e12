"""The team's own books, clean: staff, service statistics, follow-ups, message log, report submissions,
reviews, the handover book and the (empty) incidents sheet."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from . import reference as ref
from .model import MONTH_END, MONTH_START, Order, Sheet, World
from .world import DAY_SHIFT, at, duty_agent, mobile

STAFF_HEADERS = ["姓名", "岗位", "班次", "主管", "休息日", "邮箱", "在职"]
SERVICE_HEADERS = ["日期", "客服", "咨询人数", "成交人数", "销售额", "转化率", "平均首次响应(秒)", "未处理消息", "表扬", "批评", "登记时间"]
FOLLOWUP_HEADERS = ["咨询日期", "客服", "买家", "联系电话", "咨询内容", "应回访日期", "回访日期", "回访结果", "订单编号"]
MESSAGE_HEADERS = ["留言时间", "买家", "处理客服", "处理时间", "处理批注", "留言内容"]
SUBMISSION_HEADERS = ["报表类型", "所属期间", "提交人", "提交时间", "接收人"]
REVIEW_HEADERS = ["评价日期", "订单编号", "客服", "评价", "评价内容", "针对服务", "表扬/批评", "处理状态"]
HANDOVER_HEADERS = ["日期", "班次", "交班人", "接班人", "类型", "订单编号", "买家", "交接内容", "处理状态", "解决日期", "填写时间"]
INCIDENT_HEADERS = ["日期", "姓名", "规则代码", "扣分", "说明", "登记人"]
WEEKLY_DUE = (dt.date(2026, 9, 30), dt.date(2026, 10, 9), dt.date(2026, 10, 16), dt.date(2026, 10, 23), dt.date(2026, 10, 30))
UNRESOLVED_DAYS = 3
CENT = Decimal("0.01")


def days(start: dt.date = MONTH_START, end: dt.date = MONTH_END):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def agents_on(world: World, day: dt.date) -> list[str]:
    return world.people("客服") if world.calendar.is_workday(day) else [duty_agent(world, day)]


def make_books(world: World) -> None:
    world.sheets["staff"] = Sheet("人员与考核.xlsx", "人员", "staff", STAFF_HEADERS, [
        {"姓名": p["name"], "岗位": p["role"], "班次": p.get("shift"), "主管": p.get("supervisor"), "休息日": None,
         "邮箱": p.get("email"), "在职": "是"} for p in world.staff])
    world.sheets["incidents"] = Sheet("人员与考核.xlsx", "扣分登记", "incidents", INCIDENT_HEADERS,
                                      title=[["扣分登记（依据《电商部管理细则》）"]])
    _service(world)
    _followups(world)
    _messages(world)
    enquiries_cover_messages(world)
    _submissions(world)
    _reviews(world)
    _handover(world)


def _service(world: World) -> None:
    rng = world.rng
    sold: dict[tuple[dt.date, str], list[Order]] = defaultdict(list)
    for order in world.orders:
        if order.agent and (order.paid_at or order.payment == "货到付款") and "dup_row" not in order.tags:
            sold[(order.created_at.date(), order.agent)].append(order)
    rows = []
    for day in days():
        for agent in agents_on(world, day):
            orders = sold.get((day, agent), [])
            buyers = len(orders)
            enquiries = max(buyers, int(buyers * rng.uniform(2.2, 3.5)) + rng.randint(3, 12))
            night = world.shift_of(agent) == "晚班" and world.calendar.is_workday(day)
            registered = at(world, day, (22, 32), (23, 10)) if night else at(world, day, (17, 32), (18, 20))
            rows.append({"日期": day, "客服": agent, "咨询人数": enquiries, "成交人数": buyers,
                         "销售额": sum((o.goods for o in orders), Decimal("0.00")),
                         "转化率": (Decimal(buyers) / Decimal(enquiries)).quantize(Decimal("0.0001"), ROUND_HALF_UP),
                         "平均首次响应(秒)": Decimal(rng.randint(120, 400)) / 10, "未处理消息": 0,
                         "表扬": rng.choice((0, 0, 1, 2)), "批评": 0, "登记时间": registered})
    world.sheets["service"] = Sheet("客服.xlsx", "服务统计", "service", SERVICE_HEADERS, rows,
                                    title=[["每日咨询数据登记（次日10:00前登记完毕）"]])


def _followups(world: World) -> None:
    rng = world.rng
    topics = ("咨询卫衣尺码，未下单", "问T恤是否起球，考虑中", "咨询牛仔裤长度，说晚点拍", "问能否送运费险", "咨询夹克颜色，比较中",
              "问开衫是否有现货", "咨询衬衫面料，未下单")
    results = ("已下单", "暂不需要", "再考虑几天", "已下单", "已加购物车")
    rows = []
    for day in days(MONTH_START, MONTH_END - dt.timedelta(days=1)):
        for _ in range(rng.randint(2, 5)):
            agent = rng.choice(agents_on(world, day))
            due = day + dt.timedelta(days=1)
            rows.append({"咨询日期": day, "客服": agent, "买家": rng.choice(ref.NICK_WORDS) + str(rng.randint(1, 9999)),
                         "联系电话": mobile(world), "咨询内容": rng.choice(topics), "应回访日期": due, "回访日期": due,
                         "回访结果": rng.choice(results), "订单编号": None})
    world.sheets["followups"] = Sheet("客服.xlsx", "回访表", "followups", FOLLOWUP_HEADERS, rows)


def message_agent(world: World, moment: dt.datetime) -> tuple[str, dt.datetime]:
    """Who handles a message and when: within online hours soon after, otherwise the next morning."""
    rng = world.rng
    now = moment.time()
    if DAY_SHIFT[0] <= now < dt.time(22, 0):
        handled = moment + dt.timedelta(minutes=rng.randint(3, 90))
        day = moment.date()
    else:
        day = moment.date() if now < DAY_SHIFT[0] else moment.date() + dt.timedelta(days=1)
        handled = at(world, day, (9, 5), (10, 30))
    if not world.calendar.is_workday(day):
        return duty_agent(world, day), handled
    shift = "白班" if handled.time() < dt.time(17, 30) else "晚班"
    return rng.choice([p["name"] for p in world.staff if p["role"] == "客服" and p.get("shift") == shift]), handled


def _messages(world: World) -> None:
    rng = world.rng
    texts = ("什么时候发货？", "可以改地址吗", "衣服尺码偏大还是偏小", "能便宜点吗", "快递到哪了", "可以开发票吗", "有没有优惠券",
             "卫衣会不会掉色", "想换个颜色", "催一下发货")
    notes = ("已回复，买家确认", "已回复并备注订单", "已告知发货时间", "已发优惠券", "已登记换货", "已查询物流并回复")
    rows = []
    for day in days():
        for _ in range(rng.randint(6, 11)):
            moment = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)))
            if moment.date() == MONTH_END and moment.hour >= 21:
                continue  # handled next month: keep the demo month closed
            agent, handled = message_agent(world, moment)
            rows.append({"留言时间": moment, "买家": rng.choice(ref.NICK_WORDS) + str(rng.randint(1, 9999)), "处理客服": agent,
                         "处理时间": handled, "处理批注": rng.choice(notes), "留言内容": rng.choice(texts)})
    rows.sort(key=lambda r: r["留言时间"])
    world.sheets["messages"] = Sheet("客服.xlsx", "留言记录", "messages", MESSAGE_HEADERS, rows)


MESSAGE_CUTOFF = dt.time(18, 0)  # 001 一.4: later messages are the next working day's enquiries


def logged_messages(world: World) -> dict[tuple[str, dt.date], int]:
    """(agent, working day) -> messages the log gives that agent for the day: a message after 18:00
    or on a day off counts to the next working day (001 一.4)."""
    logged: dict[tuple[str, dt.date], int] = defaultdict(int)
    for message in world.sheets["messages"].rows:
        moment = message["留言时间"]
        day = moment.date()
        if not (world.calendar.is_workday(day) and moment.time() < MESSAGE_CUTOFF):
            day = world.calendar.next_workday(day)
        logged[(message["处理客服"], day)] += 1
    return logged


def enquiries_cover_messages(world: World) -> None:
    """A day's registered enquiries are at least the messages the log gives that agent for the day
    (so M-PEN-DAILY's 错登 check finds only what is planted)."""
    logged = logged_messages(world)
    for row in world.sheets["service"].rows:
        enquiries = max(row["咨询人数"], logged.get((row["客服"], row["日期"]), 0))
        if enquiries != row["咨询人数"]:
            row["咨询人数"] = enquiries
            row["转化率"] = (Decimal(row["成交人数"]) / Decimal(enquiries)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def weekly_submitters(world: World) -> list[dict]:
    """Everyone with a superior e-mails a weekly summary on Friday or the day before a holiday (M-PEN-WEEKLY)."""
    return [p for p in world.staff if p.get("supervisor")]


def _submissions(world: World) -> None:
    rows = []
    for due in WEEKLY_DUE:
        week = due.isocalendar()
        for person in weekly_submitters(world):
            night = person.get("shift") == "晚班"
            when = at(world, due, (21, 0), (22, 20)) if night else at(world, due, (15, 30), (17, 20))
            rows.append({"报表类型": "周报", "所属期间": f"{week.year}-W{week.week:02d}", "提交人": person["name"],
                         "提交时间": when, "接收人": person["supervisor"]})
    supervisor = world.people("客服主管")[0]
    lead = world.people("负责人")[0]
    for report, minute in (("月末统计", 30), ("未发货清单", 45)):
        rows.append({"报表类型": report, "所属期间": "2026-09", "提交人": supervisor,
                     "提交时间": dt.datetime(2026, 9, 30, 20, minute), "接收人": lead})
    rows.sort(key=lambda r: r["提交时间"])
    world.sheets["submissions"] = Sheet("客服.xlsx", "报表提交登记", "submissions", SUBMISSION_HEADERS, rows)


GOOD = ("质量很好，穿着舒服", "客服很耐心，推荐的尺码很合适", "物流很快，包装完好", "面料不错，性价比高", "第二次购买了，一如既往的好",
        "颜色和图片一样", "")
NEUTRAL = ("有点色差，一般吧", "尺码偏小一点", "面料比想象的薄")
BAD_PRODUCT = ("洗了一次就起球了", "线头很多，质量一般", "和图片颜色差别很大")


def _reviews(world: World) -> None:
    rng = world.rng
    rows = []
    for order in world.orders:
        if not (order.signed_at and order.agent) or order.tags or rng.random() > 0.35:
            continue
        day = min(order.signed_at.date() + dt.timedelta(days=rng.randint(0, 3)), MONTH_END)
        rating = rng.choices(("好评", "中评", "差评"), (93, 5, 2))[0]
        if rating == "好评":
            text = rng.choice(GOOD)
            row = {"评价日期": day, "订单编号": order.order_id, "客服": order.agent, "评价": rating, "评价内容": text or None,
                   "针对服务": "否", "表扬/批评": "表扬" if "客服" in text else None, "处理状态": None}
        else:
            recent = day in (dt.date(2026, 10, 29), dt.date(2026, 10, 30))
            row = {"评价日期": day, "订单编号": order.order_id, "客服": order.agent, "评价": rating,
                   "评价内容": rng.choice(NEUTRAL if rating == "中评" else BAD_PRODUCT), "针对服务": "否", "表扬/批评": None,
                   "处理状态": "处理中" if recent else "已解决", "_buyer": order.buyer}
        row["_order"] = order
        order.tags.add("reviewed")
        rows.append(row)
    rows.sort(key=lambda r: (r["评价日期"], r["订单编号"]))
    world.sheets["reviews"] = Sheet("客服.xlsx", "评价登记", "reviews", REVIEW_HEADERS, rows)


HANDOVER_ITEMS = (
    ("客户交接", "买家咨询卫衣尺码，已推荐L码，等买家回复"),
    ("潜在客户", "买家想买3件T恤问能否优惠，已申请店铺券"),
    ("紧急事项", "买家要求今天改地址，已改并通知仓库"),
    ("客户交接", "买家催发货，已告知今日发出"),
    ("其他", "无特殊事项"),
)


def _handover(world: World) -> None:
    rng = world.rng
    rows = []
    day_agents = [p["name"] for p in world.staff if p["role"] == "客服" and p.get("shift") == "白班"]
    night_agents = [p["name"] for p in world.staff if p["role"] == "客服" and p.get("shift") == "晚班"]
    open_reviews: dict[dt.date, list[dict]] = defaultdict(list)
    for review in world.sheets["reviews"].rows:
        if review.get("处理状态") == "处理中":
            open_reviews[review["评价日期"]].append(review)
    for day in days():
        if not world.calendar.is_workday(day):
            continue
        for shift, givers, takers, written in (("白班", day_agents, night_agents, (17, 20)),
                                               ("晚班", night_agents, day_agents, (22, 20))):
            giver, taker = rng.choice(givers), rng.choice(takers)
            for category, content in rng.sample(HANDOVER_ITEMS, rng.randint(1, 2)):
                rows.append(_handover_row(world, day, shift, giver, taker, category, content, None, None, written))
            for review in open_reviews.get(day, []) if shift == "白班" else []:
                rows.append(_handover_row(world, day, shift, giver, taker, "中差评",
                                          f"买家{review['评价']}（{review['评价内容']}），已联系协商退换", review["订单编号"],
                                          review["_buyer"], written, status="处理中"))
    world.sheets["handover"] = Sheet("交接本.xlsx", "交接本", "handover", HANDOVER_HEADERS, rows,
                                     title=[["客服交接本（白班→晚班 17:30，晚班→次日白班 22:30）"]])


def _handover_row(world: World, day: dt.date, shift: str, giver: str, taker: str, category: str, content: str,
                  order_id: str | None, buyer: str | None, written: tuple[int, int], status: str | None = None) -> dict:
    recent = day >= MONTH_END - dt.timedelta(days=UNRESOLVED_DAYS - 1)
    if status is None:
        status = world.rng.choice(("未处理", "处理中")) if recent and category != "其他" else "已解决"
    resolved = None
    if status == "已解决":
        resolved = day if category == "其他" else min(day + dt.timedelta(days=world.rng.randint(0, 1)), MONTH_END)
    return {"日期": day, "班次": shift, "交班人": giver, "接班人": taker, "类型": category, "订单编号": order_id,
            "买家": buyer, "交接内容": content, "处理状态": status, "解决日期": resolved,
            "填写时间": at(world, day, written, (written[0], written[1] + 9))}
