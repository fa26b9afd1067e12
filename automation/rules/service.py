"""Customer-service rules on the service-statistics book and the message log: the first reply within
45 seconds (M-PEN-FIRSTREPLY, 001 二.3, a rule without points) and every enquiry or complaint answered
within 24 hours (M-MSG-24H, 003 第十一条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from ..tables import Table
from .catalog import Context, Hit, hit, rule
from .needs import own


@rule("SVC001", "first-reply-slow", "warning", "M-PEN-FIRSTREPLY", "service", field="first_reply_seconds",
      requires=own("first_reply_seconds"),
      zh="{agent} {date} 平均首次响应 {value} 秒，超过 {limit} 秒", en="{agent} on {date}: first reply took {value} s on average, over {limit} s",
      fix_zh="首句咨询须在 45 秒内回复客人：设置快捷回复，忙时请同事支援。",
      fix_en="Answer a customer's first message within 45 seconds: prepare quick replies, ask a colleague to help when busy.",
      options={"max_seconds": 45})
def first_reply_slow(table: Table, ctx: Context) -> Iterator[Hit]:
    limit = Decimal(ctx.options["max_seconds"])
    for record in table.records:
        seconds = record.get("first_reply_seconds")
        if seconds is not None and seconds > limit:
            day = record.get("date")
            yield hit(record, "first_reply_seconds", agent=record.get("agent") or "", limit=ctx.options["max_seconds"],
                      date=f"{day:%m-%d}" if day else "")


@rule("SVC002", "message-not-answered-in-24h", "error", "M-MSG-24H", "messages", field="handled_at",
      requires=own("received_at"),
      zh="留言 {received} 未在 {hours} 小时内回复：{value}", en="Message of {received} not answered within {hours} hours: {value}",
      fix_zh="咨询与投诉须在 24 小时内答复；请尽快回复并写处理批注。",
      fix_en="Enquiries and complaints are answered within 24 hours; reply now and annotate it.",
      options={"hours": 24})
def message_not_answered(table: Table, ctx: Context) -> Iterator[Hit]:
    """Answered more than `hours` after receipt, or still unanswered when the data's period has moved
    past that (as_of is a day: a message is overdue once the whole next day has gone)."""
    if not table.has("received_at"):
        return
    limit = dt.timedelta(hours=ctx.options["hours"])
    period_end = dt.datetime.combine(ctx.as_of, dt.time.max)
    for record in table.records:
        received, handled = record.get("received_at"), record.get("handled_at")
        if received is None:
            continue
        if (handled is not None and handled - received > limit) or (handled is None and period_end - received > limit):
            yield hit(record, "handled_at", handled, received=f"{received:%m-%d %H:%M}", hours=ctx.options["hours"])
