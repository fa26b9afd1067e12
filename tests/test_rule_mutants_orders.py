"""Order rules against the mutants that survived the mutation run (docs/testing.md): postage with one
or several rate cards and the shipping register's weights, cash-on-delivery contact, the 16:00 chase,
paid-not-shipped demand per SKU. Each case is a small real workbook, validated; a row the rule skips
comes before one it flags, so a `continue` turned `break` is caught too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from automation.headers import match_headers
from automation.rules.orders import demand_by_sku
from automation.schema import schema
from automation.tables import build_table
from tests.rules_helpers import PAID, findings, order, rows_with, sheet

D = dt.datetime
CLOSED = "交易关闭"
UNPAID = "等待买家付款"
NOT_SHIPPED = {"发货时间": None, "物流公司": None, "物流单号": None}
# 中通 everywhere: 4.00 first kg + 1.00 each further kg; 顺丰: 12.00 + 2.00
ZTO = '[rates."中通"]\nrounding = "up_1"\n[[rates."中通".zones]]\nname = "全国"\nprovinces = ["*"]\nfirst = 4\nadditional = 1\n'
SF = '[rates."顺丰"]\nrounding = "up_1"\n[[rates."顺丰".zones]]\nname = "全国"\nprovinces = ["*"]\nfirst = 12\nadditional = 2\n'


def _only(found, code):
    (f,) = [f for f in found if f.code == code]
    return f


# ── ORD010 postage ─────────────────────────────────────────────────────────────────────────────────
def test_postage_skips_closed_and_blank_rows_then_flags_the_wrong_one(tmp_path):
    rows = [order("5000000000000000001", 订单状态=CLOSED, 买家应付邮费=9),  # closed: never checked
            order("5000000000000000002", 买家应付邮费=None),  # no postage written: nothing to compare
            order("5000000000000000003", 收货地址="火星 基地 1号", 买家应付邮费=9),  # no province: no rate
            order("5000000000000000004", 买家应付邮费=4),  # right
            order("5000000000000000005", 买家应付邮费=7)]  # wrong: 4.00 on the card
    found = findings(tmp_path, {"orders": sheet(*rows)}, ZTO, select=("ORD010",))
    assert rows_with(found, "ORD010") == [6]
    f = _only(found, "ORD010")
    assert (f.column, f.value) == ("买家应付邮费", Decimal("7"))
    assert f.message == "邮费 7.00 与运费价目不符（中通 到 广东 1 kg 应为 4.00）"


def test_free_shipping_row_skipped_before_a_wrong_one(tmp_path):
    rows = [order("5000000000000000001", 买家应付邮费=0), order("5000000000000000002", 买家应付邮费=7)]
    toml = ZTO + "[rules.options.ORD010]\nfree_shipping_ok = true\n"
    assert rows_with(findings(tmp_path, {"orders": sheet(*rows)}, toml, select=("ORD010",)), "ORD010") == [3]


def test_the_only_rate_card_prices_an_order_without_a_courier(tmp_path):
    row = order("5000000000000000001", 订单状态=PAID, 买家应付邮费=7, **NOT_SHIPPED)
    assert rows_with(findings(tmp_path, {"orders": sheet(row)}, ZTO, select=("ORD010",)), "ORD010") == [2]
    # two cards and no courier on the order: which card applies is unknown, so it is not priced
    assert rows_with(findings(tmp_path, {"orders": sheet(row)}, ZTO + SF, select=("ORD010",)), "ORD010") == []
    # unless the shop names its usual courier
    toml = ZTO + SF + '[rules.options.ORD010]\ncourier = "顺丰"\n'
    f = _only(findings(tmp_path, {"orders": sheet(row)}, toml, select=("ORD010",)), "ORD010")
    assert "顺丰" in f.message and "12.00" in f.message


def test_the_orders_own_courier_picks_the_card(tmp_path):
    rows = [order("5000000000000000001", 物流公司="韵达", 买家应付邮费=9),  # no card for 韵达: not priced
            order("5000000000000000002", 物流公司="顺丰", 买家应付邮费=12),  # right for 顺丰 (wrong for 中通)
            order("5000000000000000003", 物流公司="中通", 买家应付邮费=12)]  # wrong for 中通
    found = findings(tmp_path, {"orders": sheet(*rows)}, ZTO + SF, select=("ORD010",))
    assert rows_with(found, "ORD010") == [4]
    assert "中通" in _only(found, "ORD010").message


def test_postage_uses_the_weight_in_the_shipping_register(tmp_path):
    rows = [order("5000000000000000001", 买家应付邮费=6), order("5000000000000000002", 买家应付邮费=4),
            order("5000000000000000003", 买家应付邮费=4)]
    shipments = sheet({"发货日期": dt.date(2026, 10, 14), "订单编号": "5000000000000000001", "重量(kg)": Decimal("3")},
                      {"发货日期": dt.date(2026, 10, 14), "订单编号": "5000000000000000002", "重量(kg)": None},
                      {"发货日期": dt.date(2026, 10, 14), "订单编号": None, "重量(kg)": Decimal("5")})
    found = findings(tmp_path, {"orders": sheet(*rows), "shipments": shipments}, ZTO, select=("ORD010",))
    # 3 kg by 中通 is 4 + 2 = 6.00: right; the others weigh the default 1 kg: 4.00, right
    assert rows_with(found, "ORD010") == []
    rows[0] = order("5000000000000000001", 买家应付邮费=4)
    f = _only(findings(tmp_path, {"orders": sheet(*rows), "shipments": shipments}, ZTO, select=("ORD010",)), "ORD010")
    assert f.row == 2 and f.message == "邮费 4.00 与运费价目不符（中通 到 广东 3.0 kg 应为 6.00）"


def test_a_register_without_weights_leaves_the_default_weight(tmp_path):
    rows = [order("5000000000000000001", 买家应付邮费=6)]
    shipments = sheet({"发货日期": dt.date(2026, 10, 14), "订单编号": "5000000000000000001", "快递公司": "中通",
                       "快递单号": "78123456780001"})
    f = _only(findings(tmp_path, {"orders": sheet(*rows), "shipments": shipments}, ZTO, select=("ORD010",)), "ORD010")
    assert "1 kg 应为 4.00" in f.message


# ── ORD016 cash on delivery: call within 30 minutes ────────────────────────────────────────────────
COD = {"付款方式": "货到付款", "订单创建时间": D(2026, 10, 14, 9)}


@pytest.mark.parametrize(("extra", "late"), [
    ({**COD, "联系时间": D(2026, 10, 14, 9, 30)}, False),  # exactly 30 minutes
    ({**COD, "联系时间": D(2026, 10, 14, 9, 31)}, True),
    ({**COD, "付款方式": "COD", "联系时间": D(2026, 10, 14, 9, 31)}, True),  # the word in capitals
    ({**COD, "付款方式": "在线支付", "联系时间": D(2026, 10, 14, 12)}, False),  # not cash on delivery
    ({**COD, "订单状态": CLOSED, "联系时间": D(2026, 10, 14, 12)}, False),  # closed order
    ({**COD, "订单创建时间": None, "联系时间": D(2026, 10, 14, 12)}, False),
])
def test_cod_contact_limit_and_what_counts(tmp_path, extra, late):
    rows = [order("5000000000000000001", 付款方式="货到付款", 订单状态=CLOSED, 订单创建时间=D(2026, 10, 14, 8), 联系时间=None),
            order("5000000000000000002", **extra)]
    found = findings(tmp_path, {"orders": sheet(*rows)}, select=("ORD016",), as_of=dt.date(2026, 10, 20))
    assert rows_with(found, "ORD016") == ([3] if late else [])
    if late:
        f = _only(found, "ORD016")
        assert (f.column, f.value) == ("联系时间", D(2026, 10, 14, 9, 31))
        assert f.message == "货到付款订单未在下单后 30 分钟内联系买家（下单 10-14 09:00，联系 2026-10-14 09:31）"


@pytest.mark.parametrize(("as_of", "late"), [(dt.date(2026, 10, 14), False), (dt.date(2026, 10, 15), True)])
def test_cod_never_contacted_is_late_from_the_next_day(tmp_path, as_of, late):
    found = findings(tmp_path, {"orders": sheet(order("5000000000000000001", **COD, 联系时间=None))},
                     select=("ORD016",), as_of=as_of)
    assert rows_with(found, "ORD016") == ([2] if late else [])


# ── ORD017 the 16:00 chase ─────────────────────────────────────────────────────────────────────────
UNPAID_ROW = {"订单状态": UNPAID, "订单付款时间": None, **NOT_SHIPPED, "订单创建时间": D(2026, 10, 14, 15)}


@pytest.mark.parametrize(("paid", "chased"), [
    (D(2026, 10, 14, 16, 0), False),  # paid at 16:00 itself: not unpaid at the chase
    (D(2026, 10, 14, 16, 1), True),
])
def test_paid_at_the_chase_minute_needs_no_chase(tmp_path, paid, chased):
    rows = [order("5000000000000000001", **UNPAID_ROW, 催付时间=D(2026, 10, 14, 16)),  # chased: skipped first
            order("5000000000000000002", 订单创建时间=D(2026, 10, 14, 15), 订单付款时间=paid, 催付时间=None)]
    found = findings(tmp_path, {"orders": sheet(*rows)}, select=("ORD017",))
    assert rows_with(found, "ORD017") == ([3] if chased else [])
    if chased:
        f = _only(found, "ORD017")
        assert f.column == "订单创建时间" and f.message == "下单 10-14 15:00 到 16:00 仍未付款，没有催付记录"


def test_a_flag_column_alone_is_enough_to_check_the_chase(tmp_path):
    found = findings(tmp_path, {"orders": sheet(order("5000000000000000001", **UNPAID_ROW, 旗帜=None))},
                     select=("ORD017",), as_of=dt.date(2026, 10, 20))
    assert rows_with(found, "ORD017") == [2]


@pytest.mark.parametrize(("as_of", "chased"), [(dt.date(2026, 10, 14), False), (dt.date(2026, 10, 15), True)])
def test_unpaid_without_a_payment_time_counts_once_the_day_is_over(tmp_path, as_of, chased):
    found = findings(tmp_path, {"orders": sheet(order("5000000000000000001", **UNPAID_ROW, 催付时间=None))},
                     select=("ORD017",), as_of=as_of)
    assert rows_with(found, "ORD017") == ([2] if chased else [])


def test_a_paid_status_without_a_payment_time_was_not_unpaid(tmp_path):
    row = order("5000000000000000001", **{**UNPAID_ROW, "订单状态": PAID}, 催付时间=None)
    assert rows_with(findings(tmp_path, {"orders": sheet(row)}, select=("ORD017",), as_of=dt.date(2026, 10, 20)), "ORD017") == []


# ── paid-not-shipped pieces per SKU (the oversell check's demand) ─────────────────────────────────
def _orders_table(*rows: dict):
    header, body = sheet(*rows)
    kind = schema("orders")
    return build_table("x.xlsx", "订单", [header, *body], 0, kind, match_headers(header, kind))


def test_demand_counts_the_quantity_of_a_single_sku_and_one_piece_per_listed_sku():
    table = _orders_table(
        order("5000000000000000001", 订单状态=PAID, **NOT_SHIPPED, 商家编码="A", 宝贝总数量=3),
        order("5000000000000000002", 订单状态=PAID, **NOT_SHIPPED, 商家编码="B;C", 宝贝总数量=2),
        order("5000000000000000003", 订单状态=PAID, **NOT_SHIPPED, 商家编码="A", 宝贝总数量=None),
        order("5000000000000000004", 订单状态=PAID, **NOT_SHIPPED, 商家编码=None, 宝贝总数量=4),
        order("5000000000000000005", 商家编码="A", 宝贝总数量=9))  # shipped: no longer demand
    assert demand_by_sku(table) == {"A": 4, "B": 1, "C": 1}


# ── ORD009 the message and an original price below 1 ──────────────────────────────────────────────
def test_price_change_message_names_the_limit_the_original_and_the_new_price(tmp_path):
    rows = [order("5000000000000000001", 原价=Decimal("0.50"), 买家应付货款=Decimal("1.00")),  # +100 % on 0.50
            order("5000000000000000002", 原价=Decimal("100.00"), 买家应付货款=Decimal("49.99"))]
    found = findings(tmp_path, {"orders": sheet(*rows)}, select=("ORD009",))
    assert rows_with(found, "ORD009") == [2, 3]
    f = next(f for f in found if f.row == 3)
    assert (f.column, f.value) == ("买家应付货款", Decimal("49.99"))
    assert f.message == "改价超过原价的 50%：原价 100.00，改后 49.99"
    toml = "[rules.options.ORD009]\nmax_ratio = 0.3\n"
    f = next(f for f in findings(tmp_path, {"orders": sheet(*rows)}, toml, select=("ORD009",)) if f.row == 3)
    assert f.message == "改价超过原价的 30%：原价 100.00，改后 49.99"


# ── ORD014 a shared waybill explained by a purple flag or the returns sheet ───────────────────────
def _shared_waybill(**second):
    return [order("5000000000000000001", 物流单号="78123456780001"),
            order("5000000000000000002", 物流单号="78123456780001", **second)]


def test_a_purple_flag_explains_a_shared_waybill(tmp_path):
    found = findings(tmp_path, {"orders": sheet(*_shared_waybill(旗帜="紫"))}, select=("ORD014",))
    assert rows_with(found, "ORD014") == []
    found = findings(tmp_path, {"orders": sheet(*_shared_waybill(旗帜="红"))}, select=("ORD014",))
    assert rows_with(found, "ORD014") == [2, 3]


@pytest.mark.parametrize(("kind", "explained"), [("换货", True), ("退货退款", False)])
def test_an_exchange_in_the_returns_sheet_explains_a_shared_waybill(tmp_path, kind, explained):
    returns = sheet({"登记日期": dt.date(2026, 10, 20), "订单编号": "5000000000000000002", "类型": kind})
    found = findings(tmp_path, {"orders": sheet(*_shared_waybill()), "returns": returns}, select=("ORD014",))
    assert rows_with(found, "ORD014") == ([] if explained else [2, 3])


def test_an_address_outside_every_zone_is_skipped_before_a_wrong_one(tmp_path):
    only_east = '[rates."中通"]\nrounding = "up_1"\n[[rates."中通".zones]]\nname = "江浙沪"\nprovinces = ["上海", "江苏", "浙江"]\nfirst = 4\nadditional = 1\n'
    rows = [order("5000000000000000001", 买家应付邮费=9),  # 广东: no zone on this card, no rate
            order("5000000000000000002", 收货地址="浙江省 杭州市 西湖区 1号", 买家应付邮费=9)]
    assert rows_with(findings(tmp_path, {"orders": sheet(*rows)}, only_east, select=("ORD010",)), "ORD010") == [3]


# ── ORD019 the courier the buyer asked for ─────────────────────────────────────────────────────────
@pytest.mark.parametrize(("extra", "requested"), [
    ({"订单备注": "张三：要发顺丰"}, "顺丰"),
    ({"买家留言": "请发顺丰，谢谢"}, "顺丰"),  # the buyer's own message
    ({"订单备注": "不急，要发顺丰"}, "顺丰"),  # a 不 further back does not negate the request
    ({"订单备注": "不要发顺丰"}, None),  # negated: no request (shipped by 中通, so a request would show)
    ({"订单备注": "别发顺丰 李四"}, None),
    ({"订单备注": "要发中通"}, None),  # asked for what was used
    ({"订单备注": "要发EMS", "物流公司": "邮政", "物流单号": "1234567890123"}, None),  # EMS is 邮政
    ({"订单备注": "要发顺丰", "订单状态": PAID}, None),  # not shipped yet
])
def test_the_requested_courier_must_be_the_one_used(tmp_path, extra, requested):
    rows = [order("5000000000000000001", 订单状态=PAID, **NOT_SHIPPED, 订单备注="要发顺丰"),  # not shipped: skipped first
            order("5000000000000000002", **{"订单备注": None, "买家留言": None, **extra})]
    found = findings(tmp_path, {"orders": sheet(*rows)}, select=("ORD019",))
    assert rows_with(found, "ORD019") == ([3] if requested else [])
    if requested:
        f = _only(found, "ORD019")
        assert f.column == "物流公司" and f.message == f"买家要求发{requested}，实际发的是中通"


# ── which cell a finding points at, and its exact wording ─────────────────────────────────────────
@pytest.mark.parametrize(("code", "bad", "column"), [
    ("ORD001", {"收货人姓名": None}, "收货人姓名"),
    ("ORD002", {"收货地址": None}, "收货地址"),
    ("ORD008", {"宝贝标题": "白色L"}, "宝贝标题"),
    ("ORD013", {"物流单号": "SF12"}, "物流单号"),
])
def test_a_finding_points_at_its_column(tmp_path, code, bad, column):
    found = findings(tmp_path, {"orders": sheet(order("5000000000000000001"), order("5000000000000000002", **bad))}, select=(code,))
    f = _only(found, code)
    assert (f.row, f.column) == (3, column)


def test_waybill_shape_message_names_the_courier(tmp_path):
    f = _only(findings(tmp_path, {"orders": sheet(order("5000000000000000001", 物流单号="SF12"))}, select=("ORD013",)), "ORD013")
    assert f.message == "快递单号 SF12 不像中通的单号"


def test_shared_waybill_rows_point_at_the_waybill_after_an_explained_group(tmp_path):
    rows = [order("5000000000000000001", 物流单号="78123456780003"),
            order("5000000000000000002", 物流单号="78123456780003", 订单备注="10.12 换货 李四"),  # explained group first
            order("5000000000000000003", 物流单号="78123456780001"),
            order("5000000000000000004", 物流单号="78123456780001")]
    found = [f for f in findings(tmp_path, {"orders": sheet(*rows)}, select=("ORD014",)) if f.code == "ORD014"]
    assert [(f.row, f.column) for f in found] == [(4, "物流单号"), (5, "物流单号")]


def test_shipped_without_a_waybill_says_which_part_is_missing(tmp_path):
    rows = [order("5000000000000000001", 订单状态=PAID, **NOT_SHIPPED),  # not shipped: skipped first
            order("5000000000000000002", 物流单号=None)]
    f = _only(findings(tmp_path, {"orders": sheet(*rows)}, select=("ORD012",)), "ORD012")
    assert (f.row, f.column, f.message) == (3, "物流单号", "订单已发货但没有快递单号")


# ── ORD008 what makes an item complete ────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("items", "bad"), [
    ("纯棉T恤 藕荷 L", None),  # three words ending in a size: complete, whatever the colour word
    ("T恤白色L", None),  # written together: model, a known colour and a size
    ("白色L", "白色L"),  # colour and size but no model
    ("纯棉T恤 白色 L；白色L；黑色XL", "白色L；黑色XL"),  # only the incomplete items, in order
])
def test_item_completeness(tmp_path, items, bad):
    found = findings(tmp_path, {"orders": sheet(order("5000000000000000001", 宝贝标题=items))}, select=("ORD008",))
    assert [f.value for f in found if f.code == "ORD008"] == ([bad] if bad else [])
    if bad:
        assert _only(found, "ORD008").message == f"商品缺少款式/颜色/尺码：{bad}"


def test_empty_or_closed_items_are_not_checked(tmp_path):
    rows = [order("5000000000000000001", 宝贝标题=None), order("5000000000000000002", 宝贝标题="白色L", 订单状态=CLOSED)]
    assert rows_with(findings(tmp_path, {"orders": sheet(*rows)}, select=("ORD008",)), "ORD008") == []


# ── ORD018 same-day shipping: the register's date, waiting orders, skipped rows ───────────────────
def test_same_day_uses_the_shipping_register_when_the_orders_have_no_ship_time(tmp_path):
    row = order("5000000000000000001", 订单付款时间=D(2026, 10, 14, 15, 59), 发货时间=...)
    shipments = sheet({"发货日期": dt.date(2026, 10, 15), "订单编号": "5000000000000000001", "快递公司": "中通",
                       "快递单号": "78123456780001"})
    f = _only(findings(tmp_path, {"orders": sheet(row), "shipments": shipments}, select=("ORD018",)), "ORD018")
    assert (f.column, f.message) == ("订单付款时间", "10-14 15:59 付款（截单 16:00 前），当天未发货：2026-10-15")


@pytest.mark.parametrize(("as_of", "warned"), [
    (dt.date(2026, 10, 14), False),  # the day itself is not over
    (dt.date(2026, 10, 15), True),   # the next working day: still waiting
    (dt.date(2026, 10, 16), False),  # past it: ORD011's error, not this warning
])
def test_a_same_day_order_still_waiting(tmp_path, as_of, warned):
    rows = [order("5000000000000000001", 订单付款时间=D(2026, 10, 14, 16, 0), 订单状态=PAID, **NOT_SHIPPED),  # after the cut-off
            order("5000000000000000002", 订单付款时间=D(2026, 10, 17, 10, 0), 订单状态=PAID, **NOT_SHIPPED),  # a Saturday off
            order("5000000000000000003", 订单付款时间=D(2026, 10, 14, 15, 0), 订单状态=CLOSED, **NOT_SHIPPED),  # closed
            order("5000000000000000004", 订单付款时间=D(2026, 10, 14, 15, 0)),  # shipped the same day
            order("5000000000000000005", 订单付款时间=D(2026, 10, 14, 15, 59), 订单状态=PAID, **NOT_SHIPPED)]
    found = findings(tmp_path, {"orders": sheet(*rows)}, select=("ORD018",), as_of=as_of)
    assert rows_with(found, "ORD018") == ([6] if warned else [])
    if warned:
        f = _only(found, "ORD018")
        assert (f.column, f.message) == ("发货时间", "10-14 15:59 付款（截单 16:00 前），当天未发货：（空）")


# ── owed since the last run (docs/mutation-survivors.md), on in-memory orders ─────────────────────
from automation.i18n import set_lang  # noqa: E402
from tests.rules_helpers import checked  # noqa: E402


def _without(row: dict, *headers: str) -> dict:
    return {k: v for k, v in row.items() if k not in headers}


@pytest.mark.parametrize(("column", "present"), [("订单备注", "买家留言"), ("买家留言", "订单备注")])
def test_a_request_in_the_only_column_the_sheet_has(column, present):
    rows = [_without(order("5000000000000000001", **{present: "要发顺丰"}), column)]
    found, _ = checked("ORD019", {"orders": rows})
    assert [(f.row, f.column, f.message) for f in found] == [(2, "物流公司", "买家要求发顺丰，实际发的是中通")]


def test_price_change_limit_shown_as_the_shop_set_it():
    rows = [order("5000000000000000001", 原价=100, 买家应付货款=30)]
    found, _ = checked("ORD009", {"orders": rows}, "[rules.options.ORD009]\nmax_ratio = 0.6\n")
    assert [f.message for f in found] == ["改价超过原价的 60%：原价 100.00，改后 30.00"]


def test_waybill_missing_names_the_part_in_english():
    set_lang("en")
    rows = [order("5000000000000000001", 物流单号=None), order("5000000000000000002", 物流公司=None)]
    found, _ = checked("ORD012", {"orders": rows})
    assert [(f.row, f.column, f.message) for f in found] == [(2, "物流单号", "Shipped order without a waybill number"),
                                                              (3, "物流公司", "Shipped order without a courier")]


# ── the evening run's survivors (docs/mutation-survivors.md, times … waybills), in-memory ─────────
from automation.errors import UserError  # noqa: E402

WED, THU, FRI = dt.date(2026, 10, 14), dt.date(2026, 10, 15), dt.date(2026, 10, 16)  # 10-15 is 10-14's deadline
WAITING = {"订单状态": PAID, **NOT_SHIPPED}


def _seen(found):
    return [(f.row, f.column, f.value, f.message) for f in found]


def test_late_shipping_points_at_the_ship_time_and_shows_the_day_shipped():
    rows = [order("5000000000000000001", 订单付款时间=D(2026, 10, 14, 10), 发货时间=D(2026, 10, 16, 9)),  # a day late
            order("5000000000000000002", 订单付款时间=D(2026, 10, 14, 10), 发货时间=D(2026, 10, 15, 23, 59)),  # on the deadline
            order("5000000000000000003", 订单付款时间=D(2026, 10, 14, 10), **WAITING)]  # not shipped at all
    found, _ = checked("ORD011", {"orders": rows}, as_of=FRI)
    assert _seen(found) == [
        (2, "发货时间", FRI, "付款 10-14 10:00 后未在下一个工作日（10-15）内发货：2026-10-16"),
        (4, "发货时间", None, "付款 10-14 10:00 后未在下一个工作日（10-15）内发货：（空）")]


def test_late_shipping_without_a_ship_time_column_points_at_the_payment_time():
    """The shipping register gives the day; the finding points at 订单付款时间, the only time on the sheet."""
    rows = [order("5000000000000000001", 发货时间=...),  # shipped 10-16 by the register
            order("5000000000000000002", 发货时间=..., 订单状态=PAID, 物流公司=None, 物流单号=None)]  # not in it
    shipments = [{"发货日期": FRI, "订单编号": "5000000000000000001"}]
    found, _ = checked("ORD011", {"orders": rows, "shipments": shipments}, as_of=FRI)
    # the order never shipped shows no ship time, not its payment time (the cell pointed at)
    assert [(f.row, f.column, f.value) for f in found] == [(2, "订单付款时间", FRI), (3, "订单付款时间", None)]
    assert [f.message for f in found] == ["付款 10-14 10:00 后未在下一个工作日（10-15）内发货：2026-10-16",
                                          "付款 10-14 10:00 后未在下一个工作日（10-15）内发货：（空）"]


def test_same_day_warning_without_a_ship_time_column_shows_no_ship_time():
    """ORD018 while the order waits (paid 10-14 15:00 before the cut-off, as of 10-15): not the payment time."""
    rows = [order("5000000000000000001", 发货时间=..., 订单状态=PAID, 订单付款时间=D(2026, 10, 14, 15), 物流公司=None, 物流单号=None)]
    found, _ = checked("ORD018", {"orders": rows, "shipments": []}, as_of=THU)
    assert [(f.row, f.column, f.value, f.message) for f in found] == [
        (2, "订单付款时间", None, "10-14 15:00 付款（截单 16:00 前），当天未发货：（空）")]


def test_the_register_row_with_a_date_counts_not_one_without():
    shipments = [{"发货日期": None, "订单编号": "5000000000000000001"},  # written before the parcel left
                 {"发货日期": FRI, "订单编号": "5000000000000000001"}]
    found, _ = checked("ORD011", {"orders": [order("5000000000000000001", 发货时间=...)], "shipments": shipments}, as_of=FRI)
    assert [(f.row, f.value) for f in found] == [(2, FRI)]


def test_closed_and_unpaid_rows_are_skipped_before_a_late_one():
    rows = [order("5000000000000000001", 订单状态=CLOSED, 订单付款时间=D(2026, 10, 14, 10), **NOT_SHIPPED),  # paid, then closed
            order("5000000000000000002", 订单状态=UNPAID, 订单付款时间=None, **NOT_SHIPPED),
            order("5000000000000000003", 订单付款时间=D(2026, 10, 14, 10), 发货时间=D(2026, 10, 16, 9))]
    found, _ = checked("ORD011", {"orders": rows}, as_of=FRI)
    assert [f.row for f in found] == [4]


def test_without_a_status_only_a_shipping_detail_means_shipped():
    """A team's own order sheet without 订单状态: a paid order with no ship time, courier or waybill
    is not shipped (ORD011 flags it past the deadline); any one of the three means it was."""
    bare = _without(order("5000000000000000001", 订单付款时间=D(2026, 10, 14, 10), **NOT_SHIPPED), "订单状态")
    found, _ = checked("ORD011", {"orders": [bare]}, as_of=FRI)
    assert [(f.row, f.column) for f in found] == [(2, "发货时间")]
    rows = [_without(order(f"500000000000000000{n}", **{**NOT_SHIPPED, **detail}), "订单状态") for n, detail in enumerate([
        {"发货时间": D(2026, 10, 14, 17)},  # shipped: both parts missing
        {"物流公司": "中通"},  # shipped: the waybill missing
        {"物流单号": "78123456780003"},  # shipped: the courier missing
        {}], 1)]  # nothing: not shipped, nothing missing
    found, _ = checked("ORD012", {"orders": rows})
    assert [(f.row, f.column) for f in found] == [(2, "物流单号"), (2, "物流公司"), (3, "物流单号"), (4, "物流公司")]


def test_without_a_status_a_payment_time_means_paid():
    rows = [_without(order("5000000000000000001", 收货人姓名=None), "订单状态"),  # paid: the name is owed
            _without(order("5000000000000000002", 收货人姓名=None, 订单付款时间=None), "订单状态")]  # not paid yet
    found, _ = checked("ORD001", {"orders": rows})
    assert [(f.row, f.column) for f in found] == [(2, "收货人姓名")]


@pytest.mark.parametrize("chase_at", ["10:30", "23:00", "16:59", "0:05"])
def test_the_chase_time_is_read_to_the_minute(chase_at):
    hour, minute = map(int, chase_at.split(":"))
    at = D(2026, 10, 14, hour, minute)
    rows = [order("5000000000000000001", **{**UNPAID_ROW, "订单创建时间": at - dt.timedelta(minutes=1)}, 催付时间=None),  # before it
            order("5000000000000000002", **{**UNPAID_ROW, "订单创建时间": at}, 催付时间=None)]  # at it: not before
    found, _ = checked("ORD017", {"orders": rows}, f'[rules.options.ORD017]\nchase_at = "{chase_at}"\n', as_of=THU)
    created = at - dt.timedelta(minutes=1)
    assert _seen(found) == [(2, "订单创建时间", created, f"下单 {created:%m-%d %H:%M} 到 {hour:02d}:{minute:02d} 仍未付款，没有催付记录")]


@pytest.mark.parametrize("chase_at", ["24:00", "16:60", "25:61", "7:5"])
def test_a_chase_time_that_is_not_a_time_of_day_is_one_clear_error(chase_at):
    with pytest.raises(UserError) as error:
        checked("ORD017", {"orders": [order("5000000000000000001", **UNPAID_ROW, 催付时间=None)]},
                f'[rules.options.ORD017]\nchase_at = "{chase_at}"\n', as_of=THU)
    assert error.value.key == "rules.bad_config" and f"chase_at = '{chase_at}' must be a time written HH:MM" in str(error.value)


def test_a_shared_waybill_message_names_the_waybill_and_the_other_row():
    rows = [order("5000000000000000001", 物流单号="78123456780001"), order("5000000000000000002", 物流单号="78123456780001")]
    found, _ = checked("ORD014", {"orders": rows})
    assert _seen(found) == [(2, "物流单号", "78123456780001", "快递单号 78123456780001 也用在第 3 行的订单上，且备注中没有换货说明"),
                            (3, "物流单号", "78123456780001", "快递单号 78123456780001 也用在第 2 行的订单上，且备注中没有换货说明")]


def test_an_order_id_written_none_is_not_the_same_as_an_empty_one():
    """`str(None)` is "None": a row whose id is the text None and a row without an id share a key, but
    only one of them has a value, so there is no group."""
    rows = [order("5000000000000000001"), {**order("5000000000000000002"), "订单编号": "None"},
            {**order("5000000000000000003"), "订单编号": None}]
    found, _ = checked("ORD015", {"orders": rows})
    assert found == []
