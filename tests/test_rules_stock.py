"""Stock, movement and handover rules (STK*, HND*) on workbooks built here."""

from __future__ import annotations

import datetime as dt

from tests.rules_helpers import PAID, findings, order, rows_with, sheet

d = dt.date


def stock_row(sku: str, real: int, **extra) -> dict:
    row = {"商家编码": sku, "商品名称": "纯棉圆领T恤", "颜色": "白色", "尺码": "L", "页面库存": real, "实际库存": real,
           "补货点": 5, "盘点日期": d(2026, 10, 28)}
    row.update(extra)
    return row


def test_stock_rules_fire_on_the_bad_rows_only(tmp_path):
    rows = [stock_row("A1", 20),  # 2 clean
            stock_row("A2", 20, 盘点日期=d(2026, 10, 20)),  # 3 stale (as of 10-31)
            stock_row("A3", 20, 页面库存=25),  # 4 listed ≠ real
            stock_row("A4", 5),  # 5 at the reorder point
            stock_row("A5", -2, 页面库存=0),  # 6 negative
            stock_row("A6", 6, 盘点日期=d(2026, 10, 31))]  # 7 clean, sets the period's end
    found = findings(tmp_path, {"stock": sheet(*rows)})
    assert rows_with(found, "STK001") == [3]
    assert rows_with(found, "STK002") == [4, 6]
    assert rows_with(found, "STK003") == [5]
    assert rows_with(found, "STK004") == [6]
    stale = next(f for f in found if f.code == "STK001")
    assert stale.key == "A2" and stale.column == "盘点日期"


def test_oversell_joins_paid_unshipped_orders_with_stock(tmp_path):
    unshipped = {"订单状态": PAID, "发货时间": None, "物流公司": None, "物流单号": None}
    orders = [order("5000000000000000001", 商家编码="A1", 宝贝总数量=2, **unshipped),
              order("5000000000000000002", 商家编码="A1", 宝贝总数量=2, **unshipped),
              order("5000000000000000003", 商家编码="A2", 宝贝总数量=3, **unshipped),
              order("5000000000000000004", 商家编码="A2", 宝贝总数量=9)]  # shipped: no demand
    stock = [stock_row("A1", 3), stock_row("A2", 3)]
    found = findings(tmp_path, {"orders": sheet(*orders), "stock": sheet(*stock)}, select=("STK005",))
    assert rows_with(found, "STK005") == [2]
    assert "4" in found[0].message and found[0].sheet == "库存"


def test_inbound_needs_an_inspection_result(tmp_path):
    rows = [{"日期": d(2026, 10, 3), "类型": "入库", "商家编码": "A1", "数量": 10, "检验结果": "合格"},
            {"日期": d(2026, 10, 3), "类型": "入库", "商家编码": "A2", "数量": 10, "检验结果": None},
            {"日期": d(2026, 10, 3), "类型": "出库", "商家编码": "A2", "数量": 1, "检验结果": None}]
    found = findings(tmp_path, {"movements": sheet(*rows)})
    assert rows_with(found, "STK006") == [3]


def test_count_plus_in_minus_out_must_give_the_next_count(tmp_path):
    stock = [stock_row("A1", 10, 盘点日期=d(2026, 10, 21)), stock_row("A1", 13, 盘点日期=d(2026, 10, 28)),
             stock_row("A2", 10, 盘点日期=d(2026, 10, 21)), stock_row("A2", 12, 盘点日期=d(2026, 10, 28))]
    moves = [{"日期": d(2026, 10, 22), "类型": "入库", "商家编码": "A1", "数量": 5, "检验结果": "合格", "仓库": "正品库"},
             {"日期": d(2026, 10, 25), "类型": "出库", "商家编码": "A1", "数量": 2, "仓库": "正品库"},
             {"日期": d(2026, 10, 21), "类型": "入库", "商家编码": "A2", "数量": 4, "检验结果": "合格"},  # before: counted already
             {"日期": d(2026, 10, 23), "类型": "残次入库", "商家编码": "A2", "数量": 3, "仓库": "残次库"},
             {"日期": d(2026, 10, 24), "类型": "入库", "商家编码": "A2", "数量": 1, "检验结果": "合格"}]
    found = findings(tmp_path, {"stock": sheet(*stock), "movements": sheet(*moves)}, select=("STK007",))
    assert rows_with(found, "STK007") == [5]  # A2: 10 + 1 = 11, counted 12; A1: 10 + 5 - 2 = 13 is right
    assert "11" in found[0].message


def handover_row(day: dt.date, shift: str, **extra) -> dict:
    row = {"日期": day, "班次": shift, "交班人": "陈静", "接班人": "李娜", "类型": "客户交接", "交接内容": "买家咨询尺码",
           "处理状态": "已解决", "解决日期": day}
    row.update(extra)
    return row


def test_every_shift_change_on_working_days_has_an_entry(tmp_path):
    # 10-09 Fri, 10-10 Sat (make-up working day), 10-11 Sun (rest), 10-12 Mon
    rows = [handover_row(d(2026, 10, 9), "白班"), handover_row(d(2026, 10, 9), "晚班"),
            handover_row(d(2026, 10, 10), "白班"),
            handover_row(d(2026, 10, 12), "白班"), handover_row(d(2026, 10, 12), "晚班")]
    found = findings(tmp_path, {"handover": sheet(*rows)})
    missing = [f for f in found if f.code == "HND001"]
    assert [(f.value, f.row) for f in missing] == [("2026-10-10", 4)]
    assert "晚班" in missing[0].message


def test_handover_required_fields_and_open_items(tmp_path):
    rows = [handover_row(d(2026, 10, 26), "白班"), handover_row(d(2026, 10, 26), "晚班", 接班人=None),
            handover_row(d(2026, 10, 27), "白班", 处理状态="处理中", 解决日期=None),
            handover_row(d(2026, 10, 27), "晚班"),
            handover_row(d(2026, 10, 28), "白班", 处理状态="未处理", 解决日期=None),
            handover_row(d(2026, 10, 28), "晚班"),
            handover_row(d(2026, 10, 29), "白班"), handover_row(d(2026, 10, 29), "晚班"),
            handover_row(d(2026, 10, 30), "白班"), handover_row(d(2026, 10, 30), "晚班"),
            handover_row(d(2026, 10, 31), "白班")]  # Saturday: no shift change required, sets the period's end
    found = findings(tmp_path, {"handover": sheet(*rows)})
    assert rows_with(found, "HND002") == [3]
    assert next(f for f in found if f.code == "HND002").column == "接班人"
    assert rows_with(found, "HND003") == [4]  # open since 10-27: 4 days by 10-31; since 10-28: 3 days is within
    assert rows_with(found, "HND001") == []


def test_unresolved_bad_review_must_be_handed_over(tmp_path):
    reviews = [{"评价日期": d(2026, 10, 20), "订单编号": "5000000000000000001", "客服": "陈静", "评价": "差评", "处理状态": "处理中"},
               {"评价日期": d(2026, 10, 20), "订单编号": "5000000000000000002", "客服": "陈静", "评价": "中评", "处理状态": "处理中"},
               {"评价日期": d(2026, 10, 20), "订单编号": "5000000000000000003", "客服": "陈静", "评价": "差评", "处理状态": "已解决"},
               {"评价日期": d(2026, 10, 20), "订单编号": "5000000000000000004", "客服": "陈静", "评价": "好评"}]
    handover = [handover_row(d(2026, 10, 20), "白班", 类型="中差评", 订单编号="5000000000000000002", 处理状态="处理中", 解决日期=None),
                handover_row(d(2026, 10, 20), "晚班")]
    found = findings(tmp_path, {"reviews": sheet(*reviews), "handover": sheet(*handover)}, select=("HND004",))
    assert rows_with(found, "HND004") == [2]
    assert found[0].sheet == "评价登记" and found[0].clause == "M-AS-BADREV"
