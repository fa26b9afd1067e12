"""The remark parser: flags from columns and markers, parts per colour, money, dates, names, canonical form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automation.config import Person
from automation.remarks import FLAGS, PARTS, Remark, canonical, flag_from_cell, parse_remark

STAFF = ("张三", "李四", "王五", "小美")


def parse(text, flag=None, **kw):
    kw.setdefault("staff", STAFF)
    kw.setdefault("default_year", 2026)
    return parse_remark(text, flag, **kw)


# ---- flags -----------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, flag", [
    ("红", "红"), ("红色", "红"), ("红旗", "红"), ("red", "红"), ("Red", "红"), (" 紫色旗 ", "紫"), ("粉红", "紫"),
    (1, "红"), (1.0, "红"), ("2", "黄"), (3, "绿"), (4, "蓝"), (5, "紫"), (0, "灰"), ("无旗", "灰"),
    ("blue", "蓝"), ("ＲＥＤ", "红"), ("purple flag", "紫"),
    (None, None), ("", None), (7, None), ("橙", None), (True, None), ("abc", None),
])
def test_flag_column_values(cell, flag):
    assert flag_from_cell(cell) == flag


@pytest.mark.parametrize("text, flag", [
    ("红旗 张三：要发顺丰", "红"), ("【红】张三：要发顺丰", "红"), ("[红]张三:要发顺丰", "红"), ("［红旗］张三：要", "红"),
    ("红旗+张三：发顺丰", "红"), ("紫色旗 10.12 换货", "紫"), ("（蓝）10.13 退款", "蓝"), ("【绿旗】10.12 截单 王五", "绿"),
    ("黄旗", "黄"), ("插红旗 张三：送小样", "红"), ("red flag 张三: 送小样", "红"), ("粉红旗 10.12 换货", "紫"),
])
def test_flag_from_marker(text, flag):
    remark = parse(text)
    assert (remark.flag, remark.flag_source, remark.marker_flag) == (flag, "marker", flag)


@pytest.mark.parametrize("text", ["红色L换黑色XL", "黄色的要大一号", "张三：要发顺丰", "蓝色款缺货", "红色旗袍换M码"])
def test_colour_words_inside_a_remark_are_not_markers(text):
    assert parse(text).flag is None


def test_column_wins_over_marker_and_the_conflict_is_recorded():
    remark = parse("黄旗 李四", "红")
    assert (remark.flag, remark.flag_source, remark.marker_flag, remark.flag_conflict) == ("红", "column", "黄", True)
    agree = parse("红旗 张三：要发顺丰", 1)
    assert (agree.flag, agree.flag_source, agree.flag_conflict) == ("红", "column", False)


def test_grey_column_is_no_flag_and_does_not_override_a_marker():
    remark = parse("紫旗 10.12 换货：白色L换黑色XL 差价0 运费买家承担12元 李四", 0)
    assert (remark.flag, remark.flag_source) == ("紫", "marker")
    assert parse("随便写点什么", 0).flag == "灰"


# ---- red / yellow ----------------------------------------------------------------------------

def test_red_name_and_requests():
    remark = parse("红旗 张三：要发顺丰，送小样")
    assert (remark.flag, remark.name, remark.requests, remark.missing) == ("红", "张三", "要发顺丰，送小样", ())
    assert canonical(remark) == "【红旗】张三：要发顺丰，送小样"


def test_red_name_recognised_by_shape_when_not_in_staff():
    remark = parse("红旗 陈晓：周五前发货", staff=())
    assert (remark.name, remark.requests) == ("陈晓", "周五前发货")


def test_red_staff_names_may_be_person_objects():
    remark = parse("红旗 Amy：加急", staff=[Person("Amy", "客服")])
    assert (remark.name, remark.requests) == ("Amy", "加急")


def test_red_without_name_is_missing_the_name():
    remark = parse("红旗 要发顺丰")
    assert (remark.name, remark.requests, remark.missing) == (None, "要发顺丰", ("name",))
    assert canonical(remark).endswith("〔缺：姓名〕")


def test_red_without_requests():
    assert parse("红旗 张三：").missing == ("requests",)


def test_promotion_needs_no_name_but_still_the_requests():
    remark = parse("红旗 要发顺丰", promo=True)
    assert remark.missing == ()
    assert parse("红旗", promo=True).missing == ("requests",)


def test_yellow_with_name_or_public():
    named = parse("黄旗 李四")
    assert (named.name, named.public, named.missing) == ("李四", False, ())
    said = parse("【黄】公共订单")
    assert (said.name, said.public, said.missing) == (None, True, ())
    assert canonical(said) == "【黄旗】公共订单"


def test_yellow_saying_neither_name_nor_public_lacks_the_name():
    """M-FLAG-YELLOW: the remark names the agent or says it is public; an empty one says neither
    (it still counts as public for attribution, since no agent is named)."""
    empty = parse("黄旗")
    assert (empty.name, empty.public, empty.missing) == (None, True, ("name",))
    assert canonical(empty) == "【黄旗】 〔缺：姓名或公共订单〕"
    assert parse("黄旗", promo=True).missing == ()  # during a promotion no name is needed


# ---- green / purple / blue -------------------------------------------------------------------

def test_green_date_reason_name():
    remark = parse("绿旗 10.12 快递截单 王五")
    assert (remark.date, remark.reason, remark.name, remark.missing) == (dt.date(2026, 10, 12), "快递截单", "王五", ())
    assert canonical(remark) == "【绿旗】2026-10-12 快递截单 王五"


def test_green_missing_date_and_reason():
    assert parse("绿旗 王五").missing == ("date", "reason")
    assert parse("绿旗 10月12日 告知下架").missing == ("name",)


def test_purple_full_exchange():
    remark = parse("紫旗 2026-10-12 换货：白色L换黑色XL 差价0 运费买家承担12元 李四")
    assert remark.items == "白色L换黑色XL"
    assert (remark.price_diff, remark.postage, remark.postage_payer) == (Decimal(0), Decimal(12), "买家")
    assert (remark.date, remark.name, remark.missing) == (dt.date(2026, 10, 12), "李四", ())
    assert canonical(remark) == "【紫旗】2026-10-12 换货：白色L换黑色XL 差价0 运费买家承担12元 李四"


def test_purple_with_reason_waybill_and_sign():
    remark = parse("紫色旗 10/12 尺码不合适，白色L换黑色XL，补差价¥20，邮费买家承担12元，新单号SF1234567890123 李四")
    assert (remark.reason, remark.items, remark.price_diff) == ("尺码不合适", "白色L换黑色XL", Decimal(20))
    assert remark.waybill == "SF1234567890123"
    assert remark.missing == ()


def test_purple_missing_price_difference_and_postage():
    remark = parse("紫旗 10.12 白色L换黑色XL 李四")
    assert remark.missing == ("price_diff", "postage")
    assert canonical(remark).endswith("〔缺：差价、运费〕")


def test_purple_freight_collect_counts_as_postage_stated_and_is_flagged():
    remark = parse("紫旗 10.12 换货 黑色XL 差价0 运费到付 李四")
    assert remark.freight_collect is True
    assert "postage" not in remark.missing
    assert remark.items == "黑色XL"


@pytest.mark.parametrize("text, items, reason", [
    ("紫旗 10.12 换货内容：黑色 XL 差价0 运费买家承担 李四", "黑色 XL", None),  # colour and size apart
    ("紫旗 10.12 换货：白色L 换 黑色XL 差价0 运费买家承担 李四", "白色L 换 黑色XL", None),
    ("紫旗 10.12 换货：白色 L 换黑色 XL 差价0 运费买家承担 李四", "白色 L 换黑色 XL", None),
    ("紫旗 10.12 换货 黑色 XL码 原因：偏小 差价0 运费买家承担 李四", "黑色 XL码", "偏小"),
    ("紫旗 10.12 换货：42码换43码 偏小 差价0 运费买家承担 李四", "42码换43码", "偏小"),
    ("紫旗 10.12 换货 黑色XL 顾客说太小 差价0 运费买家承担 李四", "黑色XL", "顾客说太小"),  # no size: the reason
    ("紫旗 10.12 换货 白色 大了 差价0 运费买家承担 李四", "白色", "大了"),  # 大了 is a reason, not a size
])
def test_purple_items_written_with_spaces_stay_the_items(text, items, reason):
    """A colour or size written apart after the exchanged items is more of them, not the reason."""
    remark = parse(text)
    assert (remark.items, remark.reason, remark.missing) == (items, reason, ())
    assert canonical(remark).startswith(f"【紫旗】2026-10-12 换货：{items}")


def test_blue_refund():
    remark = parse("蓝旗 10.13 退款：质量问题 运费卖家承担 张三")
    assert (remark.reason, remark.postage, remark.postage_payer, remark.missing) == ("质量问题", None, "卖家", ())
    assert canonical(remark) == "【蓝旗】2026-10-13 退款：质量问题 运费卖家承担 张三"


def test_blue_without_reason_or_postage():
    assert parse("蓝旗 10.13 退款 张三").missing == ("reason", "postage")


@pytest.mark.parametrize("action", ["退货退款", "仅退款", "申请退款", "退款：", "退货"])
def test_blue_action_words_are_no_reason(action):
    remark = parse(f"蓝旗 10.20 {action} 运费买家承担 李四")
    assert (remark.reason, remark.missing) == (None, ("reason",))
    assert parse(f"蓝旗 10.20 {action}尺码不合适 运费买家承担 李四").reason == "尺码不合适"


# ---- money, dates, waybills ------------------------------------------------------------------

@pytest.mark.parametrize("text, diff", [
    ("差价20", Decimal(20)), ("差价-15元", Decimal(-15)), ("补差价¥20", Decimal(20)), ("补差价￥20.5", Decimal("20.5")),
    ("退差价15", Decimal(-15)), ("差价：0", Decimal(0)), ("无差价", Decimal(0)), ("补20元差价", Decimal(20)), ("换货", None),
])
def test_price_difference(text, diff):
    assert parse(f"紫旗 {text}").price_diff == diff


@pytest.mark.parametrize("text, postage, payer", [
    ("运费12", Decimal(12), None), ("邮费买家承担12元", Decimal(12), "买家"), ("运费卖家出", None, "卖家"),
    ("包邮", Decimal(0), "卖家"), ("买家承担运费10元", Decimal(10), "买家"), ("来回运费顾客承担", None, "买家"),
    ("运费10元买家出", Decimal(10), "买家"), ("运费自理", None, "买家"), ("邮费：８元", Decimal(8), None),
])
def test_postage(text, postage, payer):
    remark = parse(f"蓝旗 10.12 尺码不合适 {text} 张三")
    assert (remark.postage, remark.postage_payer) == (postage, payer)
    assert "postage" not in remark.missing


@pytest.mark.parametrize("text, date", [
    ("10.12", dt.date(2026, 10, 12)), ("10-12", dt.date(2026, 10, 12)), ("10/12", dt.date(2026, 10, 12)),
    ("10月12日", dt.date(2026, 10, 12)), ("10月2号", dt.date(2026, 10, 2)), ("2025-12-31", dt.date(2025, 12, 31)),
    ("2026年1月5日", dt.date(2026, 1, 5)), ("2026.10.12", dt.date(2026, 10, 12)), ("13.40", None), ("2.30", None),
])
def test_dates(text, date):
    assert parse(f"绿旗 {text} 快递截单 王五").date == date


def test_year_comes_from_default_year():
    assert parse("绿旗 10.12 截单 王五", default_year=2025).date == dt.date(2025, 10, 12)


def test_amount_with_decimals_is_not_a_date():
    remark = parse("蓝旗 10.13 尺码不合适 运费12.50元 张三")
    assert (remark.date, remark.postage) == (dt.date(2026, 10, 13), Decimal("12.50"))


def test_waybill_labelled_and_bare():
    assert parse("紫旗 10.12 换货 新单号：中通 773012345678901 李四").waybill == "773012345678901"
    assert parse("紫旗 10.12 换货 YT1234567890123 李四").waybill == "YT1234567890123"
    assert parse("紫旗 10.12 换货 13912345678 李四").waybill is None  # a phone number is no waybill


def test_full_width_text_is_understood_and_kept_as_written():
    remark = parse("【红旗】张三：要发顺丰，送小样；加急")
    assert remark.requests == "要发顺丰，送小样；加急"


def test_name_at_end_needs_a_name_shape():
    assert parse("绿旗 10.12 快递截单", staff=()).name is None
    assert parse("绿旗 10.12 快递截单 刘洋", staff=()).name == "刘洋"
    assert parse("绿旗 10.12 告知下架 客服小丽", staff=()).name == "小丽"


def test_remark_has_exactly_the_agreed_fields_first():
    names = list(Remark.__dataclass_fields__)
    assert names[:14] == ["flag", "flag_source", "name", "date", "reason", "requests", "items", "price_diff", "postage",
                          "public", "waybill", "freight_collect", "missing", "text"]


def test_unflagged_remark_is_kept_as_written():
    remark = parse("  顾客说周末在家  ")
    assert (remark.flag, remark.missing, remark.text) == (None, (), "  顾客说周末在家  ")
    assert canonical(remark) == "顾客说周末在家"


# ---- properties ------------------------------------------------------------------------------

REMARK_ALPHABET = st.sampled_from(list("红黄绿紫蓝灰旗色【】[]()（）：:，,；; +-—/.年月日号差价运费邮买家卖承担元¥￥到付包换货退款张三李四王五小美0123456789SFLX\n\t"))
CELLS = st.one_of(st.none(), st.integers(-10, 20), st.floats(allow_nan=True), st.text(max_size=8), st.booleans(),
                  st.decimals(allow_nan=False), st.dates(), st.sampled_from(["红", "紫色旗", "5", "red"]))


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.none(), st.text(max_size=60), st.text(REMARK_ALPHABET, max_size=60)), cell=CELLS,
       promo=st.booleans(), year=st.one_of(st.none(), st.integers(1, 9999)))
def test_never_raises_and_is_consistent(text, cell, promo, year):
    remark = parse_remark(text, cell, staff=STAFF, promo=promo, default_year=year)
    assert remark.flag in (*FLAGS, None)
    assert set(remark.missing) <= set(PARTS)
    assert not (promo and "name" in remark.missing)
    assert remark.flag_source in ("column", "marker", None)
    assert (remark.flag is None) == (remark.flag_source is None)
    assert isinstance(canonical(remark), str)
    for money in (remark.price_diff, remark.postage):
        assert money is None or isinstance(money, Decimal)


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(STAFF), month=st.integers(1, 12), day=st.integers(1, 28),
       diff=st.integers(-200, 200), postage=st.integers(0, 50), payer=st.sampled_from(["买家", "卖家"]))
def test_canonical_purple_parses_back_to_the_same_parts(name, month, day, diff, postage, payer):
    text = f"紫旗 {month}.{day} 换货：白色L换黑色XL 差价{diff} 运费{payer}承担{postage}元 {name}"
    remark = parse(text)
    again = parse(canonical(remark))
    assert remark.missing == () and again.missing == ()
    for part in ("flag", "name", "date", "items", "price_diff", "postage", "postage_payer"):
        assert getattr(again, part) == getattr(remark, part)
    assert (remark.date, remark.price_diff, remark.postage) == (dt.date(2026, month, day), Decimal(diff), Decimal(postage))
