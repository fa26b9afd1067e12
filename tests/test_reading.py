"""Reading the shop's real sheets faithfully: header search, kind detection, CSV encodings, coercion."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from automation.errors import UserError
from automation.tables import read_table, read_tables
from tests.sheet_builders import csv_file, xlsx

TAOBAO_HEADER = ["订单编号", "买家会员名", "买家应付货款", "买家应付邮费", "总金额", "买家实际支付金额", "订单状态",
                 "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系电话 ", "联系手机", "订单创建时间",
                 "订单付款时间 ", "宝贝标题 ", "宝贝种类 ", "物流单号 ", "物流公司", "订单备注", "宝贝总数量",
                 "店铺名称", "订单关闭原因", "退款金额"]


def taobao_line(order_id: str, status: str, phone: str, paid: str, waybill: str, refund: str) -> str:
    cells = [f'="{order_id}"', "tb_小王", "128.00", "0元", "128.00", "128.00", status, "", "王晓明",
             "广东省 广州市 越秀区 黄花岗街道 先烈中路100号(510080)", "快递", "", phone, "2026-10-03 09:12:00",
             paid, "纯棉圆领T恤 白色 L", "1", f'="{waybill}"' if waybill else '=""', "中通快递", "红旗 张三：送小样", "1",
             "明月小店", "", refund]
    return ",".join(f'"{c}"' if "," in c or "，" in c else c for c in cells)


@pytest.fixture
def taobao_csv(tmp_path):
    lines = [",".join(TAOBAO_HEADER),
             taobao_line("5121910154426014049", "卖家已发货，等待买家确认", "'13925130165", "2026-10-03 09:15:20",
                         "73312000099999", "无退款申请"),
             taobao_line("5121910154426014050", "买家已付款,等待卖家发货", "'13812345678", "2026/10/3 14:05", "", "0.00"),
             taobao_line("5121910154426014051", "等待买家付款", "'15900001111", "", "", "")]
    return lines


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_taobao_csv_in_every_encoding(tmp_path, taobao_csv, encoding):
    path = csv_file(tmp_path / "ExportOrderList202610031200.csv", taobao_csv, encoding)
    table = read_table(path, "orders")
    assert table.kind == "orders" and table.header_row == 1
    assert [r.row for r in table.records] == [2, 3, 4]  # CSV rows are line numbers, header = 1
    first, second, third = table.records
    assert first["order_id"] == "5121910154426014049"  # ="…" protection unwrapped, all 19 digits kept
    assert first["phone"] == "13925130165"  # leading apostrophe removed
    assert first["waybill"] == "73312000099999"
    assert first["status"] == second["status"].replace("买家已付款，等待卖家发货", "卖家已发货，等待买家确认")
    assert second["status"] == "买家已付款，等待卖家发货"  # half-width comma accepted as the full-width one
    assert second["waybill"] is None  # ="" is an empty waybill
    assert first["postage"] == Decimal("0.00") and first["paid_amount"] == Decimal("128.00")
    assert first["refund_amount"] is None  # 无退款申请 means no refund, not a problem
    assert first["paid_at"] == dt.datetime(2026, 10, 3, 9, 15, 20)
    assert second["paid_at"] == dt.datetime(2026, 10, 3, 14, 5)
    assert third["paid_at"] is None
    assert table.header_of("address") == "收货地址"  # trailing space in the Taobao header matched
    assert table.problems == []


def test_hand_kept_sheet_with_title_row_and_merged_cells(tmp_path):
    path = xlsx(tmp_path / "订单登记.xlsx", {
        "十月": [
            ["明月小店 10月订单登记表"],
            ["制表：客服部", None, None, "2026年10月"],
            ["订单号", "收件人", "手机号码", "地址", "快递", "快递单号", "旗帜", "备注", "客服", "赠品"],
            ["5121910154426014049", "李娜", "13812345678", "浙江省 杭州市 西湖区 文三路1号", "中通", "773312000099999", "红", "李娜：发中通", "张三", "袜子"],
            [None] * 10,
            ["5121910154426014050", "周杰", 13912345678, "江苏省 南京市 玄武区", "圆通", "YT1234567890123", "黄色", "张三", None, None],
        ]}, merges={"十月": ["A1:J1"]})
    [table] = read_tables(path)
    assert (table.sheet, table.kind, table.header_row) == ("十月", "orders", 3)
    assert {"order_id", "consignee", "phone", "address", "courier", "waybill", "flag", "remark", "agent"} <= set(table.columns)
    assert list(table.unmapped.values()) == ["赠品"]  # the team's own column is kept
    assert [r.row for r in table.records] == [4, 6]  # the blank row 5 is not data; row numbers are the sheet's
    assert table.records[0].extra == {"赠品": "袜子"}
    assert table.records[1]["phone"] == "13912345678"  # typed as a number
    assert [r["flag"] for r in table.records] == ["红", "黄"]


def test_header_matching_ignores_width_case_spaces_and_punctuation(tmp_path):
    path = xlsx(tmp_path / "x.xlsx", {"Sheet1": [
        ["　订单编号　", "ＳＫＵ", "快递单号：", "物流公司 ", "收货人（姓名）"],
        ["1001", "A-1", "SF1234567890123", "顺丰", "赵六"]]})
    table = read_table(path, "orders")
    assert set(table.columns) >= {"order_id", "sku", "waybill", "courier"}


def test_each_sheet_gets_its_own_kind(tmp_path):
    path = xlsx(tmp_path / "发货.xlsx", {
        "发货登记": [["发货日期", "订单编号", "快递公司", "快递单号", "重量(kg)"],
                 ["2026-10-08", "5121910154426014049", "中通", "773312000099999", 0.8]],
        "底单": [["日期", "快递公司", "快递单号", "重量", "状态"], ["2026-10-08", "中通", "773312000099999", "0.9", "正常"]],
        "笔记": [["随便写写"]]})
    tables = {t.sheet: t for t in read_tables(path)}
    assert tables["发货登记"].kind == "shipments" and tables["底单"].kind == "stubs"
    assert "笔记" not in tables
    assert tables["发货登记"].records[0]["weight"] == Decimal("0.8")
    assert tables["发货登记"].records[0]["date"] == dt.date(2026, 10, 8)


def test_dates_in_every_form_people_type(tmp_path):
    rows = [["日期", "客服", "咨询人数", "登记时间"],
            [dt.datetime(2026, 10, 3), "张三", 10, dt.datetime(2026, 10, 4, 9, 30)],
            [46299, "张三", 11, 46300.4375],  # Excel serial numbers: 2026-10-04, 2026-10-05 10:30
            ["2026/10/3", "李四", "12", "2026/10/3 14:05"],
            ["2026-10-03", "李四", "13人", "2026-10-03 09:12:00"],
            ["2026年10月8日", "王五", 14, "2026年10月8日 10:20"],
            ["10/15", "王五", 15, "10/16 09:05"],
            ["明天", "赵六", "很多", "昨天"]]
    table = read_table(xlsx(tmp_path / "服务.xlsx", {"服务统计": rows}), "service")
    dates = [r["date"] for r in table.records]
    assert dates[:6] == [dt.date(2026, 10, 3), dt.date(2026, 10, 4), dt.date(2026, 10, 3), dt.date(2026, 10, 3),
                         dt.date(2026, 10, 8), dt.date(2026, 10, 15)]
    times = [r["registered_at"] for r in table.records]
    assert times[:6] == [dt.datetime(2026, 10, 4, 9, 30), dt.datetime(2026, 10, 5, 10, 30), dt.datetime(2026, 10, 3, 14, 5),
                         dt.datetime(2026, 10, 3, 9, 12), dt.datetime(2026, 10, 8, 10, 20), dt.datetime(2026, 10, 16, 9, 5)]
    assert [r["enquiries"] for r in table.records][:6] == [10, 11, 12, 13, 14, 15]
    bad = {(p.row, p.header, p.code) for p in table.problems}
    assert bad == {(8, "日期", "coerce.bad_date"), (8, "咨询人数", "coerce.bad_number"), (8, "登记时间", "coerce.bad_date")}
    assert len(table.records) == 7  # the bad row is kept, with its problems recorded


def test_money_phone_and_numbers_as_typed(tmp_path):
    rows = [["订单编号", "买家实际支付金额", "买家应付邮费", "联系手机", "宝贝总数量"],
            ["1", "¥1,234.50", "12元", 13812345678.0, "2"],
            ["2", 12.3, "￥0", "'13925130165", 3.0],
            ["3", "一百", None, "+86 138-1234-5678", "2.5"]]
    table = read_table(xlsx(tmp_path / "o.xlsx", {"订单": rows}), "orders")
    first, second, third = table.records
    assert first["paid_amount"] == Decimal("1234.50") and first["postage"] == Decimal("12.00")
    assert second["paid_amount"] == Decimal("12.30") and isinstance(second["paid_amount"], Decimal)
    assert first["phone"] == "13812345678" and second["phone"] == "13925130165"
    assert third["phone"] == "+86 138-1234-5678"  # kept as written; validity is a rule, not a reading problem
    assert (first["quantity"], second["quantity"]) == (2, 3)
    codes = {(p.row, p.field, p.code) for p in table.problems}
    assert codes == {(4, "paid_amount", "coerce.bad_money"), (4, "quantity", "coerce.bad_number")}


def test_long_ids_stored_as_numbers_are_reported_never_repaired(tmp_path):
    rows = [["订单编号", "物流单号", "物流公司"],
            [5121910154426014049, 773312000099999, "中通"],  # 19-digit id lost digits; 15-digit waybill survived
            ["5121910154426014050", "773312000099999.0", "中通"],  # courier export style
            ["5121910154426014051", "7.73312E+14", "中通"]]  # scientific notation: digits are gone
    table = read_table(xlsx(tmp_path / "o.xlsx", {"订单": rows}), "orders")
    first, second, third = table.records
    assert first["order_id"] is None  # never a guessed id
    assert first["waybill"] == "773312000099999" and second["waybill"] == "773312000099999"
    assert third["waybill"] is None
    problems = {(p.row, p.header, p.code, p.severity) for p in table.problems}
    assert (2, "订单编号", "coerce.id_damaged", "error") in problems
    assert (2, "物流单号", "coerce.id_as_number", "info") in problems
    assert (4, "物流单号", "coerce.id_damaged", "error") in problems
    damaged = next(p for p in table.problems if p.row == 2 and p.field == "order_id")
    assert "5.12191E+18" in damaged.message and "文本" in damaged.message


def test_xlsm_reads_like_xlsx(tmp_path):
    source = xlsx(tmp_path / "a.xlsx", {"订单": [["订单编号", "收货人姓名"], ["1001", "赵六"]]})
    macro_book = source.rename(tmp_path / "订单.xlsm")
    assert read_table(macro_book, "orders").records[0]["consignee"] == "赵六"


@pytest.mark.libreoffice
def test_legacy_xls_reads_like_the_xlsx_it_came_from(tmp_path, soffice_convert):
    source = xlsx(tmp_path / "订单.xlsx", {"订单": [["订单编号", "收货人姓名", "订单付款时间", "买家实际支付金额"],
                                                 ["5121910154426014049", "赵六", dt.datetime(2026, 10, 3, 14, 5), 99.5]]})
    legacy = soffice_convert(source, "xls")
    assert legacy.suffix == ".xls"
    record = read_table(legacy, "orders").records[0]
    assert record.data["order_id"] == "5121910154426014049"
    assert record["paid_at"] == dt.datetime(2026, 10, 3, 14, 5) and record["paid_amount"] == Decimal("99.50")


def test_own_header_mapping_from_shop_toml(tmp_path, cli):
    xlsx(tmp_path / "订单.xlsx", {"订单": [["订单编号", "顾客手机"], ["1001", "13812345678"]]})
    (tmp_path / "shop.toml").write_text('[headers.orders]\n"顾客手机" = "phone"\n', encoding="utf-8")
    result = cli("inspect", str(tmp_path / "订单.xlsx"), "--json", "--records")
    assert result.exit_code == 0, result.output
    table = json.loads(result.stdout)["tables"][0]
    assert table["columns"] == {"order_id": "订单编号", "phone": "顾客手机"}
    assert table["records"] == [{"row": 2, "order_id": "1001", "phone": "138****5678"}]  # mapped, and masked (M-CONFIDENTIAL)


def test_bad_own_header_mapping_is_a_clear_error(tmp_path, cli):
    xlsx(tmp_path / "订单.xlsx", {"订单": [["订单编号", "顾客手机"], ["1001", "13812345678"]]})
    (tmp_path / "shop.toml").write_text('[headers.orders]\n"顾客手机" = "mobile"\n', encoding="utf-8")
    result = cli("inspect", str(tmp_path / "订单.xlsx"))
    assert result.exit_code == 2 and "mobile" in result.stderr and "Traceback" not in result.output


def test_read_tables_rejects_an_unknown_kind():
    with pytest.raises(UserError) as err:
        read_tables("whatever.xlsx", kind="nonsense")
    assert "nonsense" in str(err.value)
