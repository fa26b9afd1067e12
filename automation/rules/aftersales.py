"""After-sales rules (M-AS-*): the 7-day window, who bears the postage for the reason, the exchange's
new waybill, no freight-collect on exchanges. Checked on the returns sheet (退换货登记) and on the
purple/blue remarks of the orders sheet."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from ..i18n import pick
from ..lazyre import lazy_compile
from ..remarks import BUYER, SELLER
from ..tables import Table
from .catalog import Context, Hit, hit, rule
from .needs import any_of, own
from .remarks import parsed_remarks

EXCHANGE, RETURN = "换货", "退货"
BUYER_REASONS = ("尺码", "尺寸", "大小", "偏大", "偏小", "颜色", "色差", "款式", "不喜欢", "无理由", "拍错", "不想要", "不合适")
SHOP_REASONS = ("质量", "破损", "开线", "脱线", "污渍", "瑕疵", "起球", "掉色", "货不对板", "发错", "错发", "少发", "漏发",
                "与描述不符")
_NEGATED = lazy_compile(r"(?:非|不是|没有|无)(?:质量|破损|瑕疵)")


def payer_for(reason: str | None, buyer_words=BUYER_REASONS, shop_words=SHOP_REASONS) -> str | None:
    """Who bears the postage for a reason (M-AS-FREIGHT): 卖家 for quality/wrong item, 买家 for
    size/colour/style/no reason (色差 is not a quality problem); None when the reason says neither."""
    if not reason:
        return None
    text = _NEGATED.sub("×", str(reason))
    if any(word in text for word in shop_words):
        return SELLER
    if any(word in text for word in buyer_words):
        return BUYER
    return None


def _days(later: dt.date | dt.datetime, earlier: dt.date | dt.datetime) -> int:
    as_date = lambda d: d.date() if isinstance(d, dt.datetime) else d
    return (as_date(later) - as_date(earlier)).days


def window_applies(kind: str | None, reason: str | None) -> bool:
    """M-AS-WINDOW: the 7 days bind exchanges and no-reason returns; a return for a quality problem
    or a wrong item (the shop's fault) is accepted later too (000 六.3, 七)."""
    if kind == EXCHANGE:
        return True
    return kind == RETURN and payer_for(reason) != SELLER


@rule("AS001", "after-sales-window", "error", "M-AS-WINDOW", "returns", field="date",
      requires=own("kind", "signed_on", "date"),
      zh="{kind}申请在签收 {days} 天后（签收 {signed}），超过 {limit} 天", en="{kind} {days} days after sign-for ({signed}), more than {limit}",
      fix_zh="换货/七天无理由退货须在签收后 7 天内；超期请主管确认是否受理。",
      fix_en="Exchanges and no-reason returns are accepted within 7 days of sign-for; ask the supervisor about late ones.",
      options={"days": 7})
def window(table: Table, ctx: Context) -> Iterator[Hit]:
    limit = ctx.options["days"]
    for record in table.records:
        signed, asked = record.get("signed_on"), record.get("date")
        if window_applies(record.get("kind"), record.get("reason")) and signed and asked and _days(asked, signed) > limit:
            yield hit(record, "date", kind=record.get("kind"), days=_days(asked, signed), signed=f"{signed:%m-%d}", limit=limit)


@rule("AS002", "postage-wrong-party", "error", "M-AS-FREIGHT", "returns", field="postage_by",
      requires=own("kind", "reason", "postage_by"),
      zh="原因是“{reason}”，运费应由{expected}承担，登记为{value}", en="The reason is '{reason}': {expected} should bear the postage, not {value}",
      fix_zh="尺码/颜色/款式/无理由（含色差）由买家承担来回运费；质量问题或货不对板由店铺承担。",
      fix_en="Size/colour/style/no-reason (incl. colour difference): the buyer pays both ways; quality problem or wrong item: the shop pays.",
      options={"buyer_reasons": BUYER_REASONS, "shop_reasons": SHOP_REASONS})
def postage_wrong_party(table: Table, ctx: Context) -> Iterator[Hit]:
    for record in table.records:
        party = record.get("postage_by")
        expected = payer_for(record.get("reason"), ctx.options["buyer_reasons"], ctx.options["shop_reasons"])
        if party and expected and party != expected and record.get("kind") in (EXCHANGE, RETURN, "退款"):
            yield hit(record, "postage_by", reason=record.get("reason"), expected=expected)


@rule("AS003", "exchange-without-new-waybill", "warning", "M-ORD-DUP", "returns", field="new_waybill",
      requires=own("kind", "new_waybill"),
      zh="换货未登记新快递单号", en="Exchange without the new waybill number",
      fix_zh="换货发出后把新快递单号写进登记和订单备注，避免重复发货。",
      fix_en="Write the new waybill into the register and the order remark once the exchange ships, so it is not sent twice.")
def exchange_without_waybill(table: Table, ctx: Context) -> Iterator[Hit]:
    if table.has("new_waybill"):
        for record in table.records:
            if record.get("kind") == EXCHANGE and not record.get("new_waybill"):
                yield hit(record, "new_waybill")


SURFACE_MAIL = "平邮"


@rule("AS004", "exchange-freight-collect", "error", "M-AS-EXPRESS", "returns", field="freight_collect",
      requires=own("kind", any_of("freight_collect", "courier")),
      zh="换货使用了到付或平邮：{value}", en="Exchange sent freight collect (到付) or by surface mail (平邮): {value}",
      fix_zh="换货只走快递，不接受到付和平邮；请与买家重新约定运费。",
      fix_en="Exchanges go by express only; freight collect and surface mail are refused. Agree the postage with the buyer.")
def exchange_freight_collect(table: Table, ctx: Context) -> Iterator[Hit]:
    for record in table.records:
        if record.get("kind") != EXCHANGE:
            continue
        if record.get("freight_collect") is True:
            yield hit(record, "freight_collect", "到付")
        elif SURFACE_MAIL in str(record.get("courier") or ""):
            yield hit(record, "courier")


# ── the same conventions on the orders' purple (exchange) and blue (refund) remarks ──

@rule("AS005", "remark-exchange-without-waybill", "warning", "M-ORD-DUP", "orders", field="remark",
      requires=own("remark"),
      zh="换货备注中没有新快递单号：{value}", en="Exchange remark without the new waybill: {value}",
      fix_zh="换货发出后把新快递单号写进备注（000 六.7）。", fix_en="Write the new waybill into the remark once the exchange ships (000 六.7).")
def remark_exchange_without_waybill(table: Table, ctx: Context) -> Iterator[Hit]:
    for record, remark in parsed_remarks(table, ctx).values():
        if remark.flag == "紫" and remark.waybill is None:
            yield hit(record, "remark")


@rule("AS006", "remark-exchange-freight-collect", "error", "M-AS-EXPRESS", "orders", field="remark",
      requires=own("remark"),
      zh="换货备注写了到付或平邮：{value}", en="Exchange remark says freight collect (到付) or surface mail (平邮): {value}",
      fix_zh="换货只走快递，不接受到付和平邮。", fix_en="Exchanges go by express only; freight collect and surface mail are refused.")
def remark_exchange_freight_collect(table: Table, ctx: Context) -> Iterator[Hit]:
    for record, remark in parsed_remarks(table, ctx).values():
        if remark.flag == "紫" and (remark.freight_collect or SURFACE_MAIL in remark.text):
            yield hit(record, "remark")


@rule("AS007", "remark-postage-wrong-party", "warning", "M-AS-FREIGHT", "orders", field="remark",
      requires=own("remark"),
      zh="备注原因“{reason}”应由{expected}承担运费，备注写的是{payer}", en="Remark reason '{reason}': {expected} should bear the postage, the remark says {payer}",
      fix_zh="尺码/颜色/款式/无理由由买家承担运费；质量问题或货不对板由店铺承担。",
      fix_en="Size/colour/style/no-reason: the buyer pays; quality problem or wrong item: the shop pays.")
def remark_postage_wrong_party(table: Table, ctx: Context) -> Iterator[Hit]:
    for record, remark in parsed_remarks(table, ctx).values():
        reason = remark.reason or remark.items
        expected = payer_for(reason)
        if remark.flag in ("紫", "蓝") and remark.postage_payer and expected and remark.postage_payer != expected:
            yield hit(record, "remark", reason=reason, expected=expected, payer=remark.postage_payer)


@rule("AS008", "remark-after-window", "warning", "M-AS-WINDOW", "orders", field="remark",
      requires=own("remark", "signed_at"),
      zh="换货/退货备注日期 {date} 在签收 {days} 天后（超过 {limit} 天）", en="Exchange/refund remark dated {date}, {days} days after sign-for (more than {limit})",
      fix_zh="换货与七天无理由退货须在签收后 7 天内受理。", fix_en="Exchanges and no-reason returns are accepted within 7 days of sign-for.",
      options={"days": 7})
def remark_after_window(table: Table, ctx: Context) -> Iterator[Hit]:
    if not table.has("signed_at"):
        return
    limit = ctx.options["days"]
    for record, remark in parsed_remarks(table, ctx).values():
        signed = record.get("signed_at")
        kind = EXCHANGE if remark.flag == "紫" else RETURN
        if (remark.flag in ("紫", "蓝") and window_applies(kind, remark.reason) and remark.date and signed
                and _days(remark.date, signed) > limit):
            yield hit(record, "remark", date=f"{remark.date:%m-%d}", days=_days(remark.date, signed), limit=limit)


# ── M-AS-LOG: every after-sales entry is recorded and followed up ───────────

LOG_FIELDS = ("logistics", "complete", "followed_up")
PARCEL_KINDS = (EXCHANGE, RETURN, "拒收", "退件")  # a parcel comes back: its completeness is checked
DONE_WORDS = ("已完成", "完成", "已解决", "已退款", "已换货", "已补发", "已关闭", "结束", "已处理", "已结案")


@rule("AS009", "after-sales-log-incomplete", "error", "M-AS-LOG", "returns",
      zh="售后登记缺少“{header}”", en="After-sales entry without '{header}'",
      fix_zh="每笔换货/退货/退款都要登记物流状态、是否完整（退回的包裹）和跟进情况；拒收和退件写明原因。",
      fix_en="Record logistics status, completeness (for returned parcels) and follow-up for every entry; give the reason for refused and returned parcels.",
      requires=own("kind", any_of("logistics", "complete", "followed_up")))
def after_sales_log_incomplete(table: Table, ctx: Context) -> Iterator[Hit]:
    present = [f for f in (*LOG_FIELDS, "reason") if table.has(f)]
    for record in table.records:
        kind = record.get("kind")
        if kind is None:
            continue
        for name in present:
            needed = (name != "complete" or kind in PARCEL_KINDS) and (name != "reason" or kind in ("拒收", "退件"))
            if needed and record.get(name) is None:
                yield hit(record, name, header=table.header_of(name))


def is_open(record) -> bool:
    text = str(record.get("followed_up") or "")
    return not any(word in text for word in DONE_WORDS)


@rule("AS010", "after-sales-open-too-long", "warning", "M-AS-LOG", "returns", field="followed_up",
      zh="售后登记 {days} 天仍未跟进完毕（{since} 起，上限 {limit} 天）：{value}",
      en="After-sales entry still open after {days} days (since {since}, limit {limit}): {value}",
      fix_zh="跟进到底：退款、换货发出或关闭后在“跟进情况”写明（如 已退款、已完成）。",
      fix_en="Follow it through; once refunded, re-sent or closed, say so in 跟进情况 (e.g. 已退款, 已完成).",
      options={"days": 7},
      requires=own("date", "followed_up"))
def after_sales_open_too_long(table: Table, ctx: Context) -> Iterator[Hit]:
    """Open = 跟进情况 does not say it is done. `days` is the shop's own limit (the seeds set none)."""
    if not table.has("followed_up"):
        return
    limit = ctx.options["days"]
    for record in table.records:
        since = record.get("date")
        if since is not None and is_open(record) and (ctx.as_of - since).days > limit:
            yield hit(record, "followed_up", days=(ctx.as_of - since).days, since=f"{since:%m-%d}", limit=limit)


# ── M-AS-RESEND: the exchange leaves again soon after the return arrives ────

def _shipped_waybills(ctx: Context) -> dict[str, dt.date]:
    shipments = ctx.table("shipments")
    if shipments is None:
        return {}
    return {str(r.get("waybill")): r.get("date") for r in shipments.records if r.get("waybill") and r.get("date")}


@rule("AS011", "exchange-resent-late", "error", "M-AS-RESEND", "returns", field="arrived_on",
      zh="换货退回件 {value} 到货，{deadline} 前未重新发出（{resent}）", en="Exchange return arrived {value}, not re-sent by {deadline} ({resent})",
      fix_zh="退回的货到后尽快换发；如要延迟，须事先通知买家（000 六.2）。",
      fix_en="Re-send the exchange soon after the returned goods arrive; tell the buyer first if it will be late (000 六.2).",
      options={"workdays": 2},
      requires=own("kind", "arrived_on", any_of("resent_on", "new_waybill")))
def exchange_resent_late(table: Table, ctx: Context) -> Iterator[Hit]:
    """Re-sent = 换货发出日期, else the shipping register's date of the new waybill. Needs 退件到货日期."""
    if not table.has("arrived_on"):
        return
    shipped = ctx.memo("shipped_waybills", lambda: _shipped_waybills(ctx))
    calendar = ctx.calendar
    for record in table.records:
        arrived = record.get("arrived_on")
        if record.get("kind") != EXCHANGE or arrived is None:
            continue
        deadline = calendar.add_workdays(calendar.workday_on_or_after(arrived), ctx.options["workdays"])
        resent = record.get("resent_on") or shipped.get(str(record.get("new_waybill")))
        if (resent is not None and resent > deadline) or (resent is None and ctx.as_of > deadline):
            yield hit(record, "arrived_on", deadline=f"{deadline:%m-%d}",
                      resent=f"{resent:%m-%d}" if resent else pick("未发出", "not yet"))
