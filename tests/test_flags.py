"""`shopbook flags`: a real orders workbook in, the .flags copy read back cell by cell."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from automation.commands.flags import build_edit, chase_at, read_flags
from automation.attribution import attribute_orders
from automation.config import load_config
from automation.tables import read_table

SHOP_TOML = """
[[staff]]
name = "张三"
role = "客服"

[[staff]]
name = "李四"
role = "客服"

[[promotions]]
name = "国庆活动"
start = 2026-10-20
end = 2026-10-21
"""

HEADER = ["订单编号", "买家会员名", "订单状态", "订单创建时间", "订单付款时间", "总金额", "旗帜", "订单备注", "我们的记录"]
ORDERS = [
    ["5000000000000000001", "buyer1", "交易成功", "2026-10-10 09:00", "2026-10-10 09:05", 99, "红", "张三：要发顺丰，送小样", "ok"],
    ["5000000000000000002", "buyer2", "交易成功", "2026-10-10 10:00", "2026-10-10 10:05", 59, None, "黄旗 李四", None],
    ["5000000000000000003", "buyer3", "交易成功", "2026-10-11 10:00", "2026-10-11 10:05", 79, "绿", "10.12 快递截单 王五", None],
    ["5000000000000000004", "buyer4", "交易成功", "2026-10-11 11:00", "2026-10-11 11:05", 89, "紫",
     "10.14 换货：白色L换黑色XL 差价0 运费买家承担12元 新单号SF1234567890123 李四", None],
    ["5000000000000000005", "buyer5", "交易关闭", "2026-10-12 11:00", "2026-10-12 11:05", 49, "蓝", "10.15 退款 张三", None],
    ["5000000000000000006", "buyer6", "等待买家付款", "2026-10-13 17:20", None, 39, None, None, None],
    ["5000000000000000007", "buyer7", "交易成功", "2026-10-20 12:00", "2026-10-20 12:01", 19, "红", "=要发顺丰", None],
    ["5000000000000000008", "buyer8", "交易成功", "2026-10-14 12:00", "2026-10-14 12:01", 29, None, "顾客说周末在家", None],
]
FILLS = {"红": "F8CBAD", "黄": "FFF2CC", "绿": "E2EFDA", "紫": "E4DFEC", "蓝": "DDEBF7"}


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "shop.toml").write_text(SHOP_TOML, encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "订单"
    sheet.append(["2026年10月 订单登记"])  # a title row above the header
    sheet.append(HEADER)
    for row in ORDERS:
        sheet.append(row)
    sheet["H9"].data_type = "s"  # buyer text starting with = is text in the shop's sheet too
    path = tmp_path / "订单.xlsx"
    book.save(path)
    return path


def rows_of(sheet) -> list[list[object]]:
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


def fill_of(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:] if cell.fill and cell.fill.fill_type == "solid" else ""


def test_flags_copy(shop, cli):
    result = cli("flags", str(shop))
    assert result.exit_code == 0, result.output
    out = shop.with_name("订单.flags.xlsx")
    assert out.exists()
    book = openpyxl.load_workbook(out)
    orders = book["订单"]
    assert orders.cell(2, 10).value == "规范备注"  # appended after the last used column (I)
    assert [orders.cell(r, 8).value for r in range(3, 11)] == [row[7] for row in ORDERS]  # originals untouched
    assert [orders.cell(r, 9).value for r in range(3, 11)] == [row[8] for row in ORDERS]
    canon = [orders.cell(r, 10).value for r in range(3, 11)]
    assert canon[0] == "【红旗】张三：要发顺丰，送小样"
    assert canon[1] == "【黄旗】李四"
    assert canon[2] == "【绿旗】2026-10-12 快递截单 王五"
    assert canon[3] == "【紫旗】2026-10-14 换货：白色L换黑色XL 差价0 运费买家承担12元 新单号SF1234567890123 李四"
    assert canon[4] == "【蓝旗】2026-10-15 张三 〔缺：原因、运费〕"
    assert canon[5] is None
    assert canon[6] == "【红旗】=要发顺丰"  # promotion: no name needed; stays text, never a formula
    assert orders.cell(9, 10).data_type == "s"
    assert canon[7] == "顾客说周末在家"
    flags = ["红", "黄", "绿", "紫", "蓝", None, "红", None]
    for r, flag in enumerate(flags, start=3):
        expected = FILLS.get(flag, "")
        assert fill_of(orders.cell(r, 1)) == expected, r
        assert fill_of(orders.cell(r, 10)) == expected, r
    assert fill_of(orders.cell(1, 1)) == "" and fill_of(orders.cell(2, 1)) == ""

    exchanges = rows_of(book["换货登记"])
    assert len(exchanges) == 1
    assert exchanges[0][:10] == ["5000000000000000004", dt.datetime(2026, 10, 14), "白色L换黑色XL", None, 0, 12, "买家",
                                 None, "SF1234567890123", "李四"]
    assert book["换货登记"].cell(2, 15).hyperlink.location == "'订单'!A6"

    refunds = rows_of(book["退款登记"])
    assert [(r[0], r[2], r[6], r[8]) for r in refunds] == [("5000000000000000005", None, "张三", "原因、运费")]
    abnormal = rows_of(book["异常订单"])
    assert [(r[0], r[2], r[3]) for r in abnormal] == [("5000000000000000003", "快递截单", "王五")]

    chase = rows_of(book["催付催单"])
    assert [(r[0], r[1], r[6]) for r in chase] == [("催单", "5000000000000000002", "李四"), ("催付", "5000000000000000006", None)]
    assert chase[1][4] == dt.datetime(2026, 10, 14, 16, 0)  # created after 16:00: next day's round

    owners = rows_of(book["订单归属"])
    by_order = {}
    for r in owners:
        by_order.setdefault(r[0], []).append((r[1], r[2], r[3]))
    assert by_order["5000000000000000001"] == [("张三", 1, "备注姓名")]
    assert by_order["5000000000000000003"] == [("（未归属）", 1, "未归属")]  # green name is not the seller
    assert sorted(by_order["5000000000000000007"]) == [("张三", 0.5, "活动平分"), ("李四", 0.5, "活动平分")]
    assert len(by_order) == len(ORDERS)  # every order listed, none dropped
    original = openpyxl.load_workbook(shop)
    assert original.sheetnames == ["订单"] and original["订单"].max_column == 9  # the input is untouched


def test_json_summary_and_no_write(shop, cli):
    result = cli("flags", str(shop), "--json", "--no-write")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["outputs"] == []
    assert not shop.with_name("订单.flags.xlsx").exists()
    summary = data["summary"]
    assert summary["flags"] == {"红": 2, "黄": 1, "绿": 1, "紫": 1, "蓝": 1}
    assert (summary["incomplete"], summary["exchanges"], summary["refunds"], summary["abnormal"], summary["unpaid"]) == (1, 1, 1, 1, 1)
    blue = next(o for o in data["orders"] if o["flag"] == "蓝")
    assert blue["missing"] == ["reason", "postage"] and blue["row"] == 7


def test_inplace_rerun_reuses_the_column(shop, cli):
    assert cli("flags", str(shop), "--inplace").exit_code == 0
    assert cli("flags", str(shop), "--inplace").exit_code == 0
    sheet = openpyxl.load_workbook(shop)["订单"]
    assert sheet.max_column == 10 and sheet.cell(2, 10).value == "规范备注"
    assert sheet.cell(3, 10).value == "【红旗】张三：要发顺丰，送小样"
    assert list((shop.parent / ".shopbook-backup").iterdir())


def test_column_conflict_is_reported(tmp_path, cli):
    book = openpyxl.Workbook()
    book.active.append(["订单编号", "旗帜", "订单备注"])
    book.active.append(["5000000000000000001", "红", "黄旗 李四"])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    data = json.loads(cli("flags", str(path), "--json", "--no-write").output)
    assert data["summary"]["conflicts"] == 1
    assert data["orders"][0]["flag"] == "红" and data["orders"][0]["conflict"] is True


def test_missing_orders_sheet_is_a_clear_error(tmp_path, cli):
    book = openpyxl.Workbook()
    book.active.append(["SKU", "名称"])
    path = tmp_path / "x.xlsx"
    book.save(path)
    result = cli("flags", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_build_edit_is_pure(shop):
    orders = read_table(shop, "orders")
    config = load_config(shop.parent / "shop.toml")
    flags = read_flags(orders, config)
    edit = build_edit(orders, flags, attribute_orders(orders, config))
    assert {s.name for s in edit.new_sheets} == {"换货登记", "退款登记", "异常订单", "催付催单", "订单归属"}
    assert len(edit.row_fills) == 6
    assert all(w.column == 9 for w in edit.writes)


def test_chase_time():
    assert chase_at(dt.datetime(2026, 10, 13, 9, 0)) == dt.datetime(2026, 10, 13, 16, 0)
    assert chase_at(dt.datetime(2026, 10, 13, 16, 30)) == dt.datetime(2026, 10, 14, 16, 0)
    assert chase_at(None) is None


def test_shop_folder_and_demo_step(shop):
    import io

    from rich.console import Console

    from automation.commands.flags import demo_step

    console = Console(file=io.StringIO(), width=200)
    outcome = demo_step(shop.parent, console)
    written = outcome.outputs
    assert written == [shop.with_name("订单.flags.xlsx")]
    book = openpyxl.load_workbook(written[0])
    assert len(rows_of(book["订单归属"])) == len(ORDERS) + 1  # the promotion order is split in two
    assert outcome.job == "旗帜备注" and f"订单 {len(ORDERS)} 行" in outcome.counts
    assert console.file.getvalue() == ""  # its figures go into the demo's summary table, no loose lines


def test_taobao_csv_gives_an_xlsx_copy(tmp_path, cli):
    lines = ["订单编号,订单状态,订单付款时间,订单备注",
             '="5000000000000000001",交易成功,2026-10-10 09:05,红旗 张三：要发顺丰',
             '="5000000000000000002",等待买家付款,,']
    path = tmp_path / "ExportOrderList202610.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    result = cli("flags", str(path))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "ExportOrderList202610.flags.xlsx").worksheets[0]
    assert [c.value for c in sheet[1]] == ["订单编号", "订单状态", "订单付款时间", "订单备注", "规范备注"]
    assert sheet["E2"].value == "【红旗】张三：要发顺丰" and sheet["D2"].value == "红旗 张三：要发顺丰"
    assert fill_of(sheet["A2"]) == FILLS["红"] and fill_of(sheet["A3"]) == ""


def test_english_sheet_names_and_headers(shop, cli):
    from automation.i18n import set_lang

    try:
        assert cli("--lang", "en", "flags", str(shop)).exit_code == 0
    finally:
        set_lang(None)  # the language is process-wide: leave zh for the next test
    book = openpyxl.load_workbook(shop.with_name("订单.flags.xlsx"))
    assert {"Exchanges", "Refunds", "Abnormal orders", "To chase", "Attribution"} <= set(book.sheetnames)
    assert book["订单"].cell(2, 10).value == "Canonical remark"
    assert book["Attribution"].cell(1, 2).value == "Agent"
