"""Tests that catch a wrong rule: each one fails under one of the small wrong changes (mutants) that
once left the whole suite green (issue 11 §6): a comparison's direction, a dropped abs(), a deadline
day, upper-case markers, the order of the bill categories, and totals checked against sums made
here from the bill lines rather than by the code under test; and orders.py's address, phone and
postcode rules against the survivors of its mutation run (docs/mutation-survivors.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

import courier_helpers as month_data
from automation.config import ShopConfig
from automation.courier.rates import parse_rate_card
from automation.courier.reconcile import reconcile
from automation.courier.settings import Tolerances
from automation.remarks import flag_from_cell, parse_remark
from automation.rules.engine import Selection, check_rules
from automation.workdays import WorkCalendar
from tests.rules_helpers import PAID, checked, findings, order, rows_with, sheet, typed

CARD = parse_rate_card("中通", {"zones": [{"name": "全国", "provinces": ["*"], "first": 4, "additional": 1}]})


# ── ORD009: more than 50 % either way; exactly 50 % is allowed ─────────────────────────────────────
@pytest.mark.parametrize(("now", "flagged"), [
    (Decimal("50.00"), False),  # exactly half off: not more than 50 %  (kills > -> >=)
    (Decimal("49.99"), True),   # just over half off
    (Decimal("150.00"), False),  # exactly +50 %
    (Decimal("150.01"), True),  # just over +50 %
    (Decimal("160.00"), True),  # a rise of 60 % is a change too (kills a dropped abs())
    (Decimal("100.00"), False),
])
def test_price_change_threshold_both_ways(tmp_path, now, flagged):
    found = findings(tmp_path, {"orders": sheet(order("5000000000000000001", 原价=Decimal("100.00"), 买家应付货款=now))})
    assert rows_with(found, "ORD009") == ([2] if flagged else [])


# ── ORD011: unshipped is late only after the deadline day, not on it ───────────────────────────────
@pytest.mark.parametrize(("as_of", "late"), [
    (dt.date(2026, 10, 15), False),  # Wed 10-14 paid: the deadline is Thu 10-15 itself
    (dt.date(2026, 10, 16), True),   # the day after the deadline
])
def test_unshipped_on_the_deadline_day_is_not_late(tmp_path, as_of, late):
    row = order("5000000000000000001", 订单状态=PAID, 订单付款时间=dt.datetime(2026, 10, 14, 10), 发货时间=None,
                物流公司=None, 物流单号=None)
    found = findings(tmp_path, {"orders": sheet(row)}, as_of=as_of)
    assert rows_with(found, "ORD011") == ([2] if late else [])


# ── remark markers: any letter case ───────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("text", "flag"), [
    ("RED FLAG 张三：要发顺丰", "红"), ("Red flag 张三：要发顺丰", "红"), ("red flag 张三：要发顺丰", "红"),
    ("[PURPLE] 10.12 换货", "紫"), ("BLUE FLAG 10.12 退款", "蓝"),
])
def test_upper_case_markers_parse(text, flag):
    remark = parse_remark(text, None, staff=["张三"])
    assert remark.flag == flag and remark.marker_flag == flag


@pytest.mark.parametrize(("cell", "flag"), [("RED", "红"), ("Purple", "紫"), ("GREY", "灰"), ("红旗", "红"), ("4", "蓝")])
def test_flag_cells_in_any_case(cell, flag):
    assert flag_from_cell(cell) == flag


# ── the bill: categories apply in order ────────────────────────────────────────────────────────────
def test_overweight_line_without_a_stub_is_still_claimed():
    """A 3 kg line for our 1 kg parcel, with no stub: weight_over (dispute 2.00) comes before missing_stub
    (check, nothing to claim). Expected 4.00 for 1 kg, billed 6.00 for 3 kg."""
    bill, ships, stubs = month_data.bill_frames([("77000000000001", 600)], ["77000000000001"], [], weights={0: 3000})
    res = reconcile(bill, ships, stubs, CARD, Tolerances(), "2026-10")
    assert res.lines["category"].to_list() == ["weight_over"]
    assert res.recoverable == Decimal("2.00")


def test_fee_mismatch_without_a_stub_is_still_claimed():
    bill, ships, stubs = month_data.bill_frames([("77000000000001", 500)], ["77000000000001"], [])
    res = reconcile(bill, ships, stubs, CARD, Tolerances(), "2026-10")
    assert res.lines["category"].to_list() == ["fee_mismatch"] and res.recoverable == Decimal("1.00")


def test_a_correct_line_without_a_stub_is_only_to_check():
    bill, ships, stubs = month_data.bill_frames([("77000000000001", 400)], ["77000000000001"], [])
    res = reconcile(bill, ships, stubs, CARD, Tolerances(), "2026-10")
    assert res.lines["category"].to_list() == ["missing_stub"] and res.recoverable == Decimal("0.00")


def test_billed_twice_and_last_month_too():
    """The first line of a waybill already on last month's bill is duplicate_prev; its repeat this month is
    a duplicate (duplicate comes first: a repeat is a repeat whatever last month says)."""
    bill, ships, stubs, previous = month_data.bill_frames([("77000000000001", 400), ("77000000000001", 400)],
                                                          ["77000000000001"], [("77000000000001", "正常")],
                                                          previous=["77000000000001"])
    res = reconcile(bill, ships, stubs, CARD, Tolerances(), "2026-10", previous)
    assert res.lines["category"].to_list() == ["duplicate_prev", "duplicate"]
    assert res.recoverable == Decimal("8.00")


# ── totals close to the cent, against sums made here ──────────────────────────────────────────────
# What each line of the hand-made month should cost (tests/courier_helpers.py, worked out by hand):
# bill row -> expected; the not-billed W9 is expected at 6.00 with 0 billed.
EXPECTED_BY_ROW = {5: "4.00", 6: "9.00", 7: "5.00", 8: "4.00", 9: "0", 10: "0", 11: "0", 12: "0", 13: "4.00",
                   14: "4.00", 15: "0", 16: "22.00"}


def test_totals_against_sums_made_from_the_bill_lines(tmp_path):
    from automation.courier.run import reconcile_month
    from automation.shop import Shop

    root = month_data.write_shop(tmp_path / "shop")
    (res,) = reconcile_month(Shop.open(root), "2026-10").results
    billed = sum((Decimal(str(fee)) + Decimal(str(other or 0)) for *_, fee, other in month_data.BILL_LINES), Decimal(0))
    expected = sum(map(Decimal, EXPECTED_BY_ROW.values())) + Decimal("6.00")
    assert res.bill_total == billed == Decimal("94.00")
    assert res.expected_total == expected == Decimal("58.00")
    assert res.difference == billed - expected
    lines = {r["bill_row"]: r for r in res.lines.filter(res.lines["bill_row"].is_not_null()).iter_rows(named=True)}
    assert {row: Decimal(r["expected_c"]) / 100 for row, r in lines.items()} == {k: Decimal(v) for k, v in EXPECTED_BY_ROW.items()}
    assert sum((c.billed for c in res.categories.values()), Decimal(0)) == billed
    assert sum((c.expected for c in res.categories.values()), Decimal(0)) == expected
    not_billed = res.categories["not_billed"]
    assert (not_billed.count, not_billed.billed, not_billed.expected) == (1, Decimal("0.00"), Decimal("6.00"))


def test_category_titles_follow_the_language():
    from automation.courier.reconcile import BY_SLUG
    from automation.i18n import set_lang

    assert BY_SLUG["missing_stub"].title() == "缺少底单"
    set_lang("en")
    assert BY_SLUG["missing_stub"].title() == "No stub"


def test_lines_keep_the_bill_order_and_one_shipment_per_waybill():
    """Several lines, our log listing a waybill twice: every line once, in bill order, each priced once."""
    lines = [(f"7700000000000{i}", 400) for i in range(5, 0, -1)]
    bill, ships, stubs = month_data.bill_frames(lines, [w for w, _ in lines] + ["77000000000003"],
                                                [(w, "正常") for w, _ in lines])
    res = reconcile(bill, ships, stubs, CARD, Tolerances(), "2026-10")
    billed = res.lines.filter(res.lines["bill_row"].is_not_null())
    assert billed["waybill"].to_list() == [w for w, _ in lines]
    assert billed["category"].to_list() == ["ok"] * 5 and res.expected_total == Decimal("20.00")


@pytest.mark.parametrize(("grams", "cents", "category"), [
    (2000, 400, "ok"),             # 1 kg over ours: at the 1 kg tolerance, not over it
    (2001, 400, "weight_over"),    # one gram over the tolerance
    (1000, 500, "ok"),             # 1.00 over the rate card: at the fee tolerance
    (1000, 501, "fee_mismatch"),   # one cent over it
])
def test_tolerances_at_the_threshold(grams, cents, category):
    bill, ships, stubs = month_data.bill_frames([("77000000000001", cents)], ["77000000000001"],
                                                [("77000000000001", "正常")], weights={0: grams})
    res = reconcile(bill, ships, stubs, CARD, Tolerances(weight_kg=Decimal("1"), fee=Decimal("1.00")), "2026-10")
    assert res.lines["category"].to_list() == [category]


# ══ orders.py: addresses, phones, postcodes (ORD002–ORD007) ═══════════════════════════════════════
# Each rule is run by the engine over a small in-memory orders sheet (tests.rules_helpers.checked);
# every finding is compared whole: code, row, column, value, message, severity.
ADDR = "广东省 广州市 越秀区 黄花岗街道 1号(510080)"


def _seen(found):
    return [(f.code, f.row, f.column, f.value, f.message, f.severity) for f in found]


def test_an_address_without_province_is_the_changed_one_when_there_is_one():
    rows = [order("5000000000000000001", 收货地址="广州市 越秀区 黄花岗街道 1号(510080)"),  # no province, not changed
            order("5000000000000000002", 修改后的收货地址="越秀区 环市东路 2号(510060)"),  # changed to one without
            order("5000000000000000003", 收货地址="火星 基地 1号", 修改后的收货地址="内蒙古自治区 呼和浩特市 新城区 1号(010010)"),
            order("5000000000000000004", 收货地址="北京市朝阳区建国路 8号"),  # a municipality needs no 省
            order("5000000000000000005", 订单状态="等待买家付款", 订单付款时间=None, 收货地址="越秀区 3号")]  # unpaid
    found, _ = checked("ORD003", {"orders": rows})
    assert _seen(found) == [
        ("ORD003", 2, "收货地址", "广州市 越秀区 黄花岗街道 1号(510080)", "地址中找不到省份：广州市 越秀区 黄花岗街道 1号(510080)", "error"),
        ("ORD003", 3, "修改后的收货地址", "越秀区 环市东路 2号(510060)", "地址中找不到省份：越秀区 环市东路 2号(510060)", "error")]


def test_a_changed_address_stands_in_for_a_blank_one():
    rows = [order("5000000000000000001", 收货地址=None, 修改后的收货地址=ADDR),  # the buyer's new address: complete
            order("5000000000000000002", 收货地址=None, 修改后的收货地址=None)]
    found, _ = checked("ORD002", {"orders": rows})
    assert _seen(found) == [("ORD002", 3, "收货地址", None, "已付款订单缺少收货地址", "error")]


@pytest.mark.parametrize(("columns", "column"), [
    ({"联系手机": "13812345678"}, "联系手机"),  # Taobao's mobile column alone
    ({"联系手机": ..., "联系电话": "020-83331234"}, "联系电话"),  # a team sheet with only a telephone column
])
def test_a_paid_order_without_any_phone_points_at_the_column_there_is(columns, column):
    blank = {name: None for name in columns if columns[name] is not ...}
    rows = [order("5000000000000000001", **columns), order("5000000000000000002", **{**columns, **blank})]
    found, _ = checked("ORD004", {"orders": rows})
    assert _seen(found) == [("ORD004", 3, column, None, "已付款订单没有联系电话", "error")]


def test_a_landline_alone_is_a_phone_and_the_mobile_column_is_pointed_at_when_both_are_blank():
    rows = [order("5000000000000000001", 联系手机=None, 联系电话="0755-88881234"),  # a landline is enough
            order("5000000000000000002", 联系手机=None, 联系电话=None)]
    found, _ = checked("ORD004", {"orders": rows})
    assert _seen(found) == [("ORD004", 3, "联系手机", None, "已付款订单没有联系电话", "error")]


def test_phones_as_staff_type_them():
    good = ["138-1234-5678", "138 1234 5678", "+86 138 1234 5678", "(0755)8888-1234", "１３８１２３４５６７８", "0086 13812345678"]
    bad = ["138-1234-567", "1381234567"]  # ten digits, with and without dashes
    rows = [order(f"50000000000000000{i:02d}", 联系手机=phone) for i, phone in enumerate(good + bad, 1)]
    rows.append(order("5000000000000000099", 联系电话="12345"))  # a telephone column is checked too
    found, _ = checked("ORD005", {"orders": rows})
    assert _seen(found) == [
        ("ORD005", 8, "联系手机", "138-1234-567", "电话号码格式不对：138-1234-567", "error"),
        ("ORD005", 9, "联系手机", "1381234567", "电话号码格式不对：1381234567", "error"),
        ("ORD005", 10, "联系电话", "12345", "电话号码格式不对：12345", "error")]


def test_landline_extensions_and_long_dashes_are_phones_as_typed():
    """Found by the mutation run: `_digits` took out the dash before a landline's extension, and a
    long dash (—, typed by an input method) was not a separator."""
    good = ["020-83331234-8001", "020-8333-1234-8001", "0755 8888 1234-12", "138—1234—5678", "138–1234–5678"]
    bad = ["020-83331234-8001234", "20-83331234-8001"]  # a seven-digit extension; no area code
    rows = [order(f"50000000000000000{i:02d}", 联系电话=phone, 联系手机=None) for i, phone in enumerate(good + bad, 1)]
    found, _ = checked("ORD005", {"orders": rows})
    assert [(f.row, f.value) for f in found] == [(7, "020-83331234-8001234"), (8, "20-83331234-8001")]


def test_an_empty_or_full_width_postcode_after_the_address():
    """Found by the mutation run: `()` after an address is no postcode (not ORD006's （空）), and a
    full-width （００００００） is the placeholder, as it is in the 邮编 column."""
    rows = [order("5000000000000000001", 收货地址="广东省 广州市 越秀区 1号()"),
            order("5000000000000000002", 收货地址="广东省 广州市 越秀区 2号（００００００）"),
            order("5000000000000000003", 收货地址="广东省 广州市 越秀区 3号（５１００８）")]
    six, placeholder = (checked(code, {"orders": rows})[0] for code in ("ORD006", "ORD007"))
    assert [(f.row, f.value, f.message) for f in six] == [(4, "51008", "邮编不是 6 位数字：51008")]
    assert [(f.row, f.column, f.value) for f in placeholder] == [(3, "收货地址", "000000")]


POSTCODE_ROWS = [
    order("5000000000000000001", 邮编="51008"),  # the team's postcode column: five digits
    order("5000000000000000002", 邮编="５１００８０"),  # full-width digits: a good postcode
    order("5000000000000000003", 邮编="000000"),
    order("5000000000000000004", 收货地址="广东省 广州市 越秀区 黄花岗街道 1号(5100800)"),  # none in the column: the address's
    order("5000000000000000005", 修改后的收货地址="广东省 广州市 越秀区 环市东路 2号(000000)"),  # the changed address's, not ADDR's
]


@pytest.mark.parametrize(("code", "expected"), [
    ("ORD006", [("ORD006", 2, "邮编", "51008", "邮编不是 6 位数字：51008", "error"),
                ("ORD006", 5, "收货地址", "5100800", "邮编不是 6 位数字：5100800", "error")]),
    ("ORD007", [("ORD007", 4, "邮编", "000000", "邮编是占位的 000000", "warning"),
                ("ORD007", 6, "修改后的收货地址", "000000", "邮编是占位的 000000", "warning")]),
])
def test_the_postcode_comes_from_its_column_then_the_changed_address_then_the_address(code, expected):
    found, _ = checked(code, {"orders": POSTCODE_ROWS})
    assert _seen(found) == expected


def test_each_orders_sheet_has_its_own_postcodes():
    """Two order exports in one run (October's and November's): the postcodes found once per run for
    ORD006 and ORD007 are each sheet's own."""
    def export(name, *rows):
        return replace(typed("orders", *rows), source=name)

    october = export("ExportOrderList202610.xlsx", order("5000000000000000001", 收货地址="广东省 广州市 越秀区 1号(5100)"),
                     order("5000000000000000002", 收货地址="广东省 广州市 越秀区 2号(000000)"))
    november = export("ExportOrderList202611.xlsx", order("5000000000000000003"),
                      order("5000000000000000004", 收货地址="广东省 广州市 越秀区 4号(51006)"))
    done = check_rules([october, november], {"orders": october}, ShopConfig(None), lambda: WorkCalendar.from_config({}),
                       Selection(("ORD006", "ORD007")))
    assert [(f.file, f.code, f.row, f.value) for f in done.findings] == [
        ("ExportOrderList202610.xlsx", "ORD006", 2, "5100"), ("ExportOrderList202610.xlsx", "ORD007", 3, "000000"),
        ("ExportOrderList202611.xlsx", "ORD006", 3, "51006")]
