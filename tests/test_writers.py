"""The file writer: annotated copy or in place (lossless), atomic with backup, lock files, VBA kept."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from automation.errors import UserError
from automation.sheets.edit import (
    SEVERITY_FILLS,
    CellMark,
    CellWrite,
    NewSheet,
    RowFill,
    WorkbookEdit,
)
from automation.sheets.writers import (
    BACKUP_DIR,
    apply_edit,
    lock_file,
    target_path,
)


def _orders(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "订单"
    sheet.append(["订单编号", "收货人", "备注"])
    sheet.append(["3001", "张三", "好"])
    sheet.append(["3002", "李四", "快点发"])
    sheet["E1"] = "自己的列"
    sheet["E2"].fill = openpyxl.styles.PatternFill("solid", start_color="00FF00", end_color="00FF00")
    book.save(path)
    return path


def _edit() -> WorkbookEdit:
    return WorkbookEdit(
        marks=[CellMark("订单", 2, 1, SEVERITY_FILLS["error"], "ORD001 缺少收货人"),
               CellMark("订单", 2, 1, None, "ORD002 第二条"),
               CellMark("订单", 3, 2, SEVERITY_FILLS["warning"], "=危险的备注")],
        writes=[CellWrite("订单", 3, 3, "=HYPERLINK(\"http://x\")")],
        new_sheets=[NewSheet("校验结果", ["代码", "单元格"], [["ORD001", "B2"], ["ORD002", "-B3"]],
                             links={(0, 1): ("订单", "B2"), (1, 1): ("订单", "C3")}, fills={0: SEVERITY_FILLS["error"]})],
    )


def _rgb(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper() if cell.fill and cell.fill.fill_type else ""


def test_copy_is_marked_cell_by_cell_and_the_original_untouched(tmp_path):
    source = _orders(tmp_path / "订单.xlsx")
    before = source.read_bytes()
    out = apply_edit(source, _edit())
    assert out == tmp_path / "订单.checked.xlsx"
    assert source.read_bytes() == before
    book = openpyxl.load_workbook(out)
    sheet = book["订单"]
    assert _rgb(sheet["B2"]) == SEVERITY_FILLS["error"]
    assert sheet["B2"].comment.text == "ORD001 缺少收货人\nORD002 第二条"
    assert sheet["B2"].comment.author == "shopbook"
    assert _rgb(sheet["C3"]) == SEVERITY_FILLS["warning"]
    assert _rgb(sheet["E2"]) == "00FF00"  # the team's own colour is kept
    assert _rgb(sheet["B3"]) == ""  # only edited cells are touched
    assert sheet["A2"].value == "3001" and sheet["C2"].value == "好"
    written = sheet["D3"]
    assert written.value == "=HYPERLINK(\"http://x\")" and written.data_type == "s" and written.quotePrefix
    findings = book["校验结果"]
    assert [c.value for c in findings[1]] == ["代码", "单元格"]
    assert findings["B2"].hyperlink.location == "'订单'!B2" and findings["B3"].hyperlink.location == "'订单'!C3"
    assert findings["B3"].value == "-B3" and findings["B3"].data_type == "s"
    assert _rgb(findings["A2"]) == SEVERITY_FILLS["error"]


def test_hyperlink_is_an_internal_link_in_the_xml(tmp_path):
    out = apply_edit(_orders(tmp_path / "a.xlsx"), _edit())
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = b"".join(z.read(n) for n in sheets).decode()
    assert "location=\"'订单'!B2\"" in xml and "TargetMode" not in xml


def test_findings_sheet_replaced_whole_on_every_run(tmp_path):
    source = _orders(tmp_path / "a.xlsx")
    apply_edit(source, _edit(), inplace=True)
    second = WorkbookEdit(new_sheets=[NewSheet("校验结果", ["代码"], [["X"]])])
    apply_edit(source, second, inplace=True)
    book = openpyxl.load_workbook(source)
    assert book.sheetnames.count("校验结果") == 1
    assert [[c.value for c in r] for r in book["校验结果"].iter_rows()] == [["代码"], ["X"]]
    # the previous run's notes and fills are gone, the team's own colour stays
    assert book["订单"]["B2"].comment is None and _rgb(book["订单"]["B2"]) == ""
    assert _rgb(book["订单"]["E2"]) == "00FF00"


def test_inplace_is_atomic_and_keeps_a_backup(tmp_path):
    source = _orders(tmp_path / "a.xlsx")
    before = source.read_bytes()
    out = apply_edit(source, _edit(), inplace=True)
    assert out == source
    backups = list((tmp_path / BACKUP_DIR).iterdir())
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert openpyxl.load_workbook(source)["订单"]["B2"].comment is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == [BACKUP_DIR, "a.xlsx"]  # no temp file left


def test_failed_save_leaves_the_original_and_no_temp_file(tmp_path, monkeypatch):
    import errno

    import automation.sheets.writers as writers

    source = _orders(tmp_path / "a.xlsx")
    before = source.read_bytes()

    def boom(src, out, edit):
        out.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writers, "apply_patch", boom)
    with pytest.raises(UserError) as info:
        apply_edit(source, _edit(), inplace=True)
    assert info.value.key == "writers.disk_full"
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]  # no temp, no backup, no lock file


@pytest.mark.parametrize("lock", ["~$a.xlsx", ".~lock.a.xlsx#"])
def test_open_workbook_is_refused(tmp_path, lock):
    source = _orders(tmp_path / "a.xlsx")
    (tmp_path / lock).write_bytes(b"owner")
    before = source.read_bytes()
    with pytest.raises(UserError) as info:
        apply_edit(source, _edit(), inplace=True)
    assert info.value.key == "err.locked" and lock in str(info.value)
    assert source.read_bytes() == before
    assert lock_file(source) == tmp_path / lock


def test_open_copy_is_not_clobbered(tmp_path):
    source = _orders(tmp_path / "a.xlsx")
    apply_edit(source, _edit())
    copy = tmp_path / "a.checked.xlsx"
    (tmp_path / "~$a.checked.xlsx").write_bytes(b"x")
    before = copy.read_bytes()
    with pytest.raises(UserError):
        apply_edit(source, _edit())
    assert copy.read_bytes() == before


def _chart_workbook(path: Path) -> Path:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("订单")
    sheet.write_row(0, 0, ["订单编号", "收货人", "金额"])
    sheet.write_row(1, 0, ["3001", "张三", 10])
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=订单!$C$2:$C$2"})
    sheet.insert_chart("E2", chart)
    book.close()
    return path


def _shape_workbook(path: Path) -> Path:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("订单")
    sheet.write_row(0, 0, ["订单编号", "收货人"])
    sheet.write_row(1, 0, ["3001", "张三"])
    sheet.insert_textbox("E2", "店长提醒：本表勿删列")
    book.close()
    return path


@pytest.mark.parametrize("build", [_chart_workbook, _shape_workbook])
def test_inplace_marks_workbooks_with_charts_and_shapes_and_keeps_them(tmp_path, build):
    source = build(tmp_path / "a.xlsx")
    with zipfile.ZipFile(source) as z:
        drawings = {n: z.read(n) for n in z.namelist() if n.startswith(("xl/charts/", "xl/drawings/drawing"))}
    assert drawings
    out = apply_edit(source, _edit(), inplace=True, on_notice=lambda m: None)
    assert out == source
    with zipfile.ZipFile(source) as z:
        assert {n: z.read(n) for n in drawings} == drawings  # byte for byte
    assert openpyxl.load_workbook(out)["订单"]["B2"].comment is not None


def test_users_note_is_kept_above_ours(tmp_path):
    source = _orders(tmp_path / "a.xlsx")
    book = openpyxl.load_workbook(source)
    book["订单"]["B2"].comment = openpyxl.comments.Comment("店长：老客户", "王芳", height=79, width=144)
    book.save(source)
    apply_edit(source, _edit(), inplace=True)
    apply_edit(source, _edit(), inplace=True)
    note = openpyxl.load_workbook(source)["订单"]["B2"].comment
    assert note.text.startswith("店长：老客户\n") and note.text.count("ORD001") == 1
    assert note.author == "王芳"


def _vba_bin() -> bytes:
    import xlwings

    quickstart = Path(xlwings.__file__).parent / "quickstart.xlsm"
    with zipfile.ZipFile(quickstart) as z:
        return z.read("xl/vbaProject.bin")


def test_xlsm_stays_xlsm_and_keeps_its_vba(tmp_path):
    vba = tmp_path / "vbaProject.bin"
    vba.write_bytes(_vba_bin())
    path = tmp_path / "订单.xlsm"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("订单")
    sheet.write_row(0, 0, ["订单编号", "收货人"])
    sheet.write_row(1, 0, ["3001", ""])
    book.add_vba_project(str(vba))
    book.close()
    out = apply_edit(path, _edit_for_single_sheet())
    assert out == tmp_path / "订单.checked.xlsm"
    with zipfile.ZipFile(out) as z:
        assert z.read("xl/vbaProject.bin") == vba.read_bytes()
        assert b"macroEnabled" in z.read("[Content_Types].xml")
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(out))
    assert parser.detect_vba_macros()
    parser.close()
    # in place: the VBA survives there too
    apply_edit(path, _edit_for_single_sheet(), inplace=True)
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == vba.read_bytes()


def _edit_for_single_sheet() -> WorkbookEdit:
    return WorkbookEdit(marks=[CellMark("订单", 2, 1, SEVERITY_FILLS["error"], "ORD001")],
                        row_fills=[RowFill("订单", 1, "D9D9D9")])


def test_csv_gives_a_fresh_xlsx_and_formula_text_stays_text(tmp_path):
    path = tmp_path / "orders.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["订单编号", "收货人", "备注"], ["3001", "=cmd|' /C calc'!A0", "+86"]])
    out = apply_edit(path, WorkbookEdit(marks=[CellMark("orders", 2, 1, SEVERITY_FILLS["error"], "坏")]))
    assert out == tmp_path / "orders.checked.xlsx"
    sheet = openpyxl.load_workbook(out)["orders"]
    assert sheet["B2"].value == "=cmd|' /C calc'!A0" and sheet["B2"].data_type == "s"
    assert sheet["C2"].value == "+86" and sheet["C2"].data_type == "s"
    assert _rgb(sheet["B2"]) == SEVERITY_FILLS["error"]
    with zipfile.ZipFile(out) as z:
        assert b"<f>" not in b"".join(z.read(n) for n in z.namelist() if "worksheets/sheet" in n)
    notices = []
    assert apply_edit(path, WorkbookEdit(), inplace=True, on_notice=notices.append) == out
    assert notices and path.read_text(encoding="utf-8-sig").startswith("订单编号")


def test_target_path_names():
    assert target_path(Path("d/订单.xlsx")) == Path("d/订单.checked.xlsx")
    assert target_path(Path("d/订单.XLSM")) == Path("d/订单.checked.xlsm")
    assert target_path(Path("d/o.xls"), ".flags") == Path("d/o.flags.xlsx")


@pytest.mark.libreoffice
def test_copy_opens_in_libreoffice(tmp_path, soffice_convert):
    out = apply_edit(_orders(tmp_path / "a.xlsx"), _edit())
    converted = soffice_convert(out, "csv:Text - txt - csv (StarCalc):44,34,76,1")  # 76: UTF-8
    rows = list(csv.reader(converted.read_text(encoding="utf-8", errors="replace").splitlines()))
    assert rows[1][:3] == ["3001", "张三", "好"]
