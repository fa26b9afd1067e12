"""Issue 11 §4: the clauses that had no check, each with a failing and a passing row (and its threshold
where it has a number), on workbooks built here. A sheet without the column a rule reads is not checked."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.rules_helpers import PAID, findings, order, rows_with, sheet

D = dt.datetime
d = dt.date


def _ret(kind="换货", **extra) -> dict:
    row = {"登记日期": d(2026, 10, 20), "订单编号": "5000000000000000001", "类型": kind, "原因": "尺码不合适",
           "签收日期": d(2026, 10, 18), "运费承担": "买家", "新快递单号": "78123456789012", "物流状态": "新货已发出",
           "是否完整": "是", "跟进情况": "已完成"}
    row.update(extra)
    return row


# ── M-AS-LOG ─────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("field", "kind"), [("物流状态", "换货"), ("是否完整", "退货"), ("跟进情况", "退款"), ("原因", "拒收")])
def test_after_sales_log_fields_are_required(tmp_path, field, kind):
    found = findings(tmp_path, {"returns": sheet(_ret(kind, **{field: None}), _ret(kind))})
    assert [(f.row, f.column) for f in found if f.code == "AS009"] == [(2, field)]


def test_a_refund_before_shipping_has_no_parcel_to_check(tmp_path):
    found = findings(tmp_path, {"returns": sheet(_ret("退款", 是否完整=None, 物流状态="未发货", 跟进情况="已退款"))})
    assert rows_with(found, "AS009") == []


@pytest.mark.parametrize(("registered", "open_"), [(d(2026, 10, 23), False), (d(2026, 10, 22), True)])
def test_open_after_sales_entries_older_than_7_days(tmp_path, registered, open_):
    rows = [_ret(登记日期=registered, 跟进情况="等买家寄回"), _ret(登记日期=d(2026, 10, 1), 签收日期=d(2026, 9, 28)),
            _ret(登记日期=d(2026, 10, 30), 签收日期=d(2026, 10, 28))]
    found = findings(tmp_path, {"returns": sheet(*rows)}, as_of=d(2026, 10, 30))
    assert rows_with(found, "AS010") == ([2] if open_ else [])  # 8 days open vs 7; a done entry is never open


# ── M-AS-RESEND ──────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("arrived", "resent", "late"), [
    (d(2026, 10, 14), d(2026, 10, 16), False),  # Wed -> Fri: 2 working days
    (d(2026, 10, 14), d(2026, 10, 17), True),   # Saturday is past the limit
    (d(2026, 10, 16), d(2026, 10, 20), False),  # Fri -> Tue over the weekend: 2 working days
    (d(2026, 10, 16), d(2026, 10, 21), True),
])
def test_exchange_resent_within_two_working_days_of_the_return(tmp_path, arrived, resent, late):
    rows = [_ret(退件到货日期=arrived, 换货发出日期=resent), _ret(类型="退货", 退件到货日期=arrived, 换货发出日期=None)]
    found = findings(tmp_path, {"returns": sheet(*rows)}, as_of=d(2026, 10, 30))
    assert rows_with(found, "AS011") == ([2] if late else [])


def test_resend_date_from_the_shipping_register(tmp_path):
    rows = [_ret(退件到货日期=d(2026, 10, 14), 新快递单号="78123456789012"),
            _ret(退件到货日期=d(2026, 10, 14), 新快递单号="78123456789013", 订单编号="5000000000000000002")]
    shipments = [{"发货日期": d(2026, 10, 19), "订单编号": "5000000000000000001", "快递公司": "中通", "快递单号": "78123456789012"},
                 {"发货日期": d(2026, 10, 15), "订单编号": "5000000000000000002", "快递公司": "中通", "快递单号": "78123456789013"}]
    found = findings(tmp_path, {"returns": sheet(*rows), "shipments": sheet(*shipments)}, as_of=d(2026, 10, 30))
    assert rows_with(found, "AS011") == [2]


def test_resend_is_not_checked_without_the_arrival_column(tmp_path):
    found = findings(tmp_path, {"returns": sheet(_ret())}, as_of=d(2026, 10, 30))
    assert rows_with(found, "AS011") == []


# ── M-STK-OUT / M-STK-DEFECT ────────────────────────────────────────────────
def _move(day, kind, sku="TS01-WHT-L", **extra):
    row = {"日期": day, "类型": kind, "商家编码": sku, "商品名称": "纯棉圆领T恤", "颜色": "白色", "尺码": "L", "数量": 1,
           "检验结果": "合格" if "入库" in kind else None, "仓库": "正品库"}
    row.update(extra)
    return row


def test_every_shipment_has_its_outbound(tmp_path):
    orders = [order("5000000000000000001", 商家编码="TS01-WHT-L"), order("5000000000000000002", 商家编码="TS01-WHT-L")]
    shipments = [{"发货日期": d(2026, 10, 14), "订单编号": "5000000000000000001", "快递公司": "中通", "快递单号": "78123456780001",
                  "发货商品": "纯棉圆领T恤 白色 L"},
                 {"发货日期": d(2026, 10, 15), "订单编号": "5000000000000000002", "快递公司": "中通", "快递单号": "78123456780002",
                  "发货商品": "纯棉圆领T恤 白色 L"}]
    movements = [_move(d(2026, 10, 14), "出库"), _move(d(2026, 10, 15), "出库", sku="TS01-WHT-M", 尺码="M")]
    found = findings(tmp_path, {"orders": sheet(*orders), "shipments": sheet(*shipments), "movements": sheet(*movements)})
    assert rows_with([f for f in found if f.sheet == "发货登记"], "STK008") == [3]


def test_defective_goods_never_go_back_to_saleable_stock(tmp_path):
    rows = [_move(d(2026, 10, 14), "残次入库", 仓库="正品库", 检验结果="不合格"),
            _move(d(2026, 10, 14), "退货入库", 检验结果="不合格"),
            _move(d(2026, 10, 14), "残次入库", 仓库="残次库", 检验结果="不合格"),
            _move(d(2026, 10, 14), "退货入库", 检验结果="合格")]
    assert rows_with(findings(tmp_path, {"movements": sheet(*rows)}), "STK009") == [2, 3]


# ── M-SHIFT ──────────────────────────────────────────────────────────────────
def test_every_agent_works_a_shift(tmp_path):
    rows = [{"姓名": "张三", "岗位": "客服", "班次": None, "在职": "是"}, {"姓名": "李四", "岗位": "客服", "班次": "晚班"},
            {"姓名": "吴强", "岗位": "仓库", "班次": None}, {"姓名": "王五", "岗位": "客服", "班次": None, "在职": "否"}]
    found = findings(tmp_path, {"staff": sheet(*rows)})
    assert rows_with(found, "STF001") == [2]
    assert "白班、晚班" in next(f for f in found if f.code == "STF001").message


# ── M-ORD-REQUEST ────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("extra", "wrong"), [
    ({"订单备注": "张三：要发顺丰", "旗帜": "红", "物流公司": "中通"}, True),
    ({"订单备注": "张三：要发顺丰", "旗帜": "红", "物流公司": "顺丰速运", "物流单号": "SF1234567890123"}, False),
    ({"买家留言": "请发顺丰，谢谢", "订单备注": "张三：买家要顺丰", "旗帜": "红", "物流公司": "圆通", "物流单号": "YT1234567890123"}, True),
    ({"订单备注": "张三：不要发中通", "旗帜": "红", "物流公司": "中通"}, False),
    ({"订单备注": "张三：要发顺丰", "旗帜": "红", "订单状态": PAID, "发货时间": None, "物流单号": None}, False),  # not shipped yet
])
def test_the_courier_the_buyer_asked_for(tmp_path, extra, wrong):
    staff = '[[staff]]\nname = "张三"\nrole = "客服"\n'
    found = findings(tmp_path, {"orders": sheet(order("5000000000000000001", **extra))}, staff)
    assert rows_with(found, "ORD019") == ([2] if wrong else [])


# ── M-ORD-MATCH / M-SHIP-PACKER / M-CUR-SIGN ────────────────────────────────
def test_shipped_items_match_the_order_and_name_the_packer(tmp_path):
    orders = [order("5000000000000000001", 宝贝标题="纯棉圆领T恤 白色 L;加绒卫衣 黑色 XL"),
              order("5000000000000000002", 宝贝标题="纯棉圆领T恤 白色 L"),
              order("5000000000000000003", 宝贝标题="纯棉圆领T恤 白色")]  # incomplete: ORD008's, not compared
    ship = lambda oid, items, packer="吴强", note=None: {  # noqa: E731
        "发货日期": d(2026, 10, 14), "订单编号": oid, "快递公司": "中通", "快递单号": "7812345678" + oid[-4:], "发货商品": items,
        "打包人": packer, "备注": note}
    shipments = [ship("5000000000000000001", "加绒卫衣 黑色 XL；纯棉圆领T恤  白色 L"),
                 ship("5000000000000000002", "纯棉圆领T恤 白色 XL", packer=None),
                 ship("5000000000000000003", "纯棉圆领T恤 白色 L"),
                 ship("5000000000000000002", "纯棉圆领T恤 白色 M", note="换货补发")]
    found = findings(tmp_path, {"orders": sheet(*orders), "shipments": sheet(*shipments)})
    assert rows_with(found, "SHP001") == [3] and rows_with(found, "SHP002") == [3]
    assert "纯棉圆领T恤 白色 L" in next(f for f in found if f.code == "SHP001").message


def test_every_stub_names_the_collector(tmp_path):
    stubs = [{"揽收日期": d(2026, 10, 14), "快递公司": "中通", "快递单号": "78123456780001", "快递员": None},
             {"揽收日期": d(2026, 10, 14), "快递公司": "中通", "快递单号": "78123456780002", "快递员": "钱师傅"}]
    assert rows_with(findings(tmp_path, {"stubs": sheet(*stubs)}), "SHP003") == [2]


# ── a team's sheet without the column a new clause reads: not checked, named, no error ──
@pytest.mark.parametrize(("sheets", "code", "missing"), [
    ({"returns": sheet(_ret())}, "AS011", "退件到货日期"),
    ({"movements": sheet({"日期": d(2026, 10, 14), "类型": "残次入库", "商家编码": "A1", "数量": 1})}, "STK009", "仓库"),
    ({"staff": sheet({"姓名": "张三", "岗位": "客服"})}, "STF001", "班次"),
    ({"shipments": sheet({"发货日期": d(2026, 10, 14), "订单编号": "5000000000000000001", "快递公司": "中通",
                          "快递单号": "78123456780001"})}, "SHP002", "打包人"),
])
def test_a_sheet_without_the_column_is_reported_not_checked(tmp_path, sheets, code, missing):
    from automation.commands.validate import validate
    from tests.rules_helpers import shop

    result = validate(shop(tmp_path, sheets), as_of=d(2026, 10, 30))
    assert [f for f in result.findings if f.code == code] == []
    (entry,) = [n for n in result.not_checked if n.code == code]
    assert missing in entry.missing
