"""Never silently wrong: values that cannot be read are said, and never count as 0 or vanish."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import xlsxwriter

from tests.courier_helpers import W, write_shop
from tests.sheet_builders import xlsx


def _book(path, sheet, rows):
    return xlsx(path, {sheet: rows})


def test_unreadable_bill_fees_are_a_category_of_their_own_never_zero(cli, tmp_path):
    root = write_shop(tmp_path / "店")
    bad = {W(1): "NaN", W(2): "四元", W(3): "inf", W(4): 1e300}
    rows = [["序号", "运单编号", "揽收时间", "目的省份", "结算重量", "快递运费"]]
    rows += [[i, waybill, "2026-10-08", "浙江", 1.0, fee] for i, (waybill, fee) in enumerate(bad.items(), start=1)]
    rows.append([5, W(8), "2026-10-12", "浙江", 1.0, 4.00])
    _book(root / "账单" / "中通_2026-10.xlsx", "账单", rows)
    result = cli("reconcile", str(root), "--month", "2026-10", "--json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)["couriers"]["中通"]
    notes = got["unreadable"]
    assert sorted(n["row"] for n in notes) == [2, 3, 4, 5]  # one per bill line, by its row
    assert all("无法核对" in n["message"] and "快递运费" in n["message"] for n in notes)
    assert got["categories"]["unreadable"]["count"] == 4
    assert got["categories"]["unreadable"]["billed"] is None  # unknown, not 0.00
    assert got["bill_total"] == "4.00"  # only the readable line; the four are not summed as 0.00
    assert got["closes"] is True
    shown = cli("reconcile", str(root), "--month", "2026-10")
    assert "无法核对" in shown.stdout and "四元" in shown.stdout
    book = openpyxl.load_workbook(root / "reports" / "out" / "2026-10" / "快递对账_2026-10.xlsx", read_only=True)
    summary = [row for row in book["汇总"].iter_rows(values_only=True) if row[0] and "无法核对" in str(row[0])]
    assert summary and summary[0][2] == 4 and summary[0][3] == "无法读取"
    lines = list(book["无法核对（金额无法读取）"].iter_rows(min_row=2, values_only=True))
    assert [line[-1] for line in lines if line[0]] == [2, 3, 4, 5]


def test_a_lost_parcel_with_an_unreadable_date_still_reaches_the_claims(cli, tmp_path):
    root = tmp_path / "店"
    root.mkdir()
    day = dt.date(2026, 10, 20)
    _book(root / "发货.xlsx", "发货登记", [["发货日期", "订单编号", "快递公司", "快递单号", "重量(kg)"],
                                          [day, "O1", "中通快递", "77000000000001", 1.0],
                                          [day, "O2", "中通快递", "77000000000002", 1.0]])
    _book(root / "底单.xlsx", "快递底单", [["揽收日期", "快递公司", "快递单号", "底单重量(kg)", "底单状态", "已归档"],
                                          ["上周三", "中通", "77000000000001", "一公斤", "丢了", "否"],
                                          [day, "中通", "77000000000002", 1.0, "正常", "否"]])
    result = cli("stubs", str(root), "--month", "2026-10", "--json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert [c["waybill"] for c in got["findings"]["claim"]] == ["77000000000001"]
    notes = got["unreadable"]
    assert any("第 2 行" in n and "揽收日期" in n for n in notes)
    assert any("第 2 行" in n and "底单重量" in n for n in notes)
    assert any("第 2 行" in n and "丢了" in n for n in notes)
    shown = cli("stubs", str(root), "--month", "2026-10")
    assert "上周三" in shown.stdout
    # the stub-check workbook lists them too, on a sheet of their own counted in the summary
    book = openpyxl.load_workbook(root / "reports" / "out" / "2026-10" / "底单核对_2026-10-01_2026-10-31.xlsx", read_only=True)
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=4, values_only=True) if row[0]}
    assert summary["无法读取的底单"] == 3
    lines = list(book["无法读取的底单"].iter_rows(values_only=True))
    assert lines[0] == ("工作表", "行号", "列", "问题")
    assert sorted((row[1], row[2]) for row in lines[1:]) == [(2, "底单状态"), (2, "底单重量(kg)"), (2, "揽收日期")]
    assert all(row[0] == "快递底单" and row[3] for row in lines[1:])


def test_a_stub_check_with_every_cell_readable_has_no_unreadable_sheet(cli, tmp_path):
    root = tmp_path / "店"
    root.mkdir()
    day = dt.date(2026, 10, 20)
    _book(root / "发货.xlsx", "发货登记", [["发货日期", "订单编号", "快递公司", "快递单号", "重量(kg)"],
                                          [day, "O2", "中通快递", "77000000000002", 1.0]])
    _book(root / "底单.xlsx", "快递底单", [["揽收日期", "快递公司", "快递单号", "底单重量(kg)", "底单状态", "已归档"],
                                          [day, "中通", "77000000000002", 1.0, "正常", "是"]])
    assert cli("stubs", str(root), "--month", "2026-10").exit_code == 0
    book = openpyxl.load_workbook(root / "reports" / "out" / "2026-10" / "底单核对_2026-10-01_2026-10-31.xlsx", read_only=True)
    assert "无法读取的底单" not in book.sheetnames


def test_error_values_name_the_cell_and_the_error(cli, tmp_path):
    path = tmp_path / "订单.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("订单")
    sheet.write_row(0, 0, ["订单编号", "买家会员名", "买家实际支付金额"])
    sheet.write_formula(1, 0, "=#REF!", None, "#REF!")
    sheet.write_row(1, 1, ["小王", 3])
    sheet.write_row(2, 0, ["5000000000000000002", "小李"])
    sheet.write_formula(2, 2, "=NA()", None, "#N/A")
    book.close()
    result = cli("validate", str(path), "--json")
    found = {(f["code"], f["cell"]) for f in json.loads(result.stdout)["findings"]}
    assert ("READ006", "A2") in found and ("READ006", "C3") in found
    messages = " ".join(f["message"] for f in json.loads(result.stdout)["findings"] if f["code"] == "READ006")
    assert "#REF!" in messages and "#N/A" in messages


def test_error_text_in_a_csv_is_an_error_not_an_id(cli, tmp_path):
    path = tmp_path / "订单.csv"
    path.write_text("订单编号,买家会员名\n#REF!,小王\n#VALUE!,小李\n", encoding="utf-8")
    result = cli("validate", str(path), "--json")
    codes = [(f["code"], f["cell"]) for f in json.loads(result.stdout)["findings"] if f["code"].startswith("READ")]
    assert ("READ006", "A2") in codes and ("READ006", "A3") in codes


def test_formulas_saved_without_values_say_to_open_and_save(cli, tmp_path):
    path = tmp_path / "订单.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "订单"
    book.active.append(["订单编号", "买家会员名", "买家实际支付金额"])
    book.active.append(["5000000000000000001", "小王", "=1+2"])
    book.save(path)
    findings = json.loads(cli("validate", str(path), "--json").stdout)["findings"]
    read007 = [f for f in findings if f["code"] == "READ007"]
    assert [f["cell"] for f in read007] == ["C2"]
    assert "Excel/WPS" in read007[0]["message"] and "保存" in read007[0]["message"]


def test_a_duplicate_header_names_both_columns(cli, tmp_path):
    path = xlsx(tmp_path / "订单.xlsx", {"订单": [["订单编号", "买家会员名", "订单号"], ["1001", "小王", "1002"]]})
    findings = json.loads(cli("validate", str(path), "--json").stdout)["findings"]
    dup = [f for f in findings if f["code"] == "READ008"]
    assert len(dup) == 1 and "C1" in dup[0]["message"] and "A1" in dup[0]["message"] and "订单号" in dup[0]["message"]


def test_absurd_weights_are_said_per_cell_never_a_traceback(cli, tmp_path):
    """1e300 kg is a number, but no parcel: in the shipment log, the stubs and the bill it is a
    reading problem of that cell; the bill line's fee is still checked (and summed), its weight not."""
    root = write_shop(tmp_path / "店")
    day = dt.date(2026, 10, 8)
    _book(root / "发货.xlsx", "发货登记", [["发货日期", "订单编号", "快递公司", "快递单号", "目的省份", "重量(kg)"],
                                          [day, "O1", "中通快递", W(1), "浙江", 1e300],
                                          [day, "O2", "中通快递", W(2), "浙江", 1.0]])
    _book(root / "底单.xlsx", "快递底单", [["揽收日期", "快递公司", "快递单号", "底单重量(kg)", "底单状态", "已归档"],
                                          [day, "中通", W(1), 1.0, "正常", "是"],
                                          [day, "中通", W(2), -1e20, "正常", "是"]])
    stubs = cli("stubs", str(root), "--month", "2026-10", "--json")
    assert stubs.exit_code == 0, stubs.output
    notes = json.loads(stubs.stdout)["unreadable"]
    assert any("第 2 行" in n and "重量" in n and "1e+300" in n and "大得不合理" in n for n in notes), notes
    assert any("第 3 行" in n and "底单重量" in n and "-1e+20" in n for n in notes), notes

    checked = cli("validate", str(root / "发货.xlsx"), "--json")
    findings = json.loads(checked.stdout)["findings"]
    assert {(f["sheet"], f["cell"], f["code"]) for f in findings if f["field"] == "weight"} == {("发货登记", "F2", "READ004")}

    root = write_shop(tmp_path / "整月")  # the helper's month of shipments and stubs, a bill of one line
    _book(root / "账单" / "中通_2026-10.xlsx", "账单", [["序号", "运单编号", "揽收时间", "目的省份", "结算重量", "快递运费"],
                                                       [1, W(8), "2026-10-12", "浙江", 1e300, 4.00]])
    done = cli("reconcile", str(root), "--month", "2026-10", "--json")
    assert done.exit_code == 0, done.output
    got = json.loads(done.stdout)["couriers"]["中通"]
    assert [(n["row"], n["column"], n["code"]) for n in got["unreadable"]] == [(2, "结算重量", "coerce.too_large")]
    assert "计费重量没有核对" in got["unreadable"][0]["message"]
    assert got["bill_total"] == "4.00"  # the fee of the line with the unreadable weight is known, so summed
    assert "unreadable" not in got["categories"]  # and checked: it is not a 无法核对 line
    book = openpyxl.load_workbook(root / "reports" / "out" / "2026-10" / "快递对账_2026-10.xlsx", read_only=True)
    summary = [row for row in book["汇总"].iter_rows(values_only=True) if row[0]]
    heading = next(i for i, row in enumerate(summary) if "未核对重量的账单行" in str(row[0]))
    assert summary[heading + 1][:2] == ("中通_2026-10.xlsx E2", "1e+300")

