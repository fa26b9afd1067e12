"""Incidents detected from the shop's sheets, each citing its evidence (file, sheet, row). Pure
over tables: `detect_all` takes the tables and the calendar, never reads files itself.

Deadlines (working days from Shop.calendar, make-up days included):
Each incident's date (its identity, with person and rule) is the day the manual's rule is about:
- M-PEN-SHIP   paid on day D -> shipped by the end of the next working day after D (dated that deadline);
               the 3 points go undivided to the agent on the order, else the shipping staff on duty;
- M-PEN-DAILY  day D's service row registered by 10:00 of the next working day; no row = missing;
               registered enquiries fewer than the message log's messages of that day = wrong (错登);
- M-PEN-MSG    a message before 18:00 on a working day is that day's enquiry, handled before leaving
               (by the end of that day); one after 18:00 (or on a day off) counts to the next working
               day and is handled by 12:00 of it; always with an annotation (dated the day received);
- M-PEN-FOLLOW followed up by the due date (the sheet's 应回访日期, else the next working day; dated that day);
- M-PEN-WEEKLY weekly summary by the end of the week's last working day (Friday, the day before a
               holiday, or a make-up Saturday; dated that day);
- M-PEN-MONTHEND last month's statistics and unshipped list by the end of the month's first week
               (its first N working days; dated the day it was done late, or the deadline when missing);
- M-PEN-BADREV  a 差评 about service: 3 points, 5 with written text.
Nothing is reported before its deadline has passed (`as_of`), and a day or week counts as missing only
from the first date the sheet holds (before that the shop did not keep it yet).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..attribution import WEEKDAYS, attribute_orders
from ..config import ShopConfig
from ..i18n import pick
from ..rules.needs import Declared, any_of, gaps, own, quiet_in_month, sheet
from ..tables import Table
from ..workdays import WorkCalendar
from .model import Detection, Evidence, Incident
from .period import at, end_of, first_week_deadline, parse_month, weekly_due
from .rulebook import Rulebook
from .settings import PenaltySettings

PAID_WAITING = "买家已付款，等待卖家发货"
CLOSED = "交易关闭"
MONTHEND_REPORTS = ("月末统计", "未发货清单")

# What each detector reads (automation.rules.needs): a missing sheet or column makes it "not checked",
# never a clean result. Codes with a dot are parts of a rule that need more columns than the rest of it.
CHECKS = (
    Declared("M-PEN-SHIP", "M-PEN-SHIP", "orders", (own("paid_at", any_of("shipped_at", "status")),)),
    Declared("M-PEN-DAILY", "M-PEN-DAILY", "service", (own("date", "agent"),)),
    Declared("M-PEN-DAILY.late", "M-PEN-DAILY", "service", (own("date", "agent", "registered_at"),)),
    Declared("M-PEN-DAILY.wrong", "M-PEN-DAILY", "service",
             (own("date", "agent", "enquiries"), sheet("messages", "received_at", "agent"))),
    Declared("M-PEN-MSG", "M-PEN-MSG", "messages", (own("received_at", "handled_at"),)),
    Declared("M-PEN-MSG.note", "M-PEN-MSG", "messages", (own("received_at", "handled_at", "annotation"),)),
    Declared("M-PEN-FOLLOW", "M-PEN-FOLLOW", "followups", (own("enquiry_date", "done_on"),)),
    Declared("M-PEN-WEEKLY", "M-PEN-WEEKLY", "submissions", (own("report", "person", "submitted_at"),)),
    Declared("M-PEN-MONTHEND", "M-PEN-MONTHEND", "submissions", (own("report", "period", "submitted_at"),)),
    Declared("M-PEN-BADREV", "M-PEN-BADREV", "reviews", (own("date", "rating", "about_service"),)),
)
PART_NAMES = {  # the parts' names as staff read them (a rule code shows as its rulebook description)
    "M-PEN-DAILY.late": ("每日咨询数据的登记时间（第二个工作日10点前）", "daily enquiry data registered by 10:00 of the next working day"),
    "M-PEN-DAILY.wrong": ("每日咨询人数与留言记录核对（错登）", "daily enquiries against the message log (wrong data)"),
    "M-PEN-MSG.note": ("留言的处理批注", "annotations on handled messages"),
}


@dataclass(frozen=True)
class Context:
    month: str
    first: dt.date
    last: dt.date
    calendar: WorkCalendar
    config: ShopConfig
    rules: Rulebook
    settings: PenaltySettings
    as_of: dt.datetime  # deadlines after this moment are not yet missed
    rest_days: dict[str, str] = field(default_factory=dict)  # the 人员 sheet's 休息日 (M-SHIFT), where kept

    def in_month(self, day: dt.date | None) -> bool:
        return day is not None and self.first <= day <= self.last

    def points(self, code: str) -> Decimal:
        return self.rules[code].low


def make_context(month: str, calendar: WorkCalendar, config: ShopConfig, rules: Rulebook,
                 settings: PenaltySettings, as_of: dt.datetime | None = None) -> Context:
    first, last = parse_month(month)
    return Context(month, first, last, calendar, config, rules, settings, as_of or dt.datetime.now())


def sheet_rest_days(staff: Table | None) -> dict[str, str]:
    """name -> weekly rest day from the team's 人员 sheet (M-SHIFT: one rest day a week)."""
    if staff is None:
        return {}
    return {str(r.get("name")).strip(): str(r.get("rest_day")) for r in staff.records if r.get("name") and r.get("rest_day")}


def detect_all(ctx: Context, tables: dict[str, Table | None]) -> Detection:
    """Every detector whose sheet and columns are there; the others, and those that found nothing in
    a month their sheet has no entries for, are listed as not checked (automation.coverage)."""
    ctx = replace(ctx, rest_days={**sheet_rest_days(tables.get("staff")), **ctx.rest_days})
    out = Detection()
    detectors = {"M-PEN-SHIP": detect_ship, "M-PEN-DAILY": lambda c, service: detect_daily(c, service, tables.get("messages")),
                 "M-PEN-MSG": detect_messages, "M-PEN-FOLLOW": detect_followups, "M-PEN-WEEKLY": detect_weekly,
                 "M-PEN-MONTHEND": detect_monthend, "M-PEN-BADREV": detect_bad_reviews}
    ran = []
    for check in CHECKS:
        rule = check.code.split(".")[0]
        if rule not in ctx.rules.rules or (rule != check.code and rule in {n.code for n in out.not_checked}):
            continue  # the shop removed the rule from its rulebook, or the whole rule is not checked already
        gap = gaps([check], tables)
        if gap:
            out.not_checked += gap
            continue
        ran.append(check)
        if check.code in detectors:
            out.incidents.extend(detectors[check.code](ctx, tables[check.kind]))
    found = {i.rule for i in out.incidents}
    out.not_checked += quiet_in_month([c for c in ran if c.code in detectors], tables, ctx.first, ctx.last, found)
    return out


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _moment(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time.min) if isinstance(value, dt.date) else None


def _fmt(moment: dt.datetime | dt.date | None) -> str:
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M") if isinstance(moment, dt.datetime) else moment.isoformat()


# ── M-PEN-SHIP ──────────────────────────────────────────────────────────────
def ship_deadline(calendar: WorkCalendar, paid: dt.datetime) -> dt.datetime:
    return end_of(calendar.next_workday(paid.date()))


SHIPPING_ROLE = "发货"


def ship_responsible(ctx: Context, attributions: list, due: dt.date) -> str | None:
    """Who carries M-PEN-SHIP's 3 points, undivided (001 六.1 gives them to whoever is responsible).
    Documented choice: the agent on the order (客服 column, else the name in a red/yellow remark; the
    first one named when several are), otherwise the shipping staff (岗位 发货) on duty on the due day."""
    named = [a.agent for a in attributions if a.agent and a.basis in ("column", "remark")]
    if named:
        return named[0]
    on_duty = [p.name for p in ctx.config.people(SHIPPING_ROLE) if _works(ctx, (p.rest_day or "").strip() or None, due)]
    return on_duty[0] if on_duty else None


def detect_ship(ctx: Context, orders: Table) -> list[Incident]:
    by_row = defaultdict(list)
    for attribution in attribute_orders(orders, ctx.config):
        by_row[attribution.row].append(attribution)
    out = []
    for record in orders.records:
        paid = _moment(record.get("paid_at"))
        if paid is None or record.get("status") == CLOSED:
            continue
        deadline = ship_deadline(ctx.calendar, paid)
        if not ctx.in_month(deadline.date()):
            continue
        shipped = _moment(record.get("shipped_at"))
        if shipped is not None and shipped <= deadline:
            continue
        if shipped is None and (deadline >= ctx.as_of or record.get("status") not in (PAID_WAITING, None)):
            continue  # not due yet, or shipped without a recorded time
        order_id = record.get("order_id") or f"row {record.row}"
        detail = pick(f"订单 {order_id} 付款 {_fmt(paid)}，应于 {_fmt(deadline.date())} 前发货，实际 {_fmt(shipped) if shipped else '未发货'}",
                      f"order {order_id} paid {_fmt(paid)}, due by {_fmt(deadline.date())}, shipped {_fmt(shipped) if shipped else 'not yet'}")
        person = ship_responsible(ctx, by_row[record.row], deadline.date())
        out.append(Incident(deadline.date(), person, "M-PEN-SHIP", ctx.points("M-PEN-SHIP"), "detected",
                            (Evidence.of(orders, record.row, detail),), key=str(order_id), since=paid.date(),
                            due=(shipped or ctx.as_of).date()))
    return out


# ── M-PEN-DAILY ─────────────────────────────────────────────────────────────
def _agents(ctx: Context, seen: list[str]) -> list:
    """(name, rest weekday or None): configured staff of the agent roles, else the names the sheet uses.
    The rest day is shop.toml's, else the 人员 sheet's where the team keeps one (M-SHIFT)."""
    people = ctx.config.people(*ctx.settings.agent_roles)
    if people:
        return [(p.name, (p.rest_day or "").strip() or ctx.rest_days.get(p.name)) for p in people]
    return [(name, ctx.rest_days.get(name)) for name in dict.fromkeys(seen)]


def _works(ctx: Context, rest_day: str | None, day: dt.date) -> bool:
    return ctx.calendar.is_workday(day) and rest_day != WEEKDAYS[day.weekday()]


def messages_per_day(ctx: Context, messages: Table | None) -> dict[tuple[str, dt.date], int]:
    """(agent, working day the message counts to) -> messages in the log (M-PEN-MSG's day rule)."""
    counts: dict[tuple[str, dt.date], int] = defaultdict(int)
    for record in messages.records if messages is not None else ():
        received, agent = _moment(record.get("received_at")), str(record.get("agent") or "").strip()
        if received is not None and agent:
            counts[(agent, message_day(ctx.calendar, received, ctx.settings.message_cutoff))] += 1
    return counts


def _wrong_data(service: Table, name: str, day: dt.date, found: list, logged: int, points: Decimal) -> Incident | None:
    """错登: the day's registered enquiries are fewer than the messages the log holds for that agent."""
    registered = sum(r.get("enquiries") or 0 for r in found)
    if not logged or any(r.get("enquiries") is None for r in found) or registered >= logged:
        return None
    detail = pick(f"{name} {day} 登记咨询人数 {registered}，少于留言记录中的 {logged} 条（错登）",
                  f"{name}: {registered} enquiries registered for {day}, fewer than the {logged} messages in the log (wrong data)")
    return Incident(day, name, "M-PEN-DAILY", points, "detected", (Evidence.of(service, found[0].row, detail),),
                    key=f"daily:{day}", due=day)


def detect_daily(ctx: Context, service: Table, messages: Table | None = None) -> list[Incident]:
    logged = messages_per_day(ctx, messages)
    rows = defaultdict(list)
    for record in service.records:
        if record.get("agent") and _day(record.get("date")):
            rows[(str(record["agent"]).strip(), _day(record["date"]))].append(record)
    out = []
    hhmm = ctx.settings.daily_deadline
    if not rows:
        return out
    kept_since = min(day for _, day in rows)  # no "missing day" before the shop started keeping the sheet
    for name, rest in _agents(ctx, [a for a, _ in rows]):
        for day in ctx.calendar.workdays(max(ctx.first, kept_since), ctx.last):
            if not _works(ctx, rest, day):
                continue
            deadline = at(ctx.calendar.next_workday(day), hhmm)
            found = rows.get((name, day), [])
            if not found:
                if deadline < ctx.as_of:
                    detail = pick(f"{name} {day} 的咨询数据未登记（应于 {_fmt(deadline)} 前）",
                                  f"{name}: no enquiry data for {day} (due {_fmt(deadline)})")
                    out.append(Incident(day, name, "M-PEN-DAILY", ctx.points("M-PEN-DAILY"), "detected",
                                        (Evidence.of(service, None, detail),), key=f"daily:{day}", due=deadline.date()))
                continue
            registered = [_moment(r.get("registered_at")) for r in found]
            if all(m is not None and m > deadline for m in registered):
                record = found[0]
                detail = pick(f"{name} {day} 的数据 {_fmt(registered[0])} 才登记（应于 {_fmt(deadline)} 前）",
                              f"{name}: data for {day} registered {_fmt(registered[0])} (due {_fmt(deadline)})")
                out.append(Incident(day, name, "M-PEN-DAILY", ctx.points("M-PEN-DAILY"), "detected",
                                    (Evidence.of(service, record.row, detail),), key=f"daily:{day}", due=deadline.date()))
            elif wrong := _wrong_data(service, name, day, found, logged.get((name, day), 0), ctx.points("M-PEN-DAILY")):
                out.append(wrong)
    return out


# ── M-PEN-MSG ───────────────────────────────────────────────────────────────
def message_day(calendar: WorkCalendar, received: dt.datetime, cutoff: str) -> dt.date:
    """The working day a message counts to: its own day before the cutoff, else the next working day."""
    day = received.date()
    if calendar.is_workday(day) and received < at(day, cutoff):
        return day
    return calendar.next_workday(day)


def message_deadline(calendar: WorkCalendar, received: dt.datetime, hhmm: str, cutoff: str = "18:00") -> dt.datetime:
    """The day's enquiries are done before leaving (the end of that day); a message counted to a later
    working day (after the cutoff, or on a day off) is due at `hhmm` of that day (001 一.4)."""
    day = message_day(calendar, received, cutoff)
    if day == received.date():
        return end_of(day)
    return at(day, hhmm)


def detect_messages(ctx: Context, messages: Table) -> list[Incident]:
    out = []
    annotated = messages.has("annotation")  # without the column the annotations are not checked (M-PEN-MSG.note), not all missing
    for record in messages.records:
        received = _moment(record.get("received_at"))
        agent = str(record.get("agent") or "").strip() or None
        if received is None:
            continue
        day = message_day(ctx.calendar, received, ctx.settings.message_cutoff)
        if not ctx.in_month(day):
            continue
        deadline = message_deadline(ctx.calendar, received, ctx.settings.message_deadline, ctx.settings.message_cutoff)
        handled = _moment(record.get("handled_at"))
        problems = []
        if handled is None and deadline < ctx.as_of:
            problems.append(pick("未处理", "not handled"))
        elif handled is not None and handled > deadline:
            problems.append(pick(f"{_fmt(handled)} 才处理", f"handled {_fmt(handled)}"))
        if annotated and handled is not None and not str(record.get("annotation") or "").strip():
            problems.append(pick("无处理批注", "no annotation"))
        if problems:
            detail = pick(f"留言 {_fmt(received)}（算作 {day}），应于 {_fmt(deadline)} 前处理：{'，'.join(problems)}",
                          f"message {_fmt(received)} (counts to {day}), due {_fmt(deadline)}: {', '.join(problems)}")
            out.append(Incident(received.date(), agent, "M-PEN-MSG", ctx.points("M-PEN-MSG"), "detected",
                                (Evidence.of(messages, record.row, detail),), key=f"msg:{record.row}", due=deadline.date()))
    return out


# ── M-PEN-FOLLOW ────────────────────────────────────────────────────────────
def detect_followups(ctx: Context, followups: Table) -> list[Incident]:
    out = []
    for record in followups.records:
        enquiry = _day(record.get("enquiry_date"))
        if enquiry is None:
            continue
        due = _day(record.get("due_on")) or ctx.calendar.next_workday(enquiry)
        if not ctx.in_month(due):
            continue
        done = _day(record.get("done_on"))
        late = done is not None and done > due
        missing = done is None and end_of(due) < ctx.as_of
        if late or missing:
            agent = str(record.get("agent") or "").strip() or None
            detail = pick(f"{enquiry} 的咨询应于 {due} 回访，{'实际 ' + str(done) if done else '未回访'}",
                          f"enquiry of {enquiry} due for follow-up {due}, {'done ' + str(done) if done else 'not done'}")
            out.append(Incident(due, agent, "M-PEN-FOLLOW", ctx.points("M-PEN-FOLLOW"), "detected",
                                (Evidence.of(followups, record.row, detail),), key=f"follow:{record.row}",
                                since=enquiry, due=done or due))
    return out


# ── M-PEN-WEEKLY ────────────────────────────────────────────────────────────
_ISO_WEEK = re.compile(r"(\d{4})\s*[-年]?\s*W(\d{1,2})", re.I)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_WEEK_NO = re.compile(r"第\s*(\d{1,2})\s*周")


def period_monday(period: object, fallback: dt.datetime | dt.date | None) -> dt.date | None:
    """The Monday of the week a 周报's 所属期间 names: 2026-W41, a date in the week, 第41周; else the
    week it was submitted in."""
    text = str(period or "")
    year = (fallback.year if fallback else None)
    try:
        if m := _ISO_WEEK.search(text):
            return dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        if m := _DATE.search(text):
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return day - dt.timedelta(days=day.weekday())
        if (m := _WEEK_NO.search(text)) and year:
            return dt.date.fromisocalendar(year, int(m.group(1)), 1)
    except ValueError:
        return None
    day = _day(fallback)
    return day - dt.timedelta(days=day.weekday()) if day else None


def detect_weekly(ctx: Context, submissions: Table) -> list[Incident]:
    sent = defaultdict(list)  # (person, monday) -> records
    for record in submissions.records:
        if record.get("report") != "周报":
            continue
        monday = period_monday(record.get("period"), record.get("submitted_at"))
        if monday and record.get("person"):
            sent[(str(record["person"]).strip(), monday)].append(record)
    out = []
    if not sent:
        return out
    kept_since = min(monday for _, monday in sent)  # no "missing summary" before the sheet was kept
    monday = max(ctx.first - dt.timedelta(days=ctx.first.weekday()), kept_since)
    while monday <= ctx.last:
        due = weekly_due(ctx.calendar, monday)
        monday_next = monday + dt.timedelta(days=7)
        if due is None or not ctx.in_month(due) or end_of(due) >= ctx.as_of:
            monday = monday_next
            continue
        for name, rest in _agents(ctx, [p for p, _ in sent]):
            records = sent.get((name, monday), [])
            times = [_moment(r.get("submitted_at")) for r in records]
            on_time = [t for t in times if t is None or t <= end_of(due)]
            if on_time:
                continue
            row = records[0].row if records else None
            detail = pick(f"{name} 第{monday.isocalendar()[1]}周周报应于 {due} 发出，{'实际 ' + _fmt(times[0]) if records else '未发'}",
                          f"{name}: weekly summary for week {monday.isocalendar()[1]} due {due}, {'sent ' + _fmt(times[0]) if records else 'not sent'}")
            out.append(Incident(due, name, "M-PEN-WEEKLY", ctx.points("M-PEN-WEEKLY"), "detected",
                                (Evidence.of(submissions, row, detail),), key=f"week:{monday.isoformat()}", due=due))
        monday = monday_next
    return out


# ── M-PEN-MONTHEND ──────────────────────────────────────────────────────────
_PERIOD_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})")


def _period_month(period: object) -> str | None:
    match = _PERIOD_MONTH.search(str(period or ""))
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}" if match else None


def detect_monthend(ctx: Context, submissions: Table) -> list[Incident]:
    """The statistics for last month are due in this month's first week (one incident per owner)."""
    previous = ctx.first - dt.timedelta(days=1)
    period = f"{previous.year:04d}-{previous.month:02d}"
    deadline = first_week_deadline(ctx.calendar, ctx.first, ctx.settings.monthend_workdays)
    kept = [_day(r.get("submitted_at")) for r in submissions.records if _day(r.get("submitted_at"))]
    if end_of(deadline) >= ctx.as_of or not kept or min(kept) > deadline:
        return []  # not due yet, or the sheet was not kept then
    done = {kind: [r for r in submissions.records if r.get("report") == kind and _period_month(r.get("period")) == period]
            for kind in MONTHEND_REPORTS}
    late, missing, rows, people, done_on = [], [], [], [], []
    for kind, records in done.items():
        on_time = [r for r in records if r.get("submitted_at") is None or _moment(r["submitted_at"]) <= end_of(deadline)]
        if on_time:
            continue
        if records:
            late.append(f"{kind} {_fmt(_moment(records[0].get('submitted_at')))}")
            rows.append(records[0].row)
            people.append(str(records[0].get("person") or "").strip())
            done_on.append(_moment(records[0]["submitted_at"]).date())
        else:
            missing.append(kind)
    if not late and not missing:
        return []
    owners = [p for p in dict.fromkeys(people) if p] or [p.name for p in ctx.config.people(*ctx.settings.monthend_roles)] or [None]
    detail = pick(f"{period} 的月末统计应于 {deadline} 前完成：" + "，".join([*(f"{k} 未做" for k in missing), *(f"{k} 才完成" for k in late)]),
                  f"month-end statistics for {period} due {deadline}: " + ", ".join([*(f"{k} missing" for k in missing), *(f"{k} done late" for k in late)]))
    evidence = (Evidence.of(submissions, rows[0] if rows else None, detail),)
    day = deadline if missing or not ctx.in_month(max(done_on)) else max(done_on)  # late: the day it was done
    return [Incident(day, owner, "M-PEN-MONTHEND", ctx.points("M-PEN-MONTHEND"), "detected", evidence,
                     key=f"monthend:{period}", since=deadline, due=max([day, *done_on])) for owner in owners]


# ── M-PEN-BADREV ────────────────────────────────────────────────────────────
def detect_bad_reviews(ctx: Context, reviews: Table) -> list[Incident]:
    rule = ctx.rules["M-PEN-BADREV"]
    out = []
    for record in reviews.records:
        day = _day(record.get("date"))
        if record.get("rating") != "差评" or record.get("about_service") is not True or not ctx.in_month(day):
            continue
        text = str(record.get("text") or "").strip()
        points = rule.text_points if text and rule.text_points is not None else rule.low
        order_id = record.get("order_id")
        detail = pick(f"差评（针对服务）订单 {order_id or '—'}，{'有文字评价' if text else '无文字'}",
                      f"bad review about service, order {order_id or '—'}, {'with text' if text else 'no text'}")
        agent = str(record.get("agent") or "").strip() or None
        out.append(Incident(day, agent, "M-PEN-BADREV", points, "detected", (Evidence.of(reviews, record.row, detail),),
                            key=str(order_id) if order_id else f"review:{record.row}", due=day))
    return out
