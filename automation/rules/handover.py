"""Handover rules (M-HANDOVER, M-AS-BADREV): an entry for every shift change on the shop's working
days (shifts from shop.toml [[shifts]]), required fields, items left open too long, and unresolved
bad reviews that were never handed over."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..tables import Record, Table
from .catalog import Context, Hit, hit, rule
from .needs import any_of, own, sheet
from .reading import damaged_cells

RESOLVED = "已解决"
WAREHOUSE = "仓库"
BAD_RATINGS = ("中评", "差评")
REQUIRED_FIELDS = ("date", "shift", "from_person", "to_person", "content")


@rule("HND001", "handover-missing", "error", "M-HANDOVER", "handover", field="date",
      requires=own("date", "shift"),
      zh="{value} {shift}没有交接记录", en="No handover entry for {shift} on {value}",
      fix_zh="每次交接班都要写交接本：交接的客户、紧急事项、潜在客户、未完成的中差评。",
      fix_en="Write the handover book at every shift change: customers, urgent matters, prospects, unfinished bad reviews.",
      options={"every_day": False})
def handover_missing(table: Table, ctx: Context) -> Iterator[Hit]:
    """Every configured shift on every working day; and the warehouse's own entry (类型 仓库) on every
    working day from its first one, whenever the warehouse keeps its handover in this book (002 §32.1)."""
    dated = sorted((r for r in table.records if r.get("date") is not None), key=lambda r: (r.get("date"), r.row))
    if not dated:
        return
    written = {(r.get("date"), r.get("shift")) for r in dated}
    written |= {(r.get("date"), WAREHOUSE) for r in dated if r.get("category") == WAREHOUSE}
    starts = {s.name: dated[0].get("date") for s in ctx.config.shifts}
    warehouse = [r.get("date") for r in dated if r.get("category") == WAREHOUSE]
    if warehouse and WAREHOUSE not in starts:
        starts[WAREHOUSE] = warehouse[0]
    day, last = dated[0].get("date"), max(ctx.as_of, dated[-1].get("date"))
    calendar = ctx.calendar
    while day <= last:
        if ctx.options["every_day"] or calendar.is_workday(day):
            for shift, since in starts.items():
                if day >= since and (day, shift) not in written:
                    yield hit(_row_near(dated, day), "date", day.isoformat(), shift=shift)
        day += dt.timedelta(days=1)


def _row_near(dated: list[Record], day: dt.date) -> Record:
    """The row the missing entry belongs after: the last one written on or before that day."""
    before = [r for r in dated if r.get("date") <= day]
    return before[-1] if before else dated[0]


@rule("HND002", "handover-field-missing", "error", "M-HANDOVER", "handover",
      zh="交接记录缺少“{header}”", en="Handover entry without '{header}'",
      fix_zh="交接记录须写明 日期、班次、交班人、接班人 和 交接内容。",
      fix_en="A handover entry states the date, shift, who hands over, who takes over and what.")
def handover_field_missing(table: Table, ctx: Context) -> Iterator[Hit]:
    present = [f for f in REQUIRED_FIELDS if table.has(f)]
    damaged = damaged_cells(table)
    for record in table.records:
        for name in present:
            if record.get(name) is None and (record.row, name) not in damaged:
                yield hit(record, name, header=table.header_of(name))


@rule("HND003", "handover-unresolved", "warning", "M-HANDOVER", "handover", field="status",
      requires=own("date", any_of("status", "resolved_on")),
      zh="交接事项 {days} 天仍未解决（{since} 起，店铺设定上限 {limit} 天）", en="Handover item open for {days} days (since {since}; the shop's limit is {limit})",
      fix_zh="跟进并解决，或上报主管；解决后填写处理状态与解决日期。（天数上限是店铺自定的，不是制度条文，可在 [rules.options.HND003] max_days 修改。）",
      fix_en="Follow it up or escalate to the supervisor; record the status and date when resolved. (The limit is the shop's own choice, not a house rule: [rules.options.HND003] max_days.)",
      options={"max_days": 3})
def handover_unresolved(table: Table, ctx: Context) -> Iterator[Hit]:
    """The manual asks handed-over matters to be followed up (M-HANDOVER) but sets no number of days:
    `max_days` is the shop's own limit (default 3), documented as such in docs/validation.md."""
    limit = ctx.options["max_days"]
    for record in table.records:
        since, status = record.get("date"), record.get("status")
        if since is None or status == RESOLVED or record.get("resolved_on") is not None:
            continue
        if status is None and record.get("category") not in ("中差评", "紧急事项", "客户交接", "潜在客户"):
            continue  # a note without a status is not an open item
        days = (ctx.as_of - since).days
        if days > limit:
            yield hit(record, "status", days=days, since=f"{since:%m-%d}", limit=limit)


@rule("HND004", "bad-review-not-handed-over", "error", "M-AS-BADREV", "reviews", field="rating", needs=("handover",),
      requires=(own("rating", "date", "order_id"), sheet("handover", "order_id", "date")),
      zh="未解决的{value}（{date}）没有交接给下一班", en="Unresolved {value} ({date}) was not handed over to the next shift",
      fix_zh="未处理完的中差评须写进交接本（类型“中差评”，写订单编号），交给下一班跟进。",
      fix_en="Hand unfinished bad reviews over in the handover book (category 中差评, with the order id).")
def bad_review_not_handed_over(table: Table, ctx: Context) -> Iterator[Hit]:
    handed = _handed_over(ctx.table("handover"))
    for record in table.records:
        if record.get("rating") not in BAD_RATINGS or record.get("status") == RESOLVED or record.get("date") is None:
            continue
        order = record.get("order_id")
        if not any(day >= record.get("date") for day in handed.get(str(order), ())):
            yield hit(record, "rating", date=f"{record.get('date'):%m-%d}")


def _handed_over(handover: Table) -> dict[str, list[dt.date]]:
    out: dict[str, list[dt.date]] = {}
    for record in handover.records:
        if record.get("order_id") is not None and record.get("date") is not None:
            out.setdefault(str(record.get("order_id")), []).append(record.get("date"))
    return out
