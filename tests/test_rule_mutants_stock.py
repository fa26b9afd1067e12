"""Stock, movement, handover and staff rules (STK*, HND*, STF001) against the mutants that survived the
mutation run (docs/testing.md): each case runs one rule through the engine on in-memory records
(tests.rules_helpers.checked) and asserts the exact rows and messages; a row the rule skips comes
before the one it flags, so a `continue` turned `break` is caught too."""

from __future__ import annotations

import datetime as dt

from tests.rules_helpers import checked

d = dt.date


def rows_and_messages(found, code):
    return [(f.row, f.message) for f in found if f.code == code]


# ── STF001 agents work a shift ─────────────────────────────────────────────────────────────────────
def test_agents_and_their_supervisor_need_a_shift_others_and_leavers_do_not():
    staff = [{"姓名": "王五", "岗位": "仓库", "班次": None, "在职": None},  # not an agent
             {"姓名": "赵六", "岗位": "客服", "班次": None, "在职": False},  # left
             {"姓名": "陈静", "岗位": "客服", "班次": "白班", "在职": True},
             {"姓名": "李娜", "岗位": "客服", "班次": None, "在职": True},
             {"姓名": "周七", "岗位": "客服主管", "班次": None, "在职": None},
             {"姓名": None, "岗位": "客服", "班次": None, "在职": None}]
    found, _ = checked("STF001", {"staff": staff})
    assert rows_and_messages(found, "STF001") == [
        (5, "李娜 没有填写班次（可选：白班、晚班）"), (6, "周七 没有填写班次（可选：白班、晚班）"),
        (7, " 没有填写班次（可选：白班、晚班）")]
    assert [(f.column, f.cell) for f in found] == [("班次", "C5"), ("班次", "C6"), ("班次", "C7")]


# ── HND001–004 the handover book ───────────────────────────────────────────────────────────────────
def handover(day, shift, **extra):
    row = {"日期": day, "班次": shift, "交班人": "陈静", "接班人": "李娜", "类型": "客户交接", "交接内容": "买家咨询尺码",
           "处理状态": "已解决", "解决日期": day}
    row.update(extra)
    return row


def test_every_shift_on_every_working_day_from_the_first_entry():
    # 11-02 Mon … 11-06 Fri; 11-07/08 the weekend; the sheet is not in date order and one row has no date
    rows = [handover(None, "白班"),
            handover(d(2026, 11, 3), "白班"),
            handover(d(2026, 11, 2), "白班"),  # 晚班 missing on the first day itself
            handover(d(2026, 11, 5), "晚班"),
            handover(d(2026, 11, 5), "白班")]
    found, _ = checked("HND001", {"handover": rows}, as_of=d(2026, 11, 9))
    assert rows_and_messages(found, "HND001") == [
        (3, "2026-11-03 晚班没有交接记录"),
        (3, "2026-11-04 白班没有交接记录"), (3, "2026-11-04 晚班没有交接记录"),
        (4, "2026-11-02 晚班没有交接记录"),
        (6, "2026-11-06 白班没有交接记录"), (6, "2026-11-06 晚班没有交接记录"),
        (6, "2026-11-09 白班没有交接记录"), (6, "2026-11-09 晚班没有交接记录")]
    assert {(f.column, f.value) for f in found if f.row == 4} == {("日期", "2026-11-02")}


def test_the_check_runs_to_the_last_entry_even_when_that_is_after_the_period_end():
    rows = [handover(d(2026, 11, 2), "白班"), handover(d(2026, 11, 2), "晚班"), handover(d(2026, 11, 4), "白班")]
    found, _ = checked("HND001", {"handover": rows}, as_of=d(2026, 11, 2))
    assert rows_and_messages(found, "HND001") == [(3, "2026-11-03 白班没有交接记录"), (3, "2026-11-03 晚班没有交接记录"),
                                                  (4, "2026-11-04 晚班没有交接记录")]


def test_every_day_option_counts_the_weekend():
    rows = [handover(d(2026, 11, 6), "白班"), handover(d(2026, 11, 6), "晚班"), handover(d(2026, 11, 7), "白班"),
            handover(d(2026, 11, 7), "晚班")]
    toml = "[rules.options.HND001]\nevery_day = true\n"
    found, _ = checked("HND001", {"handover": rows}, toml, as_of=d(2026, 11, 8))
    assert rows_and_messages(found, "HND001") == [(5, "2026-11-08 白班没有交接记录"), (5, "2026-11-08 晚班没有交接记录")]
    assert checked("HND001", {"handover": rows}, as_of=d(2026, 11, 8))[0] == []


def test_the_warehouse_writes_its_own_entry_every_working_day_from_its_first():
    rows = [handover(d(2026, 11, 2), "白班"), handover(d(2026, 11, 2), "晚班"),
            handover(d(2026, 11, 3), "白班"), handover(d(2026, 11, 3), "晚班", 类型="仓库"),
            handover(d(2026, 11, 4), "白班"), handover(d(2026, 11, 4), "晚班")]
    found, _ = checked("HND001", {"handover": rows}, as_of=d(2026, 11, 4))
    # from 11-03 on (not 11-02, before its first entry); its 11-03 entry also counts for 晚班
    assert rows_and_messages(found, "HND001") == [(7, "2026-11-04 仓库没有交接记录")]


def test_a_handover_entry_states_its_fields_an_unreadable_cell_is_the_reading_finding():
    rows = [handover(d(2026, 11, 2), "白班"), handover(d(2026, 11, 2), "晚班", 接班人=None, 交接内容=None),
            handover("昨天", "白班")]
    found, _ = checked("HND002", {"handover": rows})
    assert rows_and_messages(found, "HND002") == [(3, "交接记录缺少“接班人”"), (3, "交接记录缺少“交接内容”")]
    assert [f.column for f in found] == ["接班人", "交接内容"]


def test_a_sheet_without_a_column_does_not_require_it():
    rows = [{"日期": d(2026, 11, 2), "班次": "白班", "交班人": None, "交接内容": "x"}]
    found, _ = checked("HND002", {"handover": rows})
    assert rows_and_messages(found, "HND002") == [(2, "交接记录缺少“交班人”")]


def test_open_items_older_than_the_limit():
    since = d(2026, 10, 27)
    rows = [handover(None, "白班", 处理状态="未处理", 解决日期=None),
            handover(since, "白班", 处理状态="已解决", 解决日期=None),
            handover(since, "白班", 处理状态="处理中", 解决日期=d(2026, 10, 28)),
            handover(since, "白班", 处理状态=None, 解决日期=None, 类型="其他"),  # a note, not an item
            handover(d(2026, 10, 28), "白班", 处理状态="未处理", 解决日期=None),  # 3 days: in time
            handover(since, "白班", 处理状态=None, 解决日期=None, 类型="中差评"),
            handover(since, "白班", 处理状态="处理中", 解决日期=None, 类型="其他")]
    found, _ = checked("HND003", {"handover": rows}, as_of=d(2026, 10, 31))
    assert rows_and_messages(found, "HND003") == [(7, "交接事项 4 天仍未解决（10-27 起，店铺设定上限 3 天）"),
                                                  (8, "交接事项 4 天仍未解决（10-27 起，店铺设定上限 3 天）")]
    assert {f.column for f in found} == {"处理状态"}


def test_each_open_category_counts_without_a_status():
    for category in ("紧急事项", "客户交接", "潜在客户"):
        rows = [handover(d(2026, 10, 27), "白班", 处理状态=None, 解决日期=None, 类型=category)]
        assert [f.row for f in checked("HND003", {"handover": rows}, as_of=d(2026, 10, 31))[0]] == [2], category


def test_bad_reviews_are_handed_over_on_or_after_their_day():
    reviews = [{"评价日期": d(2026, 10, 14), "订单编号": "5000000000000000001", "评价": "好评", "处理状态": "未处理"},
               {"评价日期": d(2026, 10, 14), "订单编号": "5000000000000000002", "评价": "差评", "处理状态": "已解决"},
               {"评价日期": None, "订单编号": "5000000000000000003", "评价": "差评", "处理状态": "未处理"},
               {"评价日期": d(2026, 10, 14), "订单编号": "5000000000000000004", "评价": "差评", "处理状态": "未处理"},
               {"评价日期": d(2026, 10, 14), "订单编号": "5000000000000000005", "评价": "中评", "处理状态": None},
               {"评价日期": d(2026, 10, 14), "订单编号": "5000000000000000006", "评价": "差评", "处理状态": "处理中"},
               {"评价日期": d(2026, 10, 14), "订单编号": "5000000000000000007", "评价": "中评", "处理状态": "未处理"}]
    book = [handover(d(2026, 10, 14), "白班", 订单编号="5000000000000000004", 类型="中差评"),  # the same day
            handover(d(2026, 10, 15), "白班", 订单编号="5000000000000000005", 类型="中差评"),  # later
            handover(d(2026, 10, 13), "白班", 订单编号="5000000000000000006", 类型="中差评"),  # before the review
            handover(None, "白班", 订单编号="5000000000000000007"),
            handover(d(2026, 10, 14), "白班", 订单编号=None)]
    found, _ = checked("HND004", {"reviews": reviews, "handover": book})
    assert rows_and_messages(found, "HND004") == [(7, "未解决的差评（10-14）没有交接给下一班"),
                                                  (8, "未解决的中评（10-14）没有交接给下一班")]
    assert {f.column for f in found} == {"评价"}


# ── STK001–004 the stock sheet: the latest count of each SKU is its stock ──────────────────────────
def stock(sku, real, counted=d(2026, 10, 28), **extra):
    row = {"商家编码": sku, "页面库存": real, "实际库存": real, "补货点": 5, "盘点日期": counted}
    row.update(extra)
    return row


def test_the_latest_count_of_a_sku_older_than_7_days_is_stale():
    rows = [stock(None, 10, d(2026, 10, 1)),  # no SKU: not a count
            stock("A", 10, d(2026, 10, 20)), stock("A", 10, d(2026, 10, 28)),  # history: the latest is fresh
            stock("B", 10, d(2026, 10, 24)),  # exactly 7 days
            stock("C", 10, d(2026, 10, 23)),  # 8 days
            stock("E", 10, d(2026, 10, 28)), stock("E", 10, None),  # an undated row sorts before the dated one
            stock("F", 10, None)]
    found, _ = checked("STK001", {"stock": rows}, as_of=d(2026, 10, 31))
    assert rows_and_messages(found, "STK001") == [(6, "最近一次盘点是 2026-10-23，已超过 7 天"),
                                                  (9, "最近一次盘点是 （空），已超过 7 天")]
    assert {f.column for f in found} == {"盘点日期"}
    toml = "[rules.options.STK001]\nmax_days = 8\n"
    assert [f.row for f in checked("STK001", {"stock": rows}, toml, as_of=d(2026, 10, 31))[0]] == [9]


def test_listed_and_real_stock_differ_on_the_current_count_only():
    rows = [stock("A", 10, 页面库存=12), stock("A", 10),  # the same day: the later row is current
            stock("B", 10, d(2026, 10, 21), 页面库存=12), stock("B", 12, d(2026, 10, 28), 页面库存=12),
            stock("C", 10, 页面库存=None), stock("D", None, 页面库存=3), stock("E", 20, 页面库存=25)]
    found, _ = checked("STK002", {"stock": rows})
    assert rows_and_messages(found, "STK002") == [(8, "页面库存 25 与实际库存 20 不一致")]
    assert found[0].column == "页面库存"


def test_reorder_point_reached_at_or_below_it_but_not_when_negative():
    rows = [stock("A", 6), stock("B", 5), stock("C", 0), stock("D", -1), stock("E", None), stock("F", 3, 补货点=None)]
    found, _ = checked("STK003", {"stock": rows})
    assert rows_and_messages(found, "STK003") == [(3, "实际库存 5 已到补货点 5"), (4, "实际库存 0 已到补货点 5")]
    assert {f.column for f in found} == {"实际库存"}


def test_negative_stock_on_any_row():
    rows = [stock("A", -1, d(2026, 10, 21)), stock("A", 0), stock("B", None), stock("C", -3)]
    found, _ = checked("STK004", {"stock": rows})
    assert rows_and_messages(found, "STK004") == [(2, "库存为负数：-1"), (5, "库存为负数：-3")]


def test_oversell_when_paid_unshipped_pieces_exceed_the_real_stock():
    waiting = {"订单状态": "买家已付款，等待卖家发货"}
    orders = [{"订单编号": "5000000000000000001", "商家编码": "A", "宝贝总数量": 3, **waiting},
              {"订单编号": "5000000000000000002", "商家编码": "B", "宝贝总数量": 4, **waiting},
              {"订单编号": "5000000000000000003", "商家编码": "C", "宝贝总数量": 1, **waiting}]
    rows = [stock("A", 3), stock("B", 3), stock("C", -2), stock("D", 0), stock("B", None, d(2026, 10, 29))]
    found, _ = checked("STK005", {"stock": rows, "orders": orders})
    assert rows_and_messages(found, "STK005") == [(4, "已付款未发货 1 件，超过实际库存 -2")]
    rows.pop()  # B's current count is now 3: 4 pieces exceed it
    found, _ = checked("STK005", {"stock": rows, "orders": orders})
    assert rows_and_messages(found, "STK005") == [(3, "已付款未发货 4 件，超过实际库存 3"), (4, "已付款未发货 1 件，超过实际库存 -2")]
    assert {f.column for f in found} == {"实际库存"}


# ── STK006–009 the movements register ──────────────────────────────────────────────────────────────
def move(day, direction, sku="A", quantity=1, **extra):
    row = {"日期": day, "类型": direction, "商家编码": sku, "数量": quantity, "检验结果": "合格", "仓库": "正品库"}
    row.update(extra)
    return row


def test_inbound_and_returned_goods_need_an_inspection_result():
    rows = [move(d(2026, 10, 3), "出库", 检验结果=None), move(d(2026, 10, 3), "残次入库", 检验结果=None),
            move(d(2026, 10, 3), "入库"), move(d(2026, 10, 3), "入库", 检验结果=None),
            move(d(2026, 10, 3), "退货入库", 检验结果=None)]
    found, _ = checked("STK006", {"movements": rows})
    assert rows_and_messages(found, "STK006") == [(5, "入库未填写检验结果"), (6, "入库未填写检验结果")]
    assert {f.column for f in found} == {"检验结果"}


def test_each_count_follows_from_the_previous_one_and_the_movements_between():
    counts = [stock("A", 10, d(2026, 10, 21)), stock("A", 11, d(2026, 10, 28)), stock("A", None, d(2026, 10, 29)),
              stock("A", 14, d(2026, 10, 30)), stock("B", 10, d(2026, 10, 21)), stock("B", 10, d(2026, 10, 28)),
              stock("C", 4, d(2026, 10, 21)), stock("C", 4, d(2026, 10, 28))]  # C: no movements, the same count
    moves = [move(d(2026, 10, 21), "入库", quantity=5),  # on the earlier count's day: already counted
             move(d(2026, 10, 22), "入库", quantity=2), move(d(2026, 10, 23), "出库", quantity=2),
             move(d(2026, 10, 24), "退货入库", quantity=1),
             move(d(2026, 10, 25), "入库", quantity=9, 仓库="残次库"), move(d(2026, 10, 25), "残次入库", quantity=4),
             move(None, "入库", quantity=7), move(d(2026, 10, 26), "入库", quantity=None),
             move(d(2026, 10, 30), "入库", quantity=2),  # on the later count's day: in it
             move(d(2026, 10, 27), "出库", sku=None, quantity=3), move(d(2026, 10, 27), "出库", sku="B", quantity=1)]
    found, _ = checked("STK007", {"stock": counts, "movements": moves})
    # A: 10 +2 −2 +1 = 11 on 10-28, right; 11 + 2 = 13 on 10-30, counted 14 (the blank count is skipped);
    # B: 10 − 1 = 9, counted 10
    assert rows_and_messages(found, "STK007") == [
        (5, "盘点数 14 ≠ 上次盘点 11（10-28）+ 入库 − 出库 +2 = 13"),
        (7, "盘点数 10 ≠ 上次盘点 10（10-21）+ 入库 − 出库 -1 = 9")]
    assert {f.column for f in found} == {"实际库存"}


def shipped(day, order_id="5000000000000000001", items=None, **extra):
    return {"发货日期": day, "订单编号": order_id, "快递单号": "78123456780001", "发货商品": items, **extra}


def test_a_parcel_is_registered_out_by_its_order_its_items_or_its_skus():
    day, other = d(2026, 10, 14), d(2026, 10, 15)
    moves = [move(day, "入库", sku="B1"),  # not an outbound: skipped, the rows after it still count
             move(day, "出库", sku="A1", 订单编号="5000000000000000009"),
             move(day, "出库", sku="A2", 商品名称="纯棉圆领T恤", 颜色="白色", 尺码="L"),
             move(None, "出库", sku="B2"),
             move(other, "入库", sku="C1")]
    orders = [{"订单编号": "5000000000000000002", "商家编码": "A1;A2"}, {"订单编号": "5000000000000000003", "商家编码": "A1;B1"},
              {"订单编号": "5000000000000000004", "商家编码": "B2"}, {"订单编号": None, "商家编码": "B2"}]
    rows = [shipped(None, "5000000000000000008"),  # no date: not checked
            shipped(other, "5000000000000000009"),  # its order id is on an outbound row
            shipped(day, "5000000000000000002"),  # both SKUs out that day
            shipped(other, "5000000000000000002"),  # not on that day
            shipped(day, "5000000000000000003"),  # B1 went in, not out
            shipped(day, "5000000000000000001", "纯棉圆领T恤  白色 L"),  # the title, spacing folded
            shipped(day, "5000000000000000001", "纯棉圆领T恤 白色 L;牛仔裤 蓝色 M"),  # one item not out
            shipped(day, "5000000000000000007"),  # neither items nor SKUs: any outbound that day
            shipped(other, "5000000000000000007"),  # other day: only an inbound
            shipped(day, "5000000000000000003", "纯棉圆领T恤 白色 L", 备注="换货"),  # an exchange: by its items
            shipped(day, "5000000000000000004")]  # B2's outbound has no date
    found, _ = checked("STK008", {"shipments": rows, "movements": moves, "orders": orders})
    assert rows_and_messages(found, "STK008") == [
        (5, "2026-10-15 发出的包裹没有出库登记"), (6, "2026-10-14 发出的包裹没有出库登记"),
        (8, "2026-10-14 发出的包裹没有出库登记"), (10, "2026-10-15 发出的包裹没有出库登记"),
        (12, "2026-10-14 发出的包裹没有出库登记")]
    assert {f.column for f in found} == {"发货日期"}


def test_an_exchange_parcel_is_its_items_not_the_orders_skus():
    day = d(2026, 10, 14)
    moves = [move(day, "出库", sku="A1"), move(day, "出库", sku="A2")]
    orders = [{"订单编号": "5000000000000000002", "商家编码": "A1;A2"}, {"订单编号": "5000000000000000006", "商家编码": None}]
    rows = [shipped(day, "5000000000000000002", "牛仔裤 蓝色 M", 备注="换货"),  # the order's SKUs went out, not the jeans
            shipped(day, "5000000000000000002", "牛仔裤 蓝色 M"),  # the order's own parcel: its SKUs are out
            shipped(day, "5000000000000000006")]  # an order without SKUs: any outbound that day
    found, _ = checked("STK008", {"shipments": rows, "movements": moves, "orders": orders})
    assert [f.row for f in found] == [2]


def test_without_an_order_sku_column_items_decide():
    moves = [move(d(2026, 10, 14), "出库", 商品名称="袜子", 颜色=None, 尺码="均码")]
    rows = [shipped(d(2026, 10, 14), "5000000000000000001", "袜子 均码"), shipped(d(2026, 10, 14), "5000000000000000002", "袜子 白色 均码")]
    found, _ = checked("STK008", {"shipments": rows, "movements": moves, "orders": [{"订单编号": "5000000000000000001"}]})
    assert [f.row for f in found] == [3]


def test_without_an_orders_sheet_items_and_days_decide():
    moves = [move(d(2026, 10, 14), "出库", 商品名称="袜子", 颜色=None, 尺码="均码")]
    rows = [shipped(d(2026, 10, 14), "5000000000000000001", "袜子 均码"), shipped(d(2026, 10, 15), "5000000000000000002")]
    found, _ = checked("STK008", {"shipments": rows, "movements": moves})
    assert [f.row for f in found] == [3]


def test_defective_goods_go_to_the_defect_store_only():
    rows = [move(d(2026, 10, 3), "残次入库", 仓库="残次库"), move(d(2026, 10, 3), "残次入库", 仓库=None),
            move(d(2026, 10, 3), "入库", 检验结果="合格"), move(d(2026, 10, 3), "出库", 检验结果="不合格"),
            move(d(2026, 10, 3), "残次入库"), move(d(2026, 10, 3), "入库", 检验结果="不合格"),
            move(d(2026, 10, 3), "退货入库", 检验结果="不合格")]
    found, _ = checked("STK009", {"movements": rows})
    assert rows_and_messages(found, "STK009") == [(6, "残次或检验不合格的货品登记进了正品库"),
                                                  (7, "残次或检验不合格的货品登记进了正品库"),
                                                  (8, "残次或检验不合格的货品登记进了正品库")]
    assert {f.column for f in found} == {"仓库"}
