"""`shopbook validate` end to end: exit codes, JSON, the annotated copy read back cell by cell."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from automation.sheets.edit import SEVERITY_FILLS
from tests.rules_helpers import order, sheet


def _orders_file(path: Path, rows: list[dict]) -> Path:
    header, body = sheet(*rows)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "订单"
    ws.append(header)
    for row in body:
        ws.append(row)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # buyer text as Taobao exports it, not a formula
    book.save(path)
    return path


BAD = [order("5000000000000000001"),
       order("5000000000000000002", 联系手机="1381234567", 收货地址="广东省 广州市 越秀区 (000000)"),
       order("5000000000000000003", 订单备注="=HYPERLINK(\"x\")")]


def _fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:] if cell.fill and cell.fill.fill_type else ""


def _finding_rows(ws) -> tuple[int, list[list[object]]]:
    """The 校验结果 sheet opens with the 未检查 rows (grey), then the findings: (first finding's sheet row, findings)."""
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    skipped = [r for r in rows if r[0] == "未检查"]
    assert rows[:len(skipped)] == skipped  # all of them first
    assert all(_fill(ws.cell(i + 2, 1)) == "EDEDED" for i in range(len(skipped)))
    return len(skipped) + 2, rows[len(skipped):]


def test_annotated_copy_cell_by_cell(tmp_path, cli):
    source = _orders_file(tmp_path / "订单.xlsx", BAD)
    before = source.read_bytes()
    result = cli("validate", str(source))
    assert result.exit_code == 1, result.output
    assert source.read_bytes() == before
    out = tmp_path / "订单.checked.xlsx"
    book = openpyxl.load_workbook(out)
    ws = book["订单"]
    header = [c.value for c in ws[1]]
    phone, address = header.index("联系手机") + 1, header.index("收货地址") + 1
    assert _fill(ws.cell(3, phone)) == SEVERITY_FILLS["error"]
    note = ws.cell(3, phone).comment.text
    assert note.startswith("电话号码格式不对：1381234567\n修改：") and note.endswith("\n依据：电话格式不对（ORD005 M-ORD-ADDR）")
    assert _fill(ws.cell(3, address)) == SEVERITY_FILLS["warning"]
    assert "ORD007" in ws.cell(3, address).comment.text
    assert all(_fill(c) == "" and c.comment is None for c in ws[2])  # the clean row is untouched
    assert ws.cell(4, header.index("订单备注") + 1).data_type == "s"  # buyer text stays text
    findings = book["校验结果"]
    first, rows = _finding_rows(findings)
    # Chinese rule name and message first; the ids only in the last, narrow 依据 column
    assert [c.value for c in findings[1]] == ["严重程度", "规则", "工作表", "单元格", "列", "值", "问题", "修改建议", "编号", "依据"]
    assert [(r[0], r[1], r[3], r[9]) for r in rows] == [
        ("错误", "电话格式不对", f"{openpyxl.utils.get_column_letter(phone)}3", "ORD005\nM-ORD-ADDR"),
        ("警告", "邮编是占位值", f"{openpyxl.utils.get_column_letter(address)}3", "ORD007\nM-ORD-ADDR")]
    assert rows[0][6] == "电话号码格式不对：1381234567"
    assert not any(re.search(r"[A-Z]{3}\d{3}|M-[A-Z]", str(v)) for r in rows for v in r[:9])
    assert findings[f"D{first}"].hyperlink.location == f"'订单'!{rows[0][3]}"
    assert _fill(findings[f"A{first}"]) == SEVERITY_FILLS["error"] and _fill(findings[f"A{first + 1}"]) == SEVERITY_FILLS["warning"]


def test_console_names_the_rule_and_keeps_the_code_last(tmp_path, cli):
    source = _orders_file(tmp_path / "订单.xlsx", BAD)
    result = cli("validate", str(source), "--no-write", env={"COLUMNS": "100"})
    row = next(line for line in result.output.splitlines() if "电话格式不对" in line)
    assert re.search(r"错误\s*│\s*电话格式不对\s*│\s*订单!\w+3\s*│\s*电话号码格式不对：138\*+4567\s*│\s*ORD005", row), row
    header = next(line for line in result.output.splitlines() if "级别" in line)
    assert header.index("规则") < header.index("问题") < header.index("代码")


def test_json_output_masks_customer_data(tmp_path, cli):
    source = _orders_file(tmp_path / "订单.xlsx", BAD)
    result = cli("validate", str(source), "--json", "--no-write")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["outputs"] == [] and not (tmp_path / "订单.checked.xlsx").exists()
    assert data["summary"]["error"] == 1 and data["summary"]["warning"] == 1
    phone = next(f for f in data["findings"] if f["code"] == "ORD005")
    assert phone["value"] == "138****4567" and "1381234567" not in result.output
    assert {"code", "severity", "clause", "sheet", "row", "column", "cell", "value", "message", "fix", "key"} <= set(phone)
    assert phone["key"] == "5000000000000000002" and phone["row"] == 3 and phone["cell"].endswith("3")


def test_exit_codes(tmp_path, cli):
    clean = _orders_file(tmp_path / "clean.xlsx", [order("5000000000000000001")])
    result = cli("validate", str(clean), "--json")
    assert result.exit_code == 0 and json.loads(result.output)["summary"]["total"] == 0
    _, rows = _finding_rows(openpyxl.load_workbook(tmp_path / "clean.checked.xlsx")["校验结果"])
    assert [r[6] for r in rows] == ["未发现问题（上列规则未检查）"]
    warn_only = _orders_file(tmp_path / "warn.xlsx", [order("5000000000000000001", 收货地址="广东省 广州市 (000000)")])
    assert cli("validate", str(warn_only), "--no-write").exit_code == 0
    assert cli("validate", str(tmp_path / "nope.xlsx")).exit_code == 2
    (tmp_path / "shop.toml").write_text('[rules]\nselect = ["XYZ"]\n', encoding="utf-8")
    bad_config = cli("validate", str(clean))
    assert bad_config.exit_code == 2 and "XYZ" in bad_config.output


def test_select_and_ignore_from_the_command_line(tmp_path, cli):
    source = _orders_file(tmp_path / "订单.xlsx", BAD)
    data = json.loads(cli("validate", str(source), "--json", "--no-write", "--ignore", "ORD005").output)
    assert [f["code"] for f in data["findings"]] == ["ORD007"]
    data = json.loads(cli("validate", str(source), "--json", "--no-write", "--select", "ORD005").output)
    assert [f["code"] for f in data["findings"]] == ["ORD005"]


def test_inplace_marks_the_workbook_and_keeps_a_backup(tmp_path, cli):
    source = _orders_file(tmp_path / "订单.xlsx", BAD)
    before = source.read_bytes()
    result = cli("validate", str(source), "--inplace")
    assert result.exit_code == 1
    assert not (tmp_path / "订单.checked.xlsx").exists()
    assert "校验结果" in openpyxl.load_workbook(source).sheetnames
    (backup,) = (tmp_path / ".shopbook-backup").iterdir()
    assert backup.read_bytes() == before


def test_inplace_marks_a_workbook_with_a_chart_and_keeps_the_chart(tmp_path, cli):
    path = tmp_path / "订单.xlsx"
    header, body = sheet(*BAD)
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("订单")
    ws.write_row(0, 0, header)
    for r, row in enumerate(body, start=1):
        for c, value in enumerate(row):
            if value is not None:
                ws.write_string(r, c, str(value)) if isinstance(value, str) else ws.write(r, c, value)
    chart = book.add_chart({"type": "line"})
    chart.add_series({"values": "=订单!$A$2:$A$4"})
    ws.insert_chart("Q2", chart)
    book.close()
    with zipfile.ZipFile(path) as z:
        chart_xml = z.read("xl/charts/chart1.xml")
    result = cli("validate", str(path), "--inplace")
    assert result.exit_code == 1
    assert not (tmp_path / "订单.checked.xlsx").exists()
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/charts/chart1.xml") == chart_xml
    marked = openpyxl.load_workbook(path)
    assert "校验结果" in marked.sheetnames
    assert any(c.comment is not None for row in marked["订单"].iter_rows() for c in row)


def test_locked_workbook_is_refused(tmp_path, cli):
    source = _orders_file(tmp_path / "订单.xlsx", BAD)
    (tmp_path / "~$订单.xlsx").write_bytes(b"x")
    before = source.read_bytes()
    result = cli("validate", str(source), "--inplace")
    assert result.exit_code == 2 and "~$订单.xlsx" in result.output
    assert source.read_bytes() == before


def test_xlsm_copy_keeps_its_macros(tmp_path, cli):
    import xlwings

    with zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart.xlsm") as z:
        (tmp_path / "vbaProject.bin").write_bytes(z.read("xl/vbaProject.bin"))
    path = tmp_path / "订单.xlsm"
    header, body = sheet(*BAD)
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("订单")
    ws.write_row(0, 0, header)
    for r, row in enumerate(body, start=1):
        for c, value in enumerate(row):
            if value is not None:
                ws.write_string(r, c, str(value)) if isinstance(value, str) else ws.write(r, c, value)
    book.add_vba_project(str(tmp_path / "vbaProject.bin"))
    book.close()
    assert cli("validate", str(path)).exit_code == 1
    out = tmp_path / "订单.checked.xlsm"
    with zipfile.ZipFile(out) as z:
        assert z.read("xl/vbaProject.bin") == (tmp_path / "vbaProject.bin").read_bytes()
    assert _finding_rows(openpyxl.load_workbook(out, keep_vba=True)["校验结果"])[1][0][9] == "ORD005\nM-ORD-ADDR"


def test_shop_folder_writes_one_copy_per_workbook(tmp_path, cli):
    _orders_file(tmp_path / "订单.xlsx", BAD)
    book = openpyxl.Workbook()
    book.active.title = "库存"
    book.active.append(["商家编码", "实际库存", "补货点"])
    book.active.append(["A1", -1, 5])
    book.save(tmp_path / "库存.xlsx")
    book.active["B2"] = 10
    book.save(tmp_path / "库存2.xlsx")  # clean: no copy in folder mode
    data = json.loads(cli("validate", str(tmp_path), "--json").output)
    assert sorted(Path(p).name for p in data["outputs"]) == ["库存.checked.xlsx", "订单.checked.xlsx"]
    stock = openpyxl.load_workbook(tmp_path / "库存.checked.xlsx")
    _, rows = _finding_rows(stock["校验结果"])
    assert [(r[1], r[9]) for r in rows] == [("库存为负", "STK004\nM-STK-LOW")]
    # a second run does not read its own copies back
    again = json.loads(cli("validate", str(tmp_path), "--json", "--no-write").output)
    assert again["summary"] == data["summary"]


@pytest.mark.libreoffice
def test_annotated_copy_opens_in_libreoffice(tmp_path, cli, soffice_convert):
    source = _orders_file(tmp_path / "订单.xlsx", BAD)
    cli("validate", str(source))
    converted = soffice_convert(tmp_path / "订单.checked.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1")
    produced = sorted(converted.parent.iterdir())
    texts = [p.read_text(encoding="utf-8") for p in produced]
    findings = next(t for t in texts if "ORD005" in t)
    rows = [r for r in csv.reader(findings.splitlines()) if r[0] != "未检查"]
    assert rows[1][1] == "电话格式不对" and re.sub(r"\s", "", rows[1][9]) == "ORD005M-ORD-ADDR" and rows[2][1] == "邮编是占位值"
    orders = next(t for t in texts if "5000000000000000002" in t)
    assert "1381234567" in orders
