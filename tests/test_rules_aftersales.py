"""After-sales (AS*) and remark-flag (FLG*) rules on workbooks built here."""

from __future__ import annotations

import datetime as dt

import pytest

from automation.rules.aftersales import payer_for
from tests.rules_helpers import findings, order, rows_with, sheet

d = dt.date
STAFF = '[[staff]]\nname = "张三"\nrole = "客服"\n[[staff]]\nname = "李四"\nrole = "客服"\n'


def ret(kind: str, **extra) -> dict:
    row = {"登记日期": d(2026, 10, 20), "订单编号": "5000000000000000001", "类型": kind, "原因": "尺码不合适",
           "签收日期": d(2026, 10, 15), "运费承担": "买家", "到付": "否", "新快递单号": "78123456789012"}
    row.update(extra)
    return row


@pytest.mark.parametrize(("code", "bad", "good"), [
    ("AS001", ret("换货", 签收日期=d(2026, 10, 12)), ret("换货", 签收日期=d(2026, 10, 13))),
    ("AS001", ret("退货", 签收日期=d(2026, 10, 1)), ret("退款", 签收日期=d(2026, 10, 1))),
    ("AS002", ret("换货", 运费承担="卖家"), ret("换货", 原因="质量问题：开线", 运费承担="卖家")),
    ("AS002", ret("退货", 原因="质量问题", 运费承担="买家"), ret("退货", 原因="有色差", 运费承担="买家")),
    ("AS003", ret("换货", 新快递单号=None), ret("退货", 新快递单号=None)),
    ("AS004", ret("换货", 到付="是"), ret("退货", 到付="是")),
])
def test_returns_sheet_rules(tmp_path, code, bad, good):
    found = findings(tmp_path, {"returns": sheet(bad, good)})
    assert rows_with(found, code) == [2]


def test_who_pays_the_postage():
    assert payer_for("尺码偏小") == "买家"
    assert payer_for("色差") == "买家"  # colour difference is not a quality problem
    assert payer_for("货不对板") == "卖家"
    assert payer_for("非质量问题，尺码不合适") == "买家"
    assert payer_for("快递慢") is None


FLAG_CASES = [
    ("FLG001", ("要发顺丰", "红"), ("张三：要发顺丰", "红")),
    ("FLG003", ("快递截单 李四", "绿"), ("10.12 快递截单 李四", "绿")),
    ("FLG004", ("10.12 换货：白色L换黑色XL 李四", "紫"), ("10.12 换货：白色L换黑色XL 差价0 运费买家承担12元 李四 新单号78123456789012", "紫")),
    ("FLG005", ("10.12 运费买家承担 李四", "蓝"), ("10.12 退款 尺码不合适 运费买家承担 李四", "蓝")),
    ("FLG006", ("【红】张三：送小样", "绿"), ("【红】张三：送小样", "红")),
    ("AS005", ("10.12 换货：白色L换黑色XL 差价0 运费买家承担12元 李四", "紫"),
     ("10.12 换货：白色L换黑色XL 差价0 运费买家承担12元 李四 新单号78123456789012", "紫")),
    ("AS006", ("10.12 换货：白色L换黑色XL 差价0 到付 李四", "紫"), ("10.12 换货：白色L换黑色XL 差价0 运费买家承担 李四", "紫")),
    ("AS007", ("10.12 换货 尺码不合适 白色L换黑色XL 差价0 运费卖家承担 李四", "紫"),
     ("10.12 换货 尺码不合适 白色L换黑色XL 差价0 运费买家承担 李四", "紫")),
]


@pytest.mark.parametrize(("code", "bad", "good"), FLAG_CASES, ids=[c[0] for c in FLAG_CASES])
def test_remark_rules(tmp_path, code, bad, good):
    rows = [order("5000000000000000001", 订单备注=bad[0], 旗帜=bad[1]),
            order("5000000000000000002", 订单备注=good[0], 旗帜=good[1])]
    found = findings(tmp_path, {"orders": sheet(*rows)}, STAFF)
    assert rows_with(found, code) == [2]
    hit = next(f for f in found if f.code == code)
    assert hit.column in ("订单备注", "旗帜")


def test_remark_window_after_sign_for(tmp_path):
    rows = [order("5000000000000000001", 订单备注="10.25 换货：白色L换黑色XL 差价0 运费买家承担 李四 78123456789012", 旗帜="紫",
                  确认收货时间=dt.datetime(2026, 10, 16, 12)),
            order("5000000000000000002", 订单备注="10.23 换货：白色L换黑色XL 差价0 运费买家承担 李四 78123456789013", 旗帜="紫",
                  确认收货时间=dt.datetime(2026, 10, 16, 12))]
    assert rows_with(findings(tmp_path, {"orders": sheet(*rows)}, STAFF), "AS008") == [2]


def test_promotion_needs_no_name(tmp_path):
    toml = STAFF + '[[promotions]]\nname = "秋促"\nstart = 2026-10-18\nend = 2026-10-22\n'
    rows = [order("5000000000000000001", 订单备注="要发顺丰", 旗帜="红", 订单付款时间=dt.datetime(2026, 10, 14, 10)),
            order("5000000000000000002", 订单备注="：要发顺丰", 旗帜="红", 订单付款时间=dt.datetime(2026, 10, 20, 10),
                  发货时间=dt.datetime(2026, 10, 20, 16))]
    assert rows_with(findings(tmp_path, {"orders": sheet(*rows)}, toml), "FLG001") == [2]
