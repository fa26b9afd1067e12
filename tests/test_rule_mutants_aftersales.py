"""After-sales, customer-service and shipping rules (AS*, SVC*, SHP*) and the waybill shapes against the
mutants that survived the mutation run (docs/testing.md): each case runs one rule through the engine
on in-memory records (tests.rules_helpers.checked) and asserts the exact rows and messages; a row the
rule skips comes before the one it flags, so a `continue` turned `break` is caught too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from automation.config import ShopConfig
from automation.errors import UserError
from automation.i18n import set_lang
from automation.rules.couriers import courier_name, waybill_patterns
from tests.rules_helpers import checked

D = dt.datetime


def rows_and_messages(found, code):
    return [(f.row, f.message) for f in found if f.code == code]


# ── SVC001 first reply within 45 seconds ───────────────────────────────────────────────────────────
def service(agent, seconds, day=dt.date(2026, 10, 14)):
    return {"日期": day, "客服": agent, "平均首次响应(秒)": seconds}


def test_first_reply_over_45_seconds_only():
    rows = [service("陈静", None), service("陈静", 45), service("李娜", Decimal("45.5")), service(None, 60, None)]
    found, _ = checked("SVC001", {"service": rows})
    assert rows_and_messages(found, "SVC001") == [(4, "李娜 10-14 平均首次响应 45.5 秒，超过 45 秒"),
                                                  (5, "  平均首次响应 60 秒，超过 45 秒")]
    assert [f.column for f in found] == ["平均首次响应(秒)"] * 2


def test_first_reply_limit_is_an_option():
    toml = "[rules.options.SVC001]\nmax_seconds = 30\n"
    found, _ = checked("SVC001", {"service": [service("陈静", 30), service("陈静", 31)]}, toml)
    assert rows_and_messages(found, "SVC001") == [(3, "陈静 10-14 平均首次响应 31 秒，超过 30 秒")]


# ── SVC002 messages answered within 24 hours ───────────────────────────────────────────────────────
def message(received, handled):
    return {"留言时间": received, "买家": "tb_buyer", "处理时间": handled}


def test_answered_after_exactly_24_hours_is_in_time_a_minute_later_is_not():
    rows = [message(None, None),  # no receipt time: nothing to measure
            message(D(2026, 10, 14, 9), D(2026, 10, 15, 9)),
            message(D(2026, 10, 14, 9), D(2026, 10, 15, 9, 1))]
    found, _ = checked("SVC002", {"messages": rows}, as_of=dt.date(2026, 10, 15))
    assert rows_and_messages(found, "SVC002") == [(4, "留言 10-14 09:00 未在 24 小时内回复：2026-10-15 09:01")]
    assert found[0].column == "处理时间" and found[0].value == D(2026, 10, 15, 9, 1)


def test_unanswered_exactly_24_hours_before_the_periods_end_is_not_yet_late():
    rows = [message(D(2026, 10, 14, 23, 59, 59, 999999), None), message(D(2026, 10, 14, 23, 59, 59, 999998), None)]
    found, _ = checked("SVC002", {"messages": rows}, as_of=dt.date(2026, 10, 15))
    assert [f.row for f in found] == [3]


@pytest.mark.parametrize(("as_of", "late"), [(dt.date(2026, 10, 14), False), (dt.date(2026, 10, 15), True)])
def test_unanswered_is_late_once_the_period_is_past_the_limit(as_of, late):
    # received 10-14 00:00: at the end of 10-14 it is 24 h old less a moment, at the end of 10-15 48 h
    found, _ = checked("SVC002", {"messages": [message(D(2026, 10, 14, 0, 0), None)]}, as_of=as_of)
    assert rows_and_messages(found, "SVC002") == ([(2, "留言 10-14 00:00 未在 24 小时内回复：（空）")] if late else [])


def test_answer_limit_in_hours_is_an_option():
    rows = [message(D(2026, 10, 14, 9), D(2026, 10, 14, 11)), message(D(2026, 10, 14, 9), D(2026, 10, 14, 11, 1))]
    found, _ = checked("SVC002", {"messages": rows}, "[rules.options.SVC002]\nhours = 2\n", as_of=dt.date(2026, 10, 14))
    assert rows_and_messages(found, "SVC002") == [(3, "留言 10-14 09:00 未在 2 小时内回复：2026-10-14 11:01")]


# ── SHP001–003 the shipping register and the stubs ─────────────────────────────────────────────────
ORDERS = [{"订单编号": "5000000000000000001", "宝贝标题": "纯棉圆领T恤 白色 L;牛仔裤 蓝色 M"},
          {"订单编号": "5000000000000000002", "宝贝标题": "T恤"},  # incomplete: ORD008's finding, not compared
          {"订单编号": "5000000000000000003", "宝贝标题": "纯棉圆领T恤 白色 L"}]


def shipment(order_id, items, **extra):
    return {"发货日期": dt.date(2026, 10, 14), "订单编号": order_id, "快递单号": "78123456780001", "发货商品": items,
            "打包人": "王五", **extra}


def test_shipped_items_are_compared_as_a_set_with_spacing_folded():
    rows = [shipment("5000000000000000001", "牛仔裤  蓝色 M； 纯棉圆领T恤 白色 L"),  # same items, other order
            shipment("5000000000000000009", "袜子 白色 均码"),  # no such order
            shipment("5000000000000000002", "袜子 白色 均码"),  # the order's line is incomplete
            shipment("5000000000000000003", None),  # nothing written
            shipment("5000000000000000003", "纯棉圆领T恤 黑色 L", 备注="换货 重发"),  # an exchange's parcel
            shipment("5000000000000000003", "纯棉圆领T恤 白色 XL", 备注="加急")]
    found, _ = checked("SHP001", {"shipments": rows, "orders": ORDERS})
    assert rows_and_messages(found, "SHP001") == [(7, "发货商品“纯棉圆领T恤 白色 XL”与订单的“纯棉圆领T恤 白色 L”不符")]
    assert found[0].column == "发货商品"


@pytest.mark.parametrize("word", ["换货", "补发", "重发"])
def test_each_reshipment_word_spares_the_parcel(word):
    rows = [shipment("5000000000000000003", "纯棉圆领T恤 黑色 L", 备注=f"客户{word}")]
    assert checked("SHP001", {"shipments": rows, "orders": ORDERS})[0] == []


def test_items_written_together_are_compared_when_complete():
    orders = [{"订单编号": "5000000000000000001", "宝贝标题": "纯棉T恤白色L"}]
    rows = [shipment("5000000000000000001", "纯棉T恤白色L"), shipment("5000000000000000001", "纯棉T恤黑色L")]
    found, _ = checked("SHP001", {"shipments": rows, "orders": orders})
    assert rows_and_messages(found, "SHP001") == [(3, "发货商品“纯棉T恤黑色L”与订单的“纯棉T恤白色L”不符")]


def test_an_extra_item_differs():
    rows = [shipment("5000000000000000003", "纯棉圆领T恤 白色 L;纯棉圆领T恤 白色 L")]
    assert [f.row for f in checked("SHP001", {"shipments": rows, "orders": ORDERS})[0]] == [2]


def test_a_parcel_names_its_packer_a_row_without_waybill_is_no_parcel():
    rows = [shipment("5000000000000000001", "x", 快递单号=None, 打包人=None),
            shipment("5000000000000000002", "x", 打包人=None),
            shipment("5000000000000000003", "x")]
    found, _ = checked("SHP002", {"shipments": rows})
    assert rows_and_messages(found, "SHP002") == [(3, "发货记录没有打包人")]
    assert (found[0].column, found[0].cell) == ("打包人", "E3")


def test_a_stub_names_its_collector():
    rows = [{"揽收日期": dt.date(2026, 10, 14), "快递公司": "中通", "快递单号": None, "快递员": None},
            {"揽收日期": dt.date(2026, 10, 14), "快递公司": "中通", "快递单号": "78123456780001", "快递员": None},
            {"揽收日期": dt.date(2026, 10, 14), "快递公司": "中通", "快递单号": "78123456780002", "快递员": "老李"}]
    found, _ = checked("SHP003", {"stubs": rows})
    assert rows_and_messages(found, "SHP003") == [(3, "底单没有快递员签名")]
    assert (found[0].column, found[0].cell) == ("快递员", "D3")


# ── waybill shapes and courier names (rules/couriers.py) ───────────────────────────────────────────
def test_default_waybill_shapes_match_whole_numbers_and_a_shop_overrides_one():
    patterns = waybill_patterns(ShopConfig(None))
    assert patterns["中通"].fullmatch("78123456789012") and not patterns["中通"].fullmatch("7812345678901")
    assert patterns["顺丰"].fullmatch("SF1234567890123") and not patterns["顺丰"].fullmatch("SF123")
    config = ShopConfig(None, {"couriers": {"中通": {"waybill_pattern": "ZT\\d{4}|Z\\d"}, "顺丰": {"name": "x"}, "x": 1}})
    patterns = waybill_patterns(config)
    assert patterns["中通"].fullmatch("ZT1234") and patterns["中通"].fullmatch("Z1")
    assert not patterns["中通"].fullmatch("ZT12345") and not patterns["中通"].fullmatch("78123456789012")
    assert patterns["顺丰"].fullmatch("SF1234567890123")  # a courier section without a pattern keeps the default


def test_a_bad_waybill_pattern_is_one_clear_line():
    with pytest.raises(UserError) as caught:
        waybill_patterns(ShopConfig(None, {"couriers": {"中通": {"waybill_pattern": "ZT(\\d"}}}))
    assert str(caught.value) == ("配置文件 shop.toml 有误：[couriers.\"中通\"] waybill_pattern = 'ZT(\\\\d' is not a valid pattern "
                                 "(missing ), unterminated subpattern at position 0)。请参照 docs/shop-folder.md 修改。")


def test_courier_names_resolve_aliases_and_blank_is_none():
    config = ShopConfig(None)
    assert courier_name(config, None) is None
    assert courier_name(config, "  ") is None
    assert courier_name(config, "中通快递") == "中通"
    assert courier_name(config, "中通快递") == "中通"  # the second time from the resolved spellings
    assert courier_name(config, "顺丰速运") == "顺丰"
    assert courier_name(config, ["中通快递"]) == "中通"  # an unhashable value (no reader makes one) is resolved too


def test_a_config_whose_id_was_reused_gets_its_own_courier_settings():
    from automation.courier.settings import load_settings
    from automation.rules.couriers import _LOADED

    gone, config = ShopConfig(None), ShopConfig(None)
    # as if `gone` had been freed and `config` got its id: the entry left behind is not `config`'s
    _LOADED[id(config)] = (gone, load_settings(gone), {(str, "中通快递"): "韵达"})
    try:
        assert courier_name(config, "中通快递") == "中通"
    finally:
        _LOADED.pop(id(config), None)


# ── after-sales: who pays the postage, the 7 days ──────────────────────────────────────────────────
from automation.rules.aftersales import payer_for  # noqa: E402


@pytest.mark.parametrize(("reason", "payer"), [
    (None, None), ("", None), ("其他", None),
    ("质量问题", "卖家"), ("发错了", "卖家"), ("与描述不符", "卖家"),
    ("色差", "买家"), ("尺码偏大", "买家"), ("七天无理由", "买家"),
    ("尺码不对，也有质量问题", "卖家"),  # the shop's fault wins
    ("非质量问题", None), ("不是质量问题，尺码小了", "买家"), ("没有破损", None), ("无瑕疵，发错", "卖家"),
])
def test_who_bears_the_postage_for_a_reason(reason, payer):
    assert payer_for(reason) == payer


def test_reason_words_can_be_the_shops_own():
    assert payer_for("太贵", buyer_words=("太贵",), shop_words=("坏",)) == "买家"
    assert payer_for("坏了", buyer_words=("太贵",), shop_words=("坏",)) == "卖家"
    assert payer_for("质量问题", buyer_words=("太贵",), shop_words=("坏",)) is None


def ret(kind, reason=None, **extra):
    row = {"登记日期": dt.date(2026, 10, 9), "订单编号": "5000000000000000001", "类型": kind, "原因": reason,
           "签收日期": dt.date(2026, 10, 1)}
    row.update(extra)
    return row


def test_exchanges_and_no_reason_returns_within_7_days_quality_returns_any_time():
    rows = [ret("换货", 签收日期=None), ret("换货", 登记日期=dt.date(2026, 10, 8)),
            ret("退货", "质量问题"), ret("退款", "尺码"), ret("拒收"),
            ret("换货"), ret("退货", "尺码不合适"), ret("退货")]
    found, _ = checked("AS001", {"returns": rows})
    assert rows_and_messages(found, "AS001") == [(7, "换货申请在签收 8 天后（签收 10-01），超过 7 天"),
                                                 (8, "退货申请在签收 8 天后（签收 10-01），超过 7 天"),
                                                 (9, "退货申请在签收 8 天后（签收 10-01），超过 7 天")]
    assert {f.column for f in found} == {"登记日期"}
    toml = "[rules.options.AS001]\ndays = 8\n"
    assert checked("AS001", {"returns": rows}, toml)[0] == []


def test_postage_registered_for_the_wrong_party():
    rows = [ret("换货", "质量问题", 运费承担="卖家"), ret("换货", "其他", 运费承担="买家"), ret("换货", "质量问题", 运费承担=None),
            ret("拒收", "质量问题", 运费承担="买家"),
            ret("换货", "质量问题", 运费承担="买家"), ret("退货", "尺码", 运费承担="卖家"), ret("退款", "破损", 运费承担="买家")]
    found, _ = checked("AS002", {"returns": rows})
    assert rows_and_messages(found, "AS002") == [(6, "原因是“质量问题”，运费应由卖家承担，登记为买家"),
                                                 (7, "原因是“尺码”，运费应由买家承担，登记为卖家"),
                                                 (8, "原因是“破损”，运费应由卖家承担，登记为买家")]
    assert {f.column for f in found} == {"运费承担"}
    toml = '[rules.options.AS002]\nbuyer_reasons = ["质量"]\nshop_reasons = ["尺码"]\n'
    assert [f.row for f in checked("AS002", {"returns": rows}, toml)[0]] == [2]


def test_exchange_needs_its_new_waybill_and_goes_by_express():
    rows = [ret("退货", 新快递单号=None), ret("换货", 新快递单号="78123456780001"), ret("换货", 新快递单号=None)]
    found, _ = checked("AS003", {"returns": rows})
    assert rows_and_messages(found, "AS003") == [(4, "换货未登记新快递单号")]
    assert found[0].column == "新快递单号"
    rows = [ret("退货", 到付=True), ret("换货", 到付=False, 快递公司="中通"), ret("换货", 到付=True, 快递公司="邮政平邮"),
            ret("换货", 到付=None, 快递公司="中国邮政平邮"), ret("退货", 快递公司="平邮")]
    found, _ = checked("AS004", {"returns": rows})
    assert [(f.row, f.column, f.message) for f in found] == [(4, "到付", "换货使用了到付或平邮：到付"),
                                                              (5, "快递公司", "换货使用了到付或平邮：中国邮政平邮")]


# ── the same conventions on the orders' purple and blue remarks (AS005–AS008) ──────────────────────
PURPLE = "【紫旗】10-12 换货：白色L换黑色XL 差价0 运费买家承担12元 李四"


def remark(text, **extra):
    return {"订单编号": "5000000000000000001", "订单状态": "交易成功", "订单付款时间": D(2026, 10, 1, 10), "订单备注": text, **extra}


def test_purple_remark_names_the_new_waybill():
    rows = [remark(None), remark("【蓝旗】10-12 退款：质量问题 运费卖家承担 李四"),
            remark(PURPLE.replace("李四", "新单号78123456789012 李四")), remark(PURPLE)]
    found, _ = checked("AS005", {"orders": rows})
    assert rows_and_messages(found, "AS005") == [(5, f"换货备注中没有新快递单号：{PURPLE}")]
    assert found[0].column == "订单备注"


def test_purple_remark_never_freight_collect_or_surface_mail():
    collect = "【紫旗】10-12 换货：白色L换黑色XL 差价0 到付 李四"
    surface = "【紫旗】10-12 换货：白色L换黑色XL 差价0 平邮 运费买家承担 李四"
    rows = [remark(PURPLE), remark("【蓝旗】10-12 退款：尺码 到付 李四"), remark(collect), remark(surface)]
    found, _ = checked("AS006", {"orders": rows})
    assert rows_and_messages(found, "AS006") == [(4, f"换货备注写了到付或平邮：{collect}"), (5, f"换货备注写了到付或平邮：{surface}")]


def test_remark_postage_payer_follows_the_reason_or_the_items():
    rows = [remark(PURPLE),  # no reason word: nobody expected
            remark("【绿旗】10-12 质量问题 运费买家承担 李四"),  # not an after-sales colour
            remark("【蓝旗】10-12 退款：质量问题 运费卖家承担 李四"),
            remark("【蓝旗】10-12 退款：质量问题 运费买家承担 李四"),
            remark("【紫旗】10-12 换货：尺码偏小换大一码 差价0 运费卖家承担 李四"),
            remark("【蓝旗】10-12 退款：质量问题 李四")]  # no payer written
    found, _ = checked("AS007", {"orders": rows})
    assert rows_and_messages(found, "AS007") == [(5, "备注原因“质量问题”应由卖家承担运费，备注写的是买家"),
                                                 (6, "备注原因“尺码偏小换大一码”应由买家承担运费，备注写的是卖家")]


def test_remark_dated_more_than_7_days_after_sign_for():
    signed = {"确认收货时间": D(2026, 10, 4, 20)}
    rows = [remark(PURPLE, 确认收货时间=None), remark(PURPLE, **signed | {"确认收货时间": D(2026, 10, 5, 8)}),
            remark("【绿旗】10-12 快递截单 李四", **signed), remark("【蓝旗】10-12 退款：质量问题 运费卖家承担 李四", **signed),
            remark("【紫旗】换货：白色L换黑色XL 差价0 运费买家承担 李四", **signed),
            remark(PURPLE, **signed), remark("【蓝旗】10-12 退款：尺码 运费买家承担 李四", **signed)]
    found, _ = checked("AS008", {"orders": rows})
    assert rows_and_messages(found, "AS008") == [(7, "换货/退货备注日期 10-12 在签收 8 天后（超过 7 天）"),
                                                 (8, "换货/退货备注日期 10-12 在签收 8 天后（超过 7 天）")]
    assert {f.column for f in found} == {"订单备注"}
    assert checked("AS008", {"orders": rows}, "[rules.options.AS008]\ndays = 8\n")[0] == []


def test_an_exchange_remark_is_bound_by_the_7_days_whatever_the_reason():
    signed = {"确认收货时间": D(2026, 10, 4, 20)}
    rows = [remark("【蓝旗】10-12 退款：质量问题 运费卖家承担 李四", **signed),  # a quality refund: any time
            remark("【紫旗】10-12 换货：白色L换黑色XL 质量问题 差价0 运费卖家承担 李四", **signed)]  # an exchange: 7 days
    found, _ = checked("AS008", {"orders": rows})
    assert rows_and_messages(found, "AS008") == [(3, "换货/退货备注日期 10-12 在签收 8 天后（超过 7 天）")]


# ── M-AS-LOG, M-AS-RESEND (AS009–AS011) ────────────────────────────────────────────────────────────
def logged(kind, **extra):
    row = {"登记日期": dt.date(2026, 10, 1), "类型": kind, "原因": "尺码", "物流状态": "已签收", "是否完整": True,
           "跟进情况": "已完成"}
    row.update(extra)
    return row


def test_after_sales_log_fields_each_where_they_apply():
    rows = [logged(None, 物流状态=None), logged("退款", 是否完整=None, 原因=None),  # a refund: no parcel, no reason needed
            logged("换货", 物流状态=None, 跟进情况=None), logged("退货", 是否完整=None),
            logged("拒收", 原因=None, 是否完整=None), logged("退件", 原因=None)]
    found, _ = checked("AS009", {"returns": rows})
    assert rows_and_messages(found, "AS009") == [
        (4, "售后登记缺少“物流状态”"), (4, "售后登记缺少“跟进情况”"), (5, "售后登记缺少“是否完整”"),
        (6, "售后登记缺少“是否完整”"), (6, "售后登记缺少“原因”"), (7, "售后登记缺少“原因”")]
    assert [f.column for f in found if f.row == 6] == ["是否完整", "原因"]


def test_a_log_without_the_reason_column_does_not_ask_for_it():
    rows = [{"登记日期": dt.date(2026, 10, 1), "类型": "拒收", "物流状态": None}]
    assert rows_and_messages(checked("AS009", {"returns": rows})[0], "AS009") == [(2, "售后登记缺少“物流状态”")]


def test_open_after_sales_entries_past_the_limit():
    rows = [logged("换货", 登记日期=None, 跟进情况=None), logged("换货", 跟进情况="已退款"),
            logged("换货", 登记日期=dt.date(2026, 10, 2), 跟进情况="处理中"),  # 7 days
            logged("换货", 跟进情况="处理中"), logged("退货", 跟进情况=None)]
    found, _ = checked("AS010", {"returns": rows}, as_of=dt.date(2026, 10, 9))
    assert rows_and_messages(found, "AS010") == [(5, "售后登记 8 天仍未跟进完毕（10-01 起，上限 7 天）：处理中"),
                                                 (6, "售后登记 8 天仍未跟进完毕（10-01 起，上限 7 天）：（空）")]
    assert {f.column for f in found} == {"跟进情况"}
    assert checked("AS010", {"returns": rows}, "[rules.options.AS010]\ndays = 8\n", as_of=dt.date(2026, 10, 9))[0] == []


@pytest.mark.parametrize("word", ["已完成", "完成", "已解决", "已退款", "已换货", "已补发", "已关闭", "结束", "已处理", "已结案"])
def test_each_done_word_closes_an_entry(word):
    rows = [logged("换货", 跟进情况=f"客户{word}")]
    assert checked("AS010", {"returns": rows}, as_of=dt.date(2026, 10, 20))[0] == []


def exchange(arrived, resent=None, **extra):
    row = {"登记日期": dt.date(2026, 11, 1), "类型": "换货", "退件到货日期": arrived, "换货发出日期": resent, "新快递单号": None}
    row.update(extra)
    return row


def test_exchange_resent_within_two_working_days_of_arrival():
    # arrived Fri 11-06: the deadline is Tue 11-10 (the weekend is not counted); Sun 11-08 counts from Mon
    rows = [exchange(None), exchange(dt.date(2026, 11, 6), dt.date(2026, 11, 10)),
            exchange(dt.date(2026, 11, 8), dt.date(2026, 11, 10)), {**exchange(dt.date(2026, 11, 2)), "类型": "退货"},
            exchange(dt.date(2026, 11, 6), dt.date(2026, 11, 11)),
            exchange(dt.date(2026, 11, 2), 新快递单号="78123456780001"),  # the register's date: 11-05
            exchange(dt.date(2026, 11, 2), 新快递单号="78123456780002"),  # not in the register, not re-sent
            exchange(dt.date(2026, 11, 2), 新快递单号="78123456780003")]  # in the register on 11-04: in time
    shipments = [{"发货日期": dt.date(2026, 11, 5), "快递单号": "78123456780001"},
                 {"发货日期": None, "快递单号": "78123456780002"},
                 {"发货日期": dt.date(2026, 11, 4), "快递单号": "78123456780003"}]
    found, _ = checked("AS011", {"returns": rows, "shipments": shipments}, as_of=dt.date(2026, 11, 11))
    assert rows_and_messages(found, "AS011") == [(6, "换货退回件 2026-11-06 到货，11-10 前未重新发出（11-11）"),
                                                 (7, "换货退回件 2026-11-02 到货，11-04 前未重新发出（11-05）"),
                                                 (8, "换货退回件 2026-11-02 到货，11-04 前未重新发出（未发出）")]
    assert {f.column for f in found} == {"退件到货日期"}


@pytest.mark.parametrize(("as_of", "late"), [(dt.date(2026, 11, 4), False), (dt.date(2026, 11, 5), True)])
def test_not_yet_resent_is_late_after_the_deadline(as_of, late):
    found, _ = checked("AS011", {"returns": [exchange(dt.date(2026, 11, 2))]}, as_of=as_of)
    assert [f.row for f in found] == ([2] if late else [])


def test_a_register_row_without_a_waybill_resends_nothing():
    rows = [exchange(dt.date(2026, 11, 2))]  # no new waybill on the exchange either
    shipments = [{"发货日期": dt.date(2026, 11, 3), "快递单号": None}]
    found, _ = checked("AS011", {"returns": rows, "shipments": shipments}, as_of=dt.date(2026, 11, 11))
    assert rows_and_messages(found, "AS011") == [(2, "换货退回件 2026-11-02 到货，11-04 前未重新发出（未发出）")]
    set_lang("en")
    found, _ = checked("AS011", {"returns": rows, "shipments": shipments}, as_of=dt.date(2026, 11, 11))
    assert rows_and_messages(found, "AS011") == [(2, "Exchange return arrived 2026-11-02, not re-sent by 11-04 (not yet)")]


def test_resend_limit_is_an_option():
    rows = [exchange(dt.date(2026, 11, 2), dt.date(2026, 11, 5))]
    assert checked("AS011", {"returns": rows}, "[rules.options.AS011]\nworkdays = 3\n", as_of=dt.date(2026, 11, 11))[0] == []
