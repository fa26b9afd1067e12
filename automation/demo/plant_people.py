"""Planted people problems (issue 5): penalty incidents, recorded in 扣分登记 and detectable from the books.

Each problem carries `person` and `points` (the manual's values, 001); the answer key's penalties are
their sums per person. Incident identity for "count once": person + rule + date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .model import World

SHIP, DAILY, MSG, FOLLOW, WEEKLY, MONTHEND, BADREV, AWAY = (
    "M-PEN-SHIP", "M-PEN-DAILY", "M-PEN-MSG", "M-PEN-FOLLOW", "M-PEN-WEEKLY", "M-PEN-MONTHEND", "M-PEN-BADREV", "M-PEN-AWAY")


def _pen(world: World, clause: str, category: str, sheet: str, row: object | None, column: str | None, ref: str,
         detail: str, person: str, points: str, date: dt.date) -> None:
    """`ref` names the evidence (order id, date…); the key of a people problem is the person."""
    world.plant("people", clause, category, sheet, row, column, person, detail, person=person, points=Decimal(points),
                date=date, ref=ref)


def plant_people(world: World) -> None:
    _late_orders(world)
    _service(world)
    _messages(world)
    _followups(world)
    _submissions(world)
    _reviews_and_incidents(world)


# The late plants' deadlines as literals (not computed with the calendar code the rules use): the next
# working day after National Day is 10-08; after Friday 10-09 the make-up Saturday 10-10.
SHIP_DUE = {dt.date(2026, 9, 30): dt.date(2026, 10, 8), dt.date(2026, 10, 9): dt.date(2026, 10, 10),
            dt.date(2026, 10, 14): dt.date(2026, 10, 15)}


def _late_orders(world: World) -> None:
    """M-PEN-SHIP for each order planted late (validation), on the agent named in its red remark."""
    for order in [o for o in world.orders if "late" in o.tags]:
        deadline = SHIP_DUE[order.paid_at.date()]
        _pen(world, SHIP, "pen_ship_late", "orders", order, "发货时间", order.order_id,
             f"paid {order.paid_at:%m-%d %H:%M}, due {deadline:%m-%d}, shipped {order.shipped_at:%m-%d}",
             order.agent, "3", deadline)


def _service(world: World) -> None:
    rows = world.sheets["service"].rows
    row = next(r for r in rows if r["客服"] == "刘洋" and r["日期"] == dt.date(2026, 10, 13))
    row["登记时间"] = dt.datetime(2026, 10, 14, 11, 20, 5)
    _pen(world, DAILY, "pen_daily_late", "service", row, "登记时间", "刘洋 2026-10-13",
         "10-13 registered 10-14 11:20, after 10:00 of the next working day", "刘洋", "1.5", dt.date(2026, 10, 13))
    row = next(r for r in rows if r["客服"] == "赵敏" and r["日期"] == dt.date(2026, 10, 22))
    rows.remove(row)
    _pen(world, DAILY, "pen_daily_missing", "service", None, None, "赵敏 2026-10-22",
         "no service statistics for 10-22", "赵敏", "1.5", dt.date(2026, 10, 22))


def _messages(world: World) -> None:
    rows = world.sheets["messages"].rows
    for person, received, handled, why in (
            ("李娜", dt.datetime(2026, 10, 15, 10, 12, 30), dt.datetime(2026, 10, 16, 15, 40, 2),
             "before 18:00: due before leaving on 10-15"),
            ("刘洋", dt.datetime(2026, 10, 23, 20, 5, 11), dt.datetime(2026, 10, 27, 14, 10, 45),
             "after 18:00 on Friday, due Monday 10-26 12:00")):
        row = {"留言时间": received, "买家": f"tb{world.rng.randint(10**8, 10**9)}", "处理客服": person, "处理时间": handled,
               "处理批注": "已回复", "留言内容": "请问什么时候发货？"}
        rows.insert(next(i for i, r in enumerate(rows) if r["留言时间"] > received), row)
        _pen(world, MSG, "pen_message_late", "messages", row, "处理时间", f"{person} {received:%Y-%m-%d %H:%M}",
             f"message of {received:%m-%d %H:%M} handled {handled:%m-%d %H:%M}, {why}", person, "1.5", received.date())
        world.plant("validation", "M-MSG-24H", "message_24h", "messages", row, "处理时间", f"{person} {received:%Y-%m-%d}",
                    f"message of {received:%m-%d %H:%M} answered {handled:%m-%d %H:%M}, more than 24 hours later")


def _followups(world: World) -> None:
    """刘洋 misses four (0.5, 0.5, then doubled: 1, 1); 赵敏 misses one."""
    rows = world.sheets["followups"].rows
    for person, days, points in (("刘洋", (9, 15, 21, 27), ("0.5", "0.5", "1", "1")), ("赵敏", (19,), ("0.5",))):
        for n, (day, pts) in enumerate(zip(days, points, strict=True)):
            enquiry = dt.date(2026, 10, day)
            row = next(r for r in rows if r["咨询日期"] == enquiry)
            row["客服"] = person
            row["回访日期"] = None if n == 1 else row["应回访日期"] + dt.timedelta(days=2)
            row["回访结果"] = None if n == 1 else row["回访结果"]
            _pen(world, FOLLOW, "pen_followup_late", "followups", row, "回访日期", f"{person} {enquiry}",
                 f"follow-up due {row['应回访日期']} {'not done' if n == 1 else 'done two days late'} (occurrence {n + 1})",
                 person, pts, row["应回访日期"])


def _submissions(world: World) -> None:
    rows = world.sheets["submissions"].rows
    for person, due in (("王芳", dt.date(2026, 10, 16)), ("赵敏", dt.date(2026, 10, 23))):
        row = next(r for r in rows if r["报表类型"] == "周报" and r["提交人"] == person and r["提交时间"].date() == due)
        rows.remove(row)
        _pen(world, WEEKLY, "pen_weekly_missing", "submissions", None, None, f"{person} {due}",
             f"no weekly summary on Friday {due}", person, "0.5", due)
    row = next(r for r in rows if r["报表类型"] == "月末统计")
    row["提交时间"] = dt.datetime(2026, 10, 20, 14, 5, 0)
    rows.remove(row)
    rows.insert(next(i for i, r in enumerate(rows) if r["提交时间"] > row["提交时间"]), row)
    _pen(world, MONTHEND, "pen_monthend_late", "submissions", row, "提交时间", f"{row['提交人']} 2026-09",
         "September's month-end statistics submitted 10-20, after the first week", row["提交人"], "3", dt.date(2026, 10, 20))


def _reviews_and_incidents(world: World) -> None:
    reviews = world.sheets["reviews"].rows
    incidents = world.sheets["incidents"].rows
    supervisor = world.people("客服主管")[0]
    picked: dict[str, dict] = {}
    for person, text, points in (("王芳", None, "3"), ("赵敏", "客服态度很差，问了半天才回复，还说不能换", "5")):
        row = next(r for r in reviews if r["客服"] == person and r["评价"] == "好评" and r["评价日期"] >= dt.date(2026, 10, 12))
        row.update({"评价": "差评", "评价内容": text, "针对服务": "是", "表扬/批评": "批评", "处理状态": "已解决"})
        picked[person] = row
        _pen(world, BADREV, "pen_bad_review", "reviews", row, "评价", row["订单编号"],
             f"bad review about service{' with written text' if text else ''}", person, points, row["评价日期"])
    _incident(world, incidents, dt.date(2026, 10, 15), "陈晓燕", AWAY, "1", "离开座位8分钟未改离开状态", "incident_recorded")
    away = incidents[-1]
    _pen(world, AWAY, "incident_linked_supervisor", "incidents", away, "扣分", f"{supervisor} 2026-10-15",
         "supervisor's linked points for the agent's away incident (agent 1, supervisor 2)", supervisor, "2", dt.date(2026, 10, 15))
    _incident(world, incidents, dt.date(2026, 10, 21), "赵敏", "M-PEN-PHONE", "1", "电话响铃超过10声未接", "incident_recorded")
    _incident(world, incidents, dt.date(2026, 10, 22), "黄丽", "M-PEN-CHECK", "1", "详情页尺码表写错", "incident_recorded")
    _incident(world, incidents, dt.date(2026, 10, 27), "黄丽", "M-PEN-SLACK", "2", "双十一素材整理未按时完成", "incident_recorded")
    _incident(world, incidents, dt.date(2026, 10, 28), "李娜", "M-PEN-QUOTE", "5", "给买家报错价格导致投诉", "incident_recorded")
    review = picked["赵敏"]
    _incident(world, incidents, review["评价日期"], "赵敏", BADREV, "5", f"差评（服务态度），订单{review['订单编号']}",
              "incident_duplicate_of_detected", points_counted="0")


def _incident(world: World, rows: list, day: dt.date, person: str, rule: str, points: str, note: str, category: str,
              points_counted: str | None = None) -> None:
    row = {"日期": day, "姓名": person, "规则代码": rule, "扣分": Decimal(points), "说明": note, "登记人": "周婷"}
    rows.append(row)
    detail = "recorded in 扣分登记" if points_counted is None else "also detected from the reviews sheet: count once"
    _pen(world, rule, category, "incidents", row, "扣分", f"{person} {day}", detail, person, points_counted or points, day)

