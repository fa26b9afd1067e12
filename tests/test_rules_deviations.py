"""Issue 11 §3: the rules that deviated from the seeds, each at its threshold (one case just inside,
one just outside) and in the direction of the comparison. Workbooks are built here and validated."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.rules_helpers import PAID, findings, order, rows_with, sheet

D = dt.datetime
d = dt.date
UNPAID = "等待买家付款"
NOT_SHIPPED = {"发货时间": None, "物流公司": None, "物流单号": None}
STAFF = '[[staff]]\nname = "张三"\nrole = "客服"\n[[staff]]\nname = "李四"\nrole = "客服"\n'


def _rows(found, code):
    return rows_with(found, code)


def _orders(tmp_path, *rows, toml: str = "", as_of=None):
    return findings(tmp_path, {"orders": sheet(*rows)}, toml, as_of=as_of)


# ── 3.2 M-SHIP-SAMEDAY (ORD018) below M-ORD-SHIP1D (ORD011) ──────────────────
@pytest.mark.parametrize(("paid", "shipped", "warned"), [
    (D(2026, 10, 14, 15, 59), D(2026, 10, 15, 9), True),   # one minute before the 16:00 cut-off, shipped next day
    (D(2026, 10, 14, 16, 0), D(2026, 10, 15, 9), False),   # at the cut-off: tomorrow's order
    (D(2026, 10, 14, 15, 59), D(2026, 10, 14, 23), False),  # shipped the same day
    (D(2026, 10, 17, 10, 0), D(2026, 10, 19, 9), False),   # paid on a Saturday off: not a same-day order
    (D(2026, 10, 10, 10, 0), D(2026, 10, 12, 9), True),    # the make-up Saturday 10-10 is a working day
])
def test_same_day_orders_ship_the_same_day(tmp_path, paid, shipped, warned):
    found = _orders(tmp_path, order("5000000000000000001", 订单付款时间=paid, 发货时间=shipped),
                    order("5000000000000000002", 订单付款时间=D(2026, 10, 30, 9), 发货时间=D(2026, 10, 30, 15)))
    assert _rows(found, "ORD018") == ([2] if warned else [])
    if warned:
        (f,) = [f for f in found if f.code == "ORD018"]
        assert f.severity == "warning" and "16:00" in f.message


def test_later_than_the_next_working_day_is_the_error_not_the_warning(tmp_path):
    found = _orders(tmp_path, order("5000000000000000001", 订单付款时间=D(2026, 10, 14, 10), 发货时间=D(2026, 10, 16, 9)),
                    order("5000000000000000002", 订单付款时间=D(2026, 10, 14, 10), 发货时间=D(2026, 10, 15, 23, 59)))
    assert _rows(found, "ORD011") == [2]
    assert _rows(found, "ORD018") == [3]


def test_cut_off_is_a_shop_option(tmp_path):
    toml = '[rules.options.ORD018]\ncutoff = "15:00"\n'
    rows = (order("5000000000000000001", 订单付款时间=D(2026, 10, 14, 14, 59), 发货时间=D(2026, 10, 15, 9)),
            order("5000000000000000002", 订单付款时间=D(2026, 10, 14, 15, 0), 发货时间=D(2026, 10, 15, 9)))
    assert _rows(_orders(tmp_path, *rows, toml=toml), "ORD018") == [2]
    assert _rows(_orders(tmp_path, *rows), "ORD018") == [2, 3]  # default 16:00


def test_a_bad_cut_off_is_one_clear_line(tmp_path):
    from automation.errors import UserError

    with pytest.raises(UserError) as info:
        _orders(tmp_path, order("5000000000000000001"), toml='[rules.options.ORD018]\ncutoff = "4pm"\n')
    assert info.value.key == "rules.bad_config" and "HH:MM" in str(info.value)


# ── 3.3 FLG002: yellow needs the agent's name or 公共 ─────────────────────────
def test_yellow_without_name_or_public_is_found(tmp_path):
    rows = [order("5000000000000000001", 旗帜="黄", 订单备注=None),
            order("5000000000000000002", 旗帜="黄", 订单备注="公共订单"),
            order("5000000000000000003", 旗帜="黄", 订单备注="李四")]
    found = _orders(tmp_path, *rows, toml=STAFF)
    assert _rows(found, "FLG002") == [2]
    assert "公共订单" in next(f for f in found if f.code == "FLG002").message


def test_a_paid_yellow_order_without_a_name_is_public_in_attribution(tmp_path):
    from automation.attribution import attribute_orders
    from automation.config import load_config
    from automation.remarks import parse_remark
    from automation.tables import read_table
    from tests.rules_helpers import shop

    folder = shop(tmp_path, {"orders": sheet(order("5000000000000000001", 订单状态=PAID, 旗帜="黄", 订单备注="公共订单", **NOT_SHIPPED),
                                             order("5000000000000000002", 订单状态=PAID, 旗帜="黄", 订单备注="李四", **NOT_SHIPPED))},
                  STAFF)
    config = load_config(folder / "shop.toml")
    table = read_table(folder / "店铺.xlsx", "orders")
    assert parse_remark("公共订单", "黄").public is True
    assert [(a.agent, a.basis) for a in attribute_orders(table, config)] == [(None, "unattributed"), ("李四", "remark")]


# ── 3.4 M-ORD-NOTE: a buyer message or changed address with an empty seller remark ──
def test_buyer_message_or_changed_address_must_be_in_the_remark(tmp_path):
    rows = [order("5000000000000000001", 买家留言="请发顺丰", 订单备注=None),
            order("5000000000000000002", 修改后的收货地址="广东省 广州市 天河区 体育西路 2号", 订单备注=None),
            order("5000000000000000003", 买家留言="请发顺丰", 订单备注="张三：要发顺丰", 旗帜="红"),
            order("5000000000000000004", 买家留言=None, 订单备注=None)]
    found = _orders(tmp_path, *rows, toml=STAFF)
    assert _rows(found, "FLG007") == [2, 3]
    assert {f.message for f in found if f.code == "FLG007"} == {"买家有留言，但卖家备注是空的", "收货地址已修改，但卖家备注是空的"}


# ── 3.7 M-AS-WINDOW: 7 days for exchanges and no-reason returns, not quality returns ──
def _ret(kind: str, signed: dt.date, reason: str = "尺码不合适", **extra) -> dict:
    row = {"登记日期": d(2026, 10, 20), "订单编号": "5000000000000000001", "类型": kind, "原因": reason,
           "签收日期": signed, "运费承担": "买家" if reason == "尺码不合适" else "卖家", "新快递单号": "78123456789012"}
    row.update(extra)
    return row


@pytest.mark.parametrize(("kind", "reason", "signed", "late"), [
    ("换货", "尺码不合适", d(2026, 10, 13), False),  # 7 days: inside
    ("换货", "尺码不合适", d(2026, 10, 12), True),   # 8 days: outside
    ("退货", "七天无理由", d(2026, 10, 13), False),
    ("退货", "七天无理由", d(2026, 10, 12), True),
    ("退货", "质量问题：开线", d(2026, 10, 1), False),  # a quality return is not bound by the 7 days
    ("换货", "质量问题：开线", d(2026, 10, 12), True),   # an exchange is, whatever the reason
])
def test_after_sales_window(tmp_path, kind, reason, signed, late):
    found = findings(tmp_path, {"returns": sheet(_ret(kind, signed, reason))})
    assert _rows(found, "AS001") == ([2] if late else [])


@pytest.mark.parametrize(("remark", "late"), [
    ("10.24 退货退款 尺码不合适 运费买家承担 李四", True),   # 8 days after sign-for 10-16
    ("10.23 退货退款 尺码不合适 运费买家承担 李四", False),  # 7 days
    ("10.28 退货退款 质量问题 运费卖家承担 李四", False),    # quality: no window
])
def test_remark_window_spares_quality_returns(tmp_path, remark, late):
    rows = [order("5000000000000000001", 订单备注=remark, 旗帜="蓝", 确认收货时间=D(2026, 10, 16, 12))]
    assert _rows(_orders(tmp_path, *rows, toml=STAFF), "AS008") == ([2] if late else [])


# ── 3.8 M-AS-EXPRESS: 平邮 refused as well as 到付 ──────────────────────────
def test_surface_mail_exchange_is_refused(tmp_path):
    rows = [_ret("换货", d(2026, 10, 15), 快递公司="平邮"), _ret("换货", d(2026, 10, 15), 快递公司="中通"),
            _ret("退货", d(2026, 10, 15), 快递公司="平邮")]
    found = findings(tmp_path, {"returns": sheet(*rows)})
    assert _rows(found, "AS004") == [2]
    rows = [order("5000000000000000001", 订单备注="10.12 换货：白色L换黑色XL 差价0 平邮寄回 李四 新单号78123456789012", 旗帜="紫"),
            order("5000000000000000002", 订单备注="10.12 换货：白色L换黑色XL 差价0 运费买家承担 李四 新单号78123456789013", 旗帜="紫")]
    assert _rows(_orders(tmp_path, *rows, toml=STAFF), "AS006") == [2]


# ── 3.10 HND003 is the shop's option; the warehouse's handover is checked when kept ──
def _handover(day, shift, category="客户交接", **extra):
    row = {"日期": day, "班次": shift, "交班人": "张三", "接班人": "李四", "类型": category, "交接内容": "无", "处理状态": "已解决"}
    row.update(extra)
    return row


ONE_SHIFT = '[[shifts]]\nname = "白班"\nstart = "09:00"\nend = "17:30"\n'


def test_warehouse_handover_is_checked_whenever_the_warehouse_keeps_one(tmp_path):
    rows = [_handover(d(2026, 10, 12), "白班", "仓库"), _handover(d(2026, 10, 13), "白班", "仓库"),
            _handover(d(2026, 10, 14), "白班"), _handover(d(2026, 10, 15), "白班", "仓库")]
    found = findings(tmp_path, {"handover": sheet(*rows)}, ONE_SHIFT, as_of=d(2026, 10, 15))
    missing = [(str(f.value), f.message) for f in found if f.code == "HND001"]
    assert missing == [("2026-10-14", "2026-10-14 仓库没有交接记录")]
    # without any warehouse entry the book is not expected to hold one
    rows = [_handover(d(2026, 10, 12), "白班"), _handover(d(2026, 10, 13), "白班")]
    assert _rows(findings(tmp_path, {"handover": sheet(*rows)}, ONE_SHIFT, as_of=d(2026, 10, 13)), "HND001") == []


@pytest.mark.parametrize(("toml", "since", "open_"), [
    ("", d(2026, 10, 27), True),    # 4 days by 10-31: beyond the default 3
    ("", d(2026, 10, 28), False),   # 3 days: within
    ("[rules.options.HND003]\nmax_days = 5\n", d(2026, 10, 26), False),  # the shop's own limit, 5 days: within
    ("[rules.options.HND003]\nmax_days = 5\n", d(2026, 10, 25), True),
])
def test_open_handover_limit_is_the_shops_option(tmp_path, toml, since, open_):
    rows = [_handover(since, "白班", 处理状态="处理中"), _handover(d(2026, 10, 31), "白班")]
    found = findings(tmp_path, {"handover": sheet(*rows)}, ONE_SHIFT + toml, as_of=d(2026, 10, 31))
    assert _rows(found, "HND003") == ([2] if open_ else [])
    if open_:
        assert "店铺设定" in next(f for f in found if f.code == "HND003").message


# ── 3.11 ORD017: the 16:00 chase ─────────────────────────────────────────────
UNPAID_ROW = {"订单状态": UNPAID, "订单付款时间": None, **NOT_SHIPPED, "催付时间": None}


@pytest.mark.parametrize(("extra", "chased"), [
    ({**UNPAID_ROW, "订单创建时间": D(2026, 10, 14, 15, 59)}, True),   # placed a minute before 16:00, never paid
    ({**UNPAID_ROW, "订单创建时间": D(2026, 10, 14, 16, 0)}, False),   # placed at 16:00: after the chase
    ({"订单创建时间": D(2026, 10, 14, 15, 0), "订单付款时间": D(2026, 10, 14, 16, 1), "发货时间": D(2026, 10, 14, 17), "催付时间": None}, True),
    ({"订单创建时间": D(2026, 10, 14, 15, 0), "订单付款时间": D(2026, 10, 14, 15, 59), "发货时间": D(2026, 10, 14, 17), "催付时间": None}, False),
    ({**UNPAID_ROW, "订单创建时间": D(2026, 10, 14, 15, 0), "催付时间": D(2026, 10, 14, 16, 5)}, False),  # chased
    ({**UNPAID_ROW, "订单创建时间": D(2026, 10, 14, 15, 0), "旗帜": "黄", "订单备注": "张三"}, False),  # yellow 催单 flag
])
def test_unpaid_orders_are_chased_at_16(tmp_path, extra, chased):
    found = _orders(tmp_path, order("5000000000000000001", **extra), order("5000000000000000002", 订单付款时间=D(2026, 10, 30, 9)),
                    toml=STAFF)
    assert _rows(found, "ORD017") == ([2] if chased else [])


def test_chase_is_not_checked_without_a_column_to_record_it(tmp_path):
    found = _orders(tmp_path, order("5000000000000000001", **{k: v for k, v in UNPAID_ROW.items() if k != "催付时间"},
                                    订单创建时间=D(2026, 10, 14, 9)))
    assert _rows(found, "ORD017") == []


# ── 3.12 + issue 10 §6: ORD012 needs courier and waybill; shipped-ness from the status ──
@pytest.mark.parametrize(("extra", "missing"), [
    ({"物流单号": None}, ["物流单号"]),
    ({"物流公司": None}, ["物流公司"]),
    ({"物流公司": None, "物流单号": None}, ["物流公司", "物流单号"]),
    ({"订单状态": PAID, "发货时间": None, "物流单号": None}, []),  # paid, waiting, courier chosen: not shipped yet
    ({"订单状态": "交易成功", "物流单号": None}, ["物流单号"]),
])
def test_shipped_orders_carry_courier_and_waybill(tmp_path, extra, missing):
    found = _orders(tmp_path, order("5000000000000000001", **extra))
    assert sorted(f.column for f in found if f.code == "ORD012") == sorted(missing)


def test_without_a_status_any_shipping_detail_means_shipped(tmp_path):
    rows = [order("5000000000000000001", 订单状态=..., 物流单号=None)]
    assert [f.column for f in _orders(tmp_path, *rows) if f.code == "ORD012"] == ["物流单号"]


# ── 3.15 M-ORD-DUP: every row of a duplicate group, each naming the others ──
def test_every_duplicate_row_names_the_others(tmp_path):
    rows = [order("5000000000000000001"), order("5000000000000000002"), order("5000000000000000001"),
            order("5000000000000000001")]
    found = [f for f in _orders(tmp_path, *rows) if f.code == "ORD015"]
    assert [(f.row, f.message) for f in found] == [
        (2, "订单编号 5000000000000000001 重复（也在第 4、5 行）"), (4, "订单编号 5000000000000000001 重复（也在第 2、5 行）"),
        (5, "订单编号 5000000000000000001 重复（也在第 2、4 行）")]
    rows = [order("5000000000000000001", 物流单号="78123456780001"), order("5000000000000000002", 物流单号="78123456780001")]
    found = [f for f in _orders(tmp_path, *rows) if f.code == "ORD014"]
    assert [(f.row, "第 3 行" in f.message, "第 2 行" in f.message) for f in found] == [(2, True, False), (3, False, True)]


# ── 3.6 M-PEN-FIRSTREPLY: the 45 seconds are read from 平均首次响应(秒) ───────────
@pytest.mark.parametrize(("seconds", "slow"), [(45, False), (46, True), (44.9, False), (45.1, True)])
def test_first_reply_within_45_seconds(tmp_path, seconds, slow):
    rows = [{"日期": d(2026, 10, 14), "客服": "张三", "咨询人数": 30, "平均首次响应(秒)": seconds}]
    found = findings(tmp_path, {"service": sheet(*rows)})
    assert _rows(found, "SVC001") == ([2] if slow else [])
    if slow:
        (f,) = [f for f in found if f.code == "SVC001"]
        assert f.column == "平均首次响应(秒)" and "45" in f.message and f.severity == "warning"


# ── M-MSG-24H: answered within 24 hours ───────────────────────────────────────
@pytest.mark.parametrize(("handled", "late"), [
    (D(2026, 10, 15, 10, 0), False),   # exactly 24 hours
    (D(2026, 10, 15, 10, 1), True),    # a minute over
    (None, True),                      # never answered, and the data runs to 10-30
])
def test_messages_answered_within_24_hours(tmp_path, handled, late):
    rows = [{"留言时间": D(2026, 10, 14, 10, 0), "买家": "b1", "处理客服": "张三", "处理时间": handled, "处理批注": "已回复"},
            {"留言时间": D(2026, 10, 30, 10, 0), "买家": "b2", "处理客服": "张三", "处理时间": None, "处理批注": None}]
    found = findings(tmp_path, {"messages": sheet(*rows)}, as_of=d(2026, 10, 30))
    assert _rows(found, "SVC002") == ([2] if late else [])  # row 3 is not 24 hours old at the end of 10-30
