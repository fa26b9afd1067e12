"""Seller-remark parsing (automation/remarks.py) and the flag rules (FLG*) against the mutants that
survived the mutation run (docs/testing.md): the rules run through the engine on in-memory orders
(tests.rules_helpers.checked), the parser on single remarks; exact findings, parts and texts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from automation.config import Person, Promotion
from automation.i18n import set_lang
from tests.rules_helpers import checked

D = dt.datetime


def order(text, flag=None, **extra):
    return {"订单编号": "5000000000000000001", "订单状态": "交易成功", "订单付款时间": D(2026, 10, 1, 10), "订单备注": text,
            "旗帜": flag, **extra}


def seen(found):
    return [(f.row, f.column, f.message) for f in found]


# ── FLG001–FLG005: each colour's parts ─────────────────────────────────────────────────────────────
ROWS = [order(None), order("【红旗】要发顺丰"), order("红旗 张三："), order("【黄旗】"), order("【绿旗】快递截单"),
        order("【紫旗】10-12 换货：白色L换黑色XL"), order("【蓝旗】退款"), order("张三：要发顺丰", "紫"),
        order("【红旗】张三：要发顺丰", "红"), order(None, "黄"), order("【灰旗】x"), order("【黄旗】公共订单"),
        order("【黄旗】李娜")]


@pytest.mark.parametrize(("code", "expected"), [
    ("FLG001", [(3, "订单备注", "红旗备注缺少：客服姓名（【红旗】要发顺丰）"), (4, "订单备注", "红旗备注缺少：顾客要求（红旗 张三：）")]),
    ("FLG002", [(5, "订单备注", "黄旗备注缺少：客服姓名或“公共订单”（【黄旗】）"),
                (11, "订单备注", "黄旗备注缺少：客服姓名或“公共订单”（（空））")]),
    ("FLG003", [(6, "订单备注", "绿旗备注缺少：客服姓名、日期（【绿旗】快递截单）")]),
    ("FLG004", [(7, "订单备注", "紫旗备注缺少：客服姓名、差价、运费（【紫旗】10-12 换货：白色L换黑色XL）"),
                (9, "订单备注", "紫旗备注缺少：日期、差价、运费（张三：要发顺丰）")]),
    ("FLG005", [(8, "订单备注", "蓝旗备注缺少：客服姓名、日期、原因、运费（【蓝旗】退款）")]),
])
def test_each_colour_lists_the_parts_it_lacks(code, expected):
    found, _ = checked(code, {"orders": ROWS})
    assert seen(found) == expected


def test_parts_in_english():
    set_lang("en")
    found, _ = checked("FLG002", {"orders": ROWS[:5]})
    assert seen(found) == [(5, "订单备注", "Yellow-flag remark lacks: agent name or 公共订单 (public) (【黄旗】)")]
    found, _ = checked("FLG005", {"orders": ROWS})
    assert seen(found) == [(8, "订单备注", "Blue-flag remark lacks: agent name, date, reason, postage (【蓝旗】退款)")]


def test_no_name_is_needed_during_a_promotion_and_staff_names_are_known():
    promo = Promotion("双11", D(2026, 11, 1), D(2026, 11, 11, 23, 59))
    rows = [order("【红旗】要发顺丰", 订单付款时间=D(2026, 10, 31, 23)),  # before it
            order("【红旗】要发顺丰", 订单付款时间=D(2026, 11, 1, 0, 30)),
            order("【红旗】要发顺丰", 订单付款时间=None, 订单创建时间=D(2026, 11, 2))]  # the creation time decides
    found, _ = checked("FLG001", {"orders": rows}, promotions=(promo,))
    assert [f.row for f in found] == [2]
    # a staff member's name is a name even where it does not look like one (未 is a word, not a surname)
    rows = [order("【绿旗】10-12 快递截单 未来")]
    assert seen(checked("FLG003", {"orders": rows})[0]) == [(2, "订单备注", "绿旗备注缺少：客服姓名（【绿旗】10-12 快递截单 未来）")]
    assert checked("FLG003", {"orders": rows}, staff=(Person("未来", "客服"),))[0] == []


def test_a_remark_without_a_year_takes_the_orders_year():
    # AS008 measures the remark's date against the sign-for: 01-05 of the order's year (paid, else created)
    rows = [order("【紫旗】01-05 换货：白色L换黑色XL 差价0 运费买家承担 李四", 订单付款时间=D(2026, 12, 20),
                  确认收货时间=D(2026, 12, 25)),
            order("【紫旗】01-05 换货：白色L换黑色XL 差价0 运费买家承担 李四", 订单付款时间=None, 订单创建时间=D(2027, 12, 20),
                  确认收货时间=D(2026, 12, 25))]
    found, _ = checked("AS008", {"orders": rows})
    assert [(f.row, f.message) for f in found] == [(3, "换货/退货备注日期 01-05 在签收 11 天后（超过 7 天）")]
    rows = [order("【紫旗】01-05 换货：白色L换黑色XL 差价0 运费买家承担 李四", 订单付款时间=None, 确认收货时间=D(2026, 12, 25))]
    found, _ = checked("AS008", {"orders": rows}, as_of=dt.date(2027, 1, 20))  # no order time: the period's year
    assert [(f.row, f.message) for f in found] == [(2, "换货/退货备注日期 01-05 在签收 11 天后（超过 7 天）")]


# ── FLG006, FLG007 ─────────────────────────────────────────────────────────────────────────────────
def test_flag_column_against_the_remarks_marker():
    rows = [order("【红旗】张三：要发顺丰", "红"), order("张三：要发顺丰", "紫"), order("【红旗】张三：要发顺丰", None),
            order("【红旗】张三：要发顺丰", "紫"), order("紫旗 10-12 换货", "2")]
    found, _ = checked("FLG006", {"orders": rows})
    assert seen(found) == [(5, "旗帜", "旗帜列是“紫”，备注开头却写着“红旗”"), (6, "旗帜", "旗帜列是“黄”，备注开头却写着“紫旗”")]


def test_a_buyer_message_or_a_changed_address_needs_a_remark():
    rows = [order("张三：已备注", 买家留言="要发顺丰"), order(None, 买家留言="   "), order(None, 订单状态="交易关闭", 买家留言="要发顺丰"),
            order(None, 买家留言="要发顺丰"), order("", 修改后的收货地址="上海市 浦东新区 1号"),
            order(None, 买家留言="快点", 修改后的收货地址="上海市 浦东新区 1号")]
    found, _ = checked("FLG007", {"orders": rows})
    assert seen(found) == [(5, "订单备注", "买家有留言，但卖家备注是空的"), (6, "订单备注", "收货地址已修改，但卖家备注是空的"),
                           (7, "订单备注", "买家有留言、收货地址已修改，但卖家备注是空的")]
    set_lang("en")
    found, _ = checked("FLG007", {"orders": rows})
    assert found[-1].message == "The buyer left a message, The address was changed, but the seller remark is empty"


def test_a_sheet_with_only_one_of_the_request_columns():
    found, _ = checked("FLG007", {"orders": [order(None, 修改后的收货地址="上海市 浦东新区 1号")]})
    assert seen(found) == [(2, "订单备注", "收货地址已修改，但卖家备注是空的")]


def test_each_orders_sheet_has_its_own_remarks():
    """Two order sheets in one run (two files): each sheet's findings come from its own remarks."""
    from automation.config import ShopConfig
    from automation.rules.engine import Selection, check_rules
    from automation.workdays import WorkCalendar
    from tests.rules_helpers import typed

    first = typed("orders", order("张三：要发顺丰", "红"), order("【红旗】要发顺丰"))
    second = typed("orders", order("【红旗】要发韵达"), order("张三：要发顺丰", "红"), order("李四：", "红"))
    done = check_rules([first, second], {"orders": first}, ShopConfig(None), lambda: WorkCalendar.from_config({}),
                       Selection(("FLG001",)))
    assert [(f.row, f.message) for f in done.findings] == [
        (2, "红旗备注缺少：客服姓名（【红旗】要发韵达）"), (3, "红旗备注缺少：客服姓名（【红旗】要发顺丰）"),
        (4, "红旗备注缺少：顾客要求（李四：）")]


# ── the name-shape guess when the remark names nobody on the staff list ────────────────────────────
@pytest.mark.parametrize("word, surname, expected", [
    ("王芳", True, True), ("王小芳", True, True), ("王小芳芳", True, False),  # a surname name has at most 3 characters
    ("芳芳", True, False), ("芳芳", False, True), ("王小芳芳", False, True),  # without a surname only a bare name counts
    ("王", False, False), ("王小芳芳芳", False, False), ("王a", False, False),  # 2–4 CJK characters, nothing mixed
    ("换货", False, False), ("王退款", True, False),                            # words of the trade are never names
    ("Amy", False, True), ("Amy", True, False), ("J.Li", False, True),          # Latin names only where no surname is asked
    ("A" + "b" * 15, False, True), ("A" + "b" * 16, False, False), (".Amy", False, False),
    ("XL", False, False), ("xxl", False, False), ("XS", False, False), ("XXXL", False, False),  # sizes and couriers
    ("SF", False, False), ("ems", False, False), ("XLL", False, True),
])
def test_name_shape(word, surname, expected):
    from automation.remarks import _is_name_shape

    assert _is_name_shape(word, surname=surname) is expected


# ── the remark rewritten in the shop's convention (the flags command's 规范备注 column) ───────────
@pytest.mark.parametrize("text, expected", [
    ("【灰旗】随便写写 ", "【灰旗】随便写写"),  # grey: as written
    ("【红旗】", "【红旗】 〔缺：姓名、顾客要求〕"),
    ("【红旗】要发顺丰", "【红旗】要发顺丰 〔缺：姓名〕"),
    ("红旗 张三：", "【红旗】张三： 〔缺：顾客要求〕"),
    ("【红旗】张三：要发顺丰", "【红旗】张三：要发顺丰"),
    ("【黄旗】李四：尺码偏大", "【黄旗】李四：尺码偏大"),
    ("【黄旗】尺码偏大", "【黄旗】：尺码偏大 〔缺：姓名或公共订单〕"),
    ("【紫旗】2026-10-12 换货：白色L换黑色XL 质量问题 差价0 运费卖家承担10元 到付 新单号75880000000001 李四",
     "【紫旗】2026-10-12 换货：白色L换黑色XL 质量问题 差价0 运费卖家承担10元 到付 新单号75880000000001 李四"),
    ("【紫旗】2026-10-12 质量问题 李四", "【紫旗】2026-10-12 质量问题 李四 〔缺：换货内容、差价、运费〕"),
    ("【蓝旗】2026-10-12 退款：质量问题 运费卖家承担10元 到付 李四", "【蓝旗】2026-10-12 退款：质量问题 运费卖家承担10元 到付 李四"),
    ("【蓝旗】2026-10-12 李四", "【蓝旗】2026-10-12 李四 〔缺：原因、运费〕"),
])
def test_canonical_remark(text, expected):
    from automation.remarks import canonical, parse_remark

    assert canonical(parse_remark(text, staff=("张三", "李四"))) == expected


def test_no_remark_text_with_a_flag_cell_is_an_empty_remark_of_that_flag():
    from automation.remarks import parse_remark

    found = parse_remark(None, "红")
    assert (found.flag, found.flag_source, found.text, found.name, found.missing) == ("红", "column", "", None, ("name", "requests"))
    assert parse_remark(None).text == "" and parse_remark(None).flag is None


def test_an_unhashable_flag_cell_is_parsed_without_the_cache_and_the_same_way():
    from automation.remarks import parse_remark

    found = parse_remark("【紫旗】10-12 换货 张三", [], staff=("张三",), default_year=2025)
    assert (found.flag, found.flag_source, found.name, found.date) == ("紫", "marker", "张三", dt.date(2025, 10, 12))
    assert found == parse_remark("【紫旗】10-12 换货 张三", None, staff=("张三",), default_year=2025)


def test_a_flag_cell_of_true_and_of_1_are_parsed_apart():
    """True == 1 as a cache key, but a cell holding TRUE is no flag and 1 is 红 (Taobao's flag number)."""
    from automation.remarks import parse_remark

    text = "张三：要发顺丰（只在这个测试里出现）"
    assert parse_remark(text, True, staff=("张三",)).flag is None
    assert parse_remark(text, 1, staff=("张三",)).flag == "红"
    assert parse_remark(text, 1.0, staff=("张三",)).flag == "红"


# ── the parser's parts, against the survivors of _body, _name, _take_name, _stitch and the money ───
STAFF = ("张三", "李四", "王五", "小美")


def parsed(text, flag=None, staff=STAFF):
    from automation.remarks import parse_remark

    return parse_remark(text, flag, staff=staff, default_year=2026)


def parts(remark, *names):
    return tuple(getattr(remark, n) for n in names)


@pytest.mark.parametrize("text, requests, date", [
    ("红旗 张三：10月12日前发货", "10月12日前发货", dt.date(2026, 10, 12)),  # a date in the request stays in it
    ("红旗 张三：要发顺丰；", "要发顺丰", None),  # trailing punctuation is not part of the request
    ("红旗 张三：XL换XXL", "XL换XXL", None),  # a request may start with a size
])
def test_red_requests_are_the_text_after_the_name_and_colon(text, requests, date):
    from automation.remarks import canonical

    remark = parsed(text)
    assert parts(remark, "flag", "name", "requests", "reason", "date", "missing") == ("红", "张三", requests, None, date, ())
    assert canonical(remark) == f"【红旗】张三：{requests}"


def test_a_green_remark_written_name_first_keeps_its_reason():
    remark = parsed("【绿旗】张三：10.12 快递截单")
    assert parts(remark, "name", "date", "reason", "requests", "missing") == (
        "张三", dt.date(2026, 10, 12), "快递截单", None, ())


def test_the_name_before_the_colon_is_the_agent_not_a_name_inside_the_request():
    remark = parsed("红旗 张三：转交李四处理")
    assert parts(remark, "name", "requests", "missing") == ("张三", "转交李四处理", ())


def test_a_name_before_the_colon_needs_no_surname():
    assert parts(parsed("红旗 Lily：周五前发货", staff=()), "name", "requests", "missing") == ("Lily", "周五前发货", ())


def test_a_last_word_without_a_surname_is_no_name_unless_an_agent_prefix_says_so():
    remark = parsed("绿旗 10.12 快递截单 等通知", staff=())
    assert parts(remark, "name", "reason", "missing") == (None, "快递截单 等通知", ("name",))
    remark = parsed("绿旗 10.12 快递截单 客服Amy", staff=())
    assert parts(remark, "name", "reason", "missing") == ("Amy", "快递截单", ())


@pytest.mark.parametrize("signed", ["By 张三", "by张三", "客服张三", "经办人 张三"])
def test_the_agent_prefix_before_a_staff_name_is_cut_with_it(signed):
    remark = parsed(f"绿旗 10.12 快递截单 {signed}")
    assert parts(remark, "name", "reason", "missing") == ("张三", "快递截单", ())


def test_a_staff_name_written_straight_before_the_text():
    remark = parsed("【黄旗】李四跟进 尺码偏大")
    assert parts(remark, "name", "requests", "public", "missing") == ("李四", "跟进 尺码偏大", False, ())


def test_staff_given_as_unhashable_records_with_a_name():
    from types import SimpleNamespace

    remark = parsed("红旗 Amy：加急", staff=[SimpleNamespace(name="Amy"), SimpleNamespace(name="张三")])
    assert parts(remark, "name", "requests", "missing") == ("Amy", "加急", ())


# purple: what is exchanged against why
@pytest.mark.parametrize("text, items, reason", [
    ("紫旗 10.12 换货：白色L 换成黑色XL 差价0 运费买家承担 李四", "白色L 换成黑色XL", None),  # 换成 names an item
    ("紫旗 10.12 换货内容：尺码M 差价0 运费买家承担 李四", "尺码M", None),  # labelled, though 尺码 is a reason word
    ("紫旗 10.12 偏小换大一码 差价0 运费买家承担 李四", "偏小换大一码", None),  # an exchange, not also the reason
    ("紫旗 10.12 黑色XL 差价0 运费买家承担 李四", "黑色XL", None),  # nothing else written: the items
    ("紫旗 10.12 尺码偏小 白色L换黑色XL 差价0 运费买家承担 李四", "白色L换黑色XL", "尺码偏小"),
])
def test_purple_items_and_reason(text, items, reason):
    remark = parsed(text)
    assert parts(remark, "items", "reason", "price_diff", "postage_payer", "name", "missing") == (
        items, reason, Decimal(0), "买家", "李四", ())


@pytest.mark.parametrize("label", ["原因", "事由", "理由", "换货原因"])
def test_purple_labelled_reason_without_a_reason_word_is_the_reason(label):
    remark = parsed(f"紫旗 10.12 {label}：客人改主意 差价0 运费买家承担 李四")
    assert parts(remark, "reason", "items", "missing") == ("客人改主意", None, ("items",))


# money in the canonical form: as many decimals as it needs
def test_canonical_amounts_and_postage_without_a_payer():
    from automation.remarks import canonical

    remark = parsed("紫旗 10.12 换货：白色L换黑色XL 差价12.00 运费12.50元 李四")
    assert parts(remark, "price_diff", "postage", "postage_payer", "missing") == (Decimal("12.00"), Decimal("12.50"), None, ())
    assert canonical(remark) == "【紫旗】2026-10-12 换货：白色L换黑色XL 差价12 运费12.50元 李四"
    remark = parsed("紫旗 10.12 换货：白色L换黑色XL 退差价0.5元 运费买家承担 李四")
    assert remark.price_diff == Decimal("-0.5")
    assert canonical(remark) == "【紫旗】2026-10-12 换货：白色L换黑色XL 差价-0.5 运费买家承担 李四"
    remark = parsed("蓝旗 10.13 退款：质量问题 包邮 张三")
    assert parts(remark, "postage", "postage_payer") == (Decimal(0), "卖家")
    assert canonical(remark) == "【蓝旗】2026-10-13 退款：质量问题 包邮 张三"


# the parts stitched back together with the writer's own punctuation
@pytest.mark.parametrize("text, requests, name, missing", [
    ("红旗 要发顺丰，送小样", "要发顺丰，送小样", None, ("name",)),  # the writer's comma kept
    ("红旗 要发顺丰　送小样", "要发顺丰 送小样", None, ("name",)),  # a full-width space is a space
    ("【黄旗】顾客问尺码 10.12 已回复 李四", "顾客问尺码 已回复", "李四", ()),  # across a cut-out date: one space
])
def test_requests_keep_the_writers_punctuation(text, requests, name, missing):
    assert parts(parsed(text), "requests", "name", "missing") == (requests, name, missing)


@pytest.mark.parametrize("cell, flag", [("1.0", "红"), ("0.0", "灰"), ("5.0", "紫"), ("2.0", "黄")])
def test_flag_codes_written_as_decimal_text(cell, flag):
    """A flag column saved as numbers and exported as text ("1.0") is still Taobao's code."""
    from automation.remarks import flag_from_cell

    assert flag_from_cell(cell) == flag


def test_purple_reason_does_not_swallow_the_items_written_between_reasons():
    from automation.remarks import canonical

    remark = parsed("紫旗 10.12 尺码偏小 白色L换黑色XL 质量问题 差价0 运费买家承担 李四")
    assert parts(remark, "items", "reason") == ("白色L换黑色XL", "尺码偏小 质量问题")
    assert canonical(remark) == "【紫旗】2026-10-12 换货：白色L换黑色XL 尺码偏小 质量问题 差价0 运费买家承担 李四"


def test_purple_items_on_both_sides_of_a_reason_keep_the_reason_out():
    """The other way round (fixed with the one above): items written around a reason, with the writer's commas."""
    remark = parsed("紫旗 10.12 白色L换黑色XL，尺码偏小，红色M换蓝色M 差价0 运费买家承担 李四")
    assert parts(remark, "items", "reason") == ("白色L换黑色XL 红色M换蓝色M", "尺码偏小")
