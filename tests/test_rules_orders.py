"""Order rules (ORD*, READ*): each with a failing and a passing row in a workbook built here."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.rules_helpers import PAID, findings, order, rows_with, sheet

D = dt.datetime

# (code, the bad order's overrides, the good order's overrides); the bad order is on row 2, the good on row 3
CASES = [
    ("ORD001", {"收货人姓名": None}, {}),
    ("ORD002", {"收货地址": None}, {}),
    ("ORD003", {"收货地址": "广州市 天河区 体育西路 1号"}, {"收货地址": "内蒙 呼和浩特市 新城区 1号"}),
    ("ORD003", {"收货地址": "某某路 1号"}, {"收货地址": "新疆维吾尔自治区 乌鲁木齐市 天山区"}),
    ("ORD004", {"联系手机": None}, {"联系手机": None, "联系电话": "020-87654321"}),
    ("ORD005", {"联系手机": "1381234567"}, {"联系手机": "+8613812345678"}),
    ("ORD005", {"联系手机": "12812345678"}, {"联系手机": "19312345678"}),
    ("ORD006", {"收货地址": "广东省 广州市 越秀区 (5100)"}, {"收货地址": "广东省 广州市 越秀区 (510080)"}),
    ("ORD007", {"收货地址": "广东省 广州市 越秀区 (000000)"}, {}),
    ("ORD008", {"宝贝标题": "纯棉圆领T恤 白色"}, {"宝贝标题": "纯棉圆领T恤 白色 L；加绒卫衣 黑色 XL"}),
    ("ORD008", {"宝贝标题": "加绒卫衣 黑色 XL;纯棉圆领T恤 L"}, {"宝贝标题": "牛仔裤 浅蓝色 29"}),
    ("ORD009", {"原价": 100, "买家应付货款": 49}, {"原价": 100, "买家应付货款": 51}),
    ("ORD011", {"订单付款时间": D(2026, 9, 30, 20), "发货时间": D(2026, 10, 9, 10)},  # across National Day
     {"订单付款时间": D(2026, 9, 30, 20), "发货时间": D(2026, 10, 8, 18)}),
    ("ORD011", {"订单付款时间": D(2026, 10, 9, 21), "发货时间": D(2026, 10, 12, 9)},  # Sat 10-10 is a make-up workday
     {"订单付款时间": D(2026, 10, 16, 21), "发货时间": D(2026, 10, 19, 17)}),  # Fri -> Mon is on time
    ("ORD011", {"订单状态": PAID, "订单付款时间": D(2026, 10, 20, 9), "发货时间": None, "物流公司": None, "物流单号": None},
     {"订单状态": PAID, "订单付款时间": D(2026, 10, 30, 9), "发货时间": None, "物流公司": None, "物流单号": None}),
    ("ORD012", {"物流单号": None}, {}),
    ("ORD013", {"物流单号": "YT1234567890123"}, {"物流公司": "圆通", "物流单号": "YT1234567890123"}),
    ("ORD013", {"物流公司": "顺丰速运", "物流单号": "78123456781234"}, {"物流公司": "顺丰速运", "物流单号": "SF1234567890123"}),
    ("ORD016", {"付款方式": "货到付款", "订单创建时间": D(2026, 10, 14, 9), "联系时间": D(2026, 10, 14, 9, 31)},
     {"付款方式": "货到付款", "订单创建时间": D(2026, 10, 14, 9), "联系时间": D(2026, 10, 14, 9, 30)}),
]


@pytest.mark.parametrize(("code", "bad", "good"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_the_bad_row_only(tmp_path, code, bad, good):
    rows = [order("5000000000000000001", **bad), order("5000000000000000002", **good),
            order("5000000000000000003", 订单付款时间=D(2026, 10, 30, 9), 发货时间=D(2026, 10, 30, 15))]
    found = findings(tmp_path, {"orders": sheet(*rows)})
    assert rows_with(found, code) == [2]
    hit = next(f for f in found if f.code == code)
    assert hit.sheet == "订单" and hit.key == "5000000000000000001" and hit.clause.startswith("M-ORD")


def test_clean_orders_have_no_findings(tmp_path):
    rows = [order(f"500000000000000000{i}") for i in range(1, 5)]
    assert findings(tmp_path, {"orders": sheet(*rows)}) == []


def test_finding_carries_cell_message_and_value(tmp_path):
    found = findings(tmp_path, {"orders": sheet(order("5000000000000000001", 联系手机="1381234567"))})
    (f,) = [f for f in found if f.code == "ORD005"]
    assert (f.row, f.column, f.cell, f.value, f.severity) == (2, "联系手机", "D2", "1381234567", "error")
    assert "1381234567" in f.message and f.fix


def test_waybill_on_two_orders_unless_an_exchange_explains_it(tmp_path):
    rows = [order("5000000000000000001", 物流单号="78123456780001"),
            order("5000000000000000002", 物流单号="78123456780001"),
            order("5000000000000000003", 物流单号="78123456780003"),
            order("5000000000000000004", 物流单号="78123456780003", 订单备注="10.12 换货：白色L换黑色XL 差价0 运费买家 李四")]
    found = findings(tmp_path, {"orders": sheet(*rows)})
    assert rows_with(found, "ORD014") == [2, 3]  # every row of the group, each naming the other
    assert [f.message for f in found if f.code == "ORD014"][0].count("第 3 行") == 1


def test_duplicated_order_id_and_damaged_id(tmp_path):
    rows = [order("5000000000000000001"), order("5000000000000000001"), order("5000000000000000003")]
    rows[2]["订单编号"] = 5.121910154426014e18  # Excel turned it into a number
    found = findings(tmp_path, {"orders": sheet(*rows)})
    assert rows_with(found, "ORD015") == [2, 3]
    (damaged,) = [f for f in found if f.code == "READ001"]
    assert damaged.row == 4 and damaged.cell == "A4" and "E+18" in damaged.value


def test_postage_against_the_rate_card(tmp_path):
    toml = """
[rates."中通"]
rounding = "up_1"
remote_provinces = ["新疆", "西藏"]
remote_surcharge = 10
[[rates."中通".zones]]
name = "江浙沪"
provinces = ["上海", "江苏", "浙江"]
first = 4
additional = 1
[[rates."中通".zones]]
name = "其他"
provinces = ["*"]
first = 6
additional = 3
"""
    rows = [order("5000000000000000001", 买家应付邮费=4),  # 广东: 6.00 expected
            order("5000000000000000002", 买家应付邮费=6),
            order("5000000000000000003", 收货地址="新疆 乌鲁木齐市 天山区", 买家应付邮费=16),  # 6 + remote 10
            order("5000000000000000004", 收货地址="浙江省 杭州市 西湖区", 买家应付邮费=0)]  # 包邮: 4.00 on the card
    found = findings(tmp_path, {"orders": sheet(*rows)}, toml)
    assert rows_with(found, "ORD010") == [2, 5]
    free_shipping = toml + "[rules.options.ORD010]\nfree_shipping_ok = true\n"
    assert rows_with(findings(tmp_path, {"orders": sheet(*rows)}, free_shipping), "ORD010") == [2]
    f = next(f for f in found if f.code == "ORD010")
    assert "6.00" in f.message and "广东" in f.message
    # no rate card: no postage check at all
    assert rows_with(findings(tmp_path, {"orders": sheet(*rows)}), "ORD010") == []


def test_shop_rest_days_and_config_options(tmp_path):
    toml = '[calendar]\nrest_days = ["周日"]\n[rules]\nignore = ["ORD008"]\n[rules.options.ORD009]\nmax_ratio = 0.2\n'
    rows = [order("5000000000000000001", 订单付款时间=D(2026, 10, 16, 10), 发货时间=D(2026, 10, 19, 10)),
            order("5000000000000000002", 原价=100, 买家应付货款=75, 宝贝标题="T恤")]
    found = findings(tmp_path, {"orders": sheet(*rows)}, toml)
    assert rows_with(found, "ORD009") == [3]  # 25 % > the shop's 20 %
    assert rows_with(found, "ORD008") == []  # ignored
    # paid Friday 10-16: the shop works Saturdays (only Sunday is its rest day), so Monday 10-19 is late
    assert rows_with(found, "ORD011") == [2]


def test_uncovered_calendar_year_is_a_clear_error(tmp_path):
    from automation.errors import UserError

    rows = [order("5000000000000000001", 订单付款时间=D(2031, 3, 2, 10), 发货时间=D(2031, 3, 3, 10))]
    with pytest.raises(UserError) as info:
        findings(tmp_path, {"orders": sheet(*rows)}, as_of=dt.date(2031, 3, 5))
    assert info.value.key == "err.calendar_year"


def test_waybill_pattern_from_shop_toml(tmp_path):
    rows = [order("5000000000000000001", 物流单号="ZT123"), order("5000000000000000002", 物流单号="78123456780002")]
    assert rows_with(findings(tmp_path, {"orders": sheet(*rows)}), "ORD013") == [2]
    own = '[couriers."中通"]\nwaybill_pattern = "ZT\\\\d+"\n'
    assert rows_with(findings(tmp_path, {"orders": sheet(*rows)}, own), "ORD013") == [3]
    from automation.errors import UserError

    with pytest.raises(UserError):
        findings(tmp_path, {"orders": sheet(*rows)}, '[couriers."中通"]\nwaybill_pattern = "ZT[\\\\d"\n')


def test_messages_in_english(tmp_path):
    from automation.i18n import set_lang

    set_lang("en")
    try:
        found = findings(tmp_path, {"orders": sheet(order("5000000000000000001", 联系手机="1381234567"))})
    finally:
        set_lang(None)
    (f,) = [f for f in found if f.code == "ORD005"]
    assert f.message == "Not a valid phone number: 1381234567" and f.fix.startswith("A mobile is 11 digits")
