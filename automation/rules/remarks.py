"""Remark-flag conventions (M-FLAG-*): each flagged remark carries the parts its colour needs.

The parsing is automation.remarks (parse_remark); here its `missing` parts become findings, one rule
per colour. During a promotion (shop.toml [[promotions]]) no name is needed (M-FLAG-PROMO)."""

from __future__ import annotations

from collections.abc import Iterator

from ..i18n import lang
from ..remarks import Remark, parse_remark
from ..tables import Record, Table
from .catalog import Context, Hit, hit, rule
from .needs import any_of, own

PART_NAMES = {
    "name": ("客服姓名", "agent name"), "name_or_public": ("客服姓名或“公共订单”", "agent name or 公共订单 (public)"), "date": ("日期", "date"), "reason": ("原因", "reason"),
    "requests": ("顾客要求", "customer's requests"), "items": ("换货内容", "exchanged items"),
    "price_diff": ("差价", "price difference"), "postage": ("运费", "postage"),
}


def parsed_remarks(table: Table, ctx: Context) -> dict[int, tuple[Record, Remark]]:
    """Every order's remark parsed once per run: row -> (record, Remark)."""

    def parse() -> dict[int, tuple[Record, Remark]]:
        staff = [p.name for p in ctx.config.staff]
        out = {}
        for record in table.records:
            text, flag = record.get("remark"), record.get("flag")
            if text is None and flag is None:
                continue
            moment = record.get("paid_at") or record.get("created_at")
            promo = ctx.config.promotion_at(moment) is not None
            year = moment.year if moment else ctx.as_of.year
            out[record.row] = (record, parse_remark(text, flag, staff=staff, promo=promo, default_year=year))
        return out

    return ctx.memo(("remarks", id(table)), parse)


def _parts(missing: tuple[str, ...]) -> str:
    index = 1 if lang() == "en" else 0
    return ("、" if index == 0 else ", ").join(PART_NAMES[p][index] for p in missing)


def _missing(table: Table, ctx: Context, colour: str) -> Iterator[Hit]:
    if not table.has("remark"):
        return
    for record, remark in parsed_remarks(table, ctx).values():
        missing = remark.missing if remark.flag == colour else ()
        if colour == "黄":
            missing = tuple("name_or_public" if p == "name" else p for p in missing)
        if missing:
            yield hit(record, "remark", parts=_parts(missing))


_PROMO_NOTE_ZH = "活动期间（shop.toml 的 [[promotions]]）无需写姓名。"  # the clause id stays in 依据
_PROMO_NOTE_EN = " During a promotion ([[promotions]] in shop.toml) no name is needed."


@rule("FLG001", "red-remark-incomplete", "error", "M-FLAG-RED", "orders", field="remark",
      requires=own("remark"),
      zh="红旗备注缺少：{parts}（{value}）", en="Red-flag remark lacks: {parts} ({value})",
      fix_zh="红旗（客服接单）备注写成“姓名：顾客要求”，如“张三：要发顺丰”。" + _PROMO_NOTE_ZH,
      fix_en="A red-flag remark reads 'name: the customer's requests', e.g. 张三：要发顺丰." + _PROMO_NOTE_EN)
def red_incomplete(table: Table, ctx: Context) -> Iterator[Hit]:
    return _missing(table, ctx, "红")


@rule("FLG002", "yellow-remark-incomplete", "warning", "M-FLAG-YELLOW", "orders", field="remark",
      requires=own("remark"),
      zh="黄旗备注缺少：{parts}（{value}）", en="Yellow-flag remark lacks: {parts} ({value})",
      fix_zh="黄旗（催单）备注写回复买家的客服姓名；无人回复则写“公共订单”。",
      fix_en="A yellow-flag remark names the agent the buyer answered; otherwise it says 公共订单 (a public order).")
def yellow_incomplete(table: Table, ctx: Context) -> Iterator[Hit]:
    return _missing(table, ctx, "黄")


@rule("FLG003", "green-remark-incomplete", "error", "M-FLAG-GREEN", "orders", field="remark",
      requires=own("remark"),
      zh="绿旗备注缺少：{parts}（{value}）", en="Green-flag remark lacks: {parts} ({value})",
      fix_zh="绿旗（异常订单）备注写 日期 + 原因（如快递截单、告知下架）+ 姓名。" + _PROMO_NOTE_ZH,
      fix_en="A green-flag remark reads date + reason (e.g. 快递截单, 告知下架) + name." + _PROMO_NOTE_EN)
def green_incomplete(table: Table, ctx: Context) -> Iterator[Hit]:
    return _missing(table, ctx, "绿")


@rule("FLG004", "purple-remark-incomplete", "error", "M-FLAG-PURPLE", "orders", field="remark",
      requires=own("remark"),
      zh="紫旗备注缺少：{parts}（{value}）", en="Purple-flag remark lacks: {parts} ({value})",
      fix_zh="紫旗（换货）备注写 日期 + 换货内容 + 差价 + 运费 + 姓名。" + _PROMO_NOTE_ZH,
      fix_en="A purple-flag remark reads date + exchanged items + price difference + postage + name." + _PROMO_NOTE_EN)
def purple_incomplete(table: Table, ctx: Context) -> Iterator[Hit]:
    return _missing(table, ctx, "紫")


@rule("FLG005", "blue-remark-incomplete", "error", "M-FLAG-BLUE", "orders", field="remark",
      requires=own("remark"),
      zh="蓝旗备注缺少：{parts}（{value}）", en="Blue-flag remark lacks: {parts} ({value})",
      fix_zh="蓝旗（退款）备注写 日期 + 退款原因 + 运费 + 姓名。" + _PROMO_NOTE_ZH,
      fix_en="A blue-flag remark reads date + refund reason + postage + name." + _PROMO_NOTE_EN)
def blue_incomplete(table: Table, ctx: Context) -> Iterator[Hit]:
    return _missing(table, ctx, "蓝")


@rule("FLG006", "flag-disagrees-with-marker", "warning", "M-ORD-NOTE", "orders", field="flag",
      requires=own("remark", "flag"),
      zh="旗帜列是“{value}”，备注开头却写着“{marker}”", en="The flag column says {value} but the remark starts with {marker}",
      fix_zh="统一旗帜颜色与备注开头的标记（以旗帜列为准）。", fix_en="Make the flag column and the remark's marker agree (the column wins).")
def flag_disagrees(table: Table, ctx: Context) -> Iterator[Hit]:
    if not table.has("remark") or not table.has("flag"):
        return
    for record, remark in parsed_remarks(table, ctx).values():
        if remark.marker_flag and remark.flag and remark.marker_flag != remark.flag:
            yield hit(record, "flag", marker=remark.marker_flag + "旗")


@rule("FLG007", "request-not-in-remark", "warning", "M-ORD-NOTE", "orders", field="remark",
      requires=own("remark", any_of("buyer_message", "changed_address")),
      zh="{what}，但卖家备注是空的", en="{what_en}, but the seller remark is empty",
      fix_zh="把买家的特殊要求（留言、改地址等）写进卖家备注。",
      fix_en="Write the buyer's special requests (message, changed address, …) into the seller remark.")
def request_not_in_remark(table: Table, ctx: Context) -> Iterator[Hit]:
    """A 买家留言 or a changed address the seller remark does not carry (000 §4.6, 003 §7). Needs the
    remark column and at least one of the two; a closed order needs nothing."""
    sources = [f for f in ("buyer_message", "changed_address") if table.has(f)]
    if not table.has("remark") or not sources:
        return
    for record in table.records:
        if record.get("remark") or record.get("status") == "交易关闭":
            continue
        said = [f for f in sources if str(record.get(f) or "").strip()]
        if said:
            zh = "、".join({"buyer_message": "买家有留言", "changed_address": "收货地址已修改"}[f] for f in said)
            en = ", ".join({"buyer_message": "The buyer left a message", "changed_address": "The address was changed"}[f] for f in said)
            yield hit(record, "remark", what=zh, what_en=en)
