"""The patch writer's shortcuts for big sheets (issue 12): rows found by jumping through the sheet
XML, derived sheets written a block of rows and a column at a time. Each shortcut must give what
the plain way gives, on small chunks and blocks that put every boundary somewhere awkward."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from automation.sheets.edit import CellMark, CellWrite, NewSheet, RowFill, WorkbookEdit
from automation.sheets.writers import apply_edit
from automation.sheets.xlsxpatch import newsheet, sheetstream

quiet = {"on_notice": lambda message: None}
RED = "FFC7CE"


def _rgb(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper() if cell.fill and cell.fill.fill_type == "solid" else ""


def _orders(path: Path, rows: int) -> Path:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = book.add_worksheet("订单")
    ws.write_row(0, 0, ["订单编号", "买家", "金额"])
    for r in range(1, rows + 1):
        if r % 7 == 3:
            continue  # rows the sheet does not have: marks there create them
        ws.write_row(r, 0, [f"51{r:08d}", f"买家{r % 13}", r * 1.5])
    book.close()
    return path


def _strip_row_refs(path: Path, every: int) -> list[int]:
    """Drop r="…" from every `every`-th row tag (allowed: such a row follows the previous one);
    returns the numbers of the rows left without one."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    count, number, unnamed = [0], [0], []

    def drop(m: re.Match) -> bytes:
        count[0] += 1
        given = re.search(rb' r="(\d+)"', m.group(1))
        if count[0] % every:
            number[0] = int(given.group(1))
            return m.group(0)
        number[0] += 1
        unnamed.append(number[0])
        return b"<row" + re.sub(rb' r="\d+"', b"", m.group(1)) + b">"
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb"<row\b([^>]*)>", drop, parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return unnamed


@pytest.mark.parametrize("chunk", [97, 1500, 1 << 22])
def test_scattered_marks_land_on_their_cells_whatever_the_chunk_size(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(sheetstream, "CHUNK", chunk)
    path = _orders(tmp_path / "订单.xlsx", 400)
    unnamed = _strip_row_refs(path, every=5)
    before = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("订单").to_python()
    missing = [r + 1 for r in range(1, 401) if r % 7 == 3 and r + 1 not in unnamed][:4]
    # rows without r="…", rows the sheet lacks, neighbours, the last row and one past the end
    marked = sorted({*unnamed[::6], *missing, 2, 59, 60, 61, 198, 250, 401, 405})
    assert len(unnamed[::6]) > 5 and len(missing) == 4
    edit = WorkbookEdit(marks=[CellMark("订单", r, 1, RED, f"第{r}行") for r in marked],
                        writes=[CellWrite("订单", 300, 3, "已核对")],
                        row_fills=[RowFill("订单", 120, "E2EFDA", width=3)])
    out = apply_edit(path, edit, **quiet)
    book = openpyxl.load_workbook(out)
    ws = book["订单"]
    filled = {(c.row, c.column) for row in ws.iter_rows() for c in row if _rgb(c)}
    assert filled == {(r, 2) for r in marked} | {(120, 1), (120, 2), (120, 3)}
    assert ws.cell(60, 2).comment.text.endswith("第60行") and ws.cell(405, 2).comment is not None
    assert ws.cell(300, 4).value == "已核对"
    after = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("订单").to_python()
    assert [row[:3] for row in after[:len(before)]] == [row[:3] for row in before]  # no value moved or changed
    numbers = _row_numbers(zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml"))
    assert numbers == sorted(set(numbers))  # each row once, in order (a row created beside an unnamed one would repeat it)


def _row_numbers(xml: bytes) -> list[int]:
    numbers: list[int] = []
    for attrs in re.findall(rb"<row\b([^>]*)>", xml):
        given = re.search(rb' r="(\d+)"', attrs)
        numbers.append(int(given.group(1)) if given else numbers[-1] + 1)
    return numbers


def _derived(rows: int) -> NewSheet:
    labels = ["张三", "李四", "（未归属）", "=SUM(A1)", "A&B <c>", "很长的一段说明文字，" * 6]
    sheet = NewSheet("订单归属", ["订单编号", "客服", "份额", "日期", "金额", "订单行"],
                     [[f"51{r:010d}", labels[r % len(labels)], Decimal("0.5") if r % 2 else 1,
                       dt.date(2026, 10, 1 + r % 28), Decimal(r) / 4 if r % 3 else None, f"A{r + 2}"]
                      for r in range(rows)])
    sheet.links = {(r, 5): ("订单", f"A{r + 2}") for r in range(rows)}
    sheet.fills = {r: "FFF2CC" for r in range(0, rows, 11)}
    return sheet


def _seen(path: Path, sheet: str) -> list:
    """Every cell as staff see it: value, format, fill, font, wrap, link; and the row heights."""
    ws = openpyxl.load_workbook(path)[sheet]
    cells = [(c.coordinate, c.value, c.number_format, _rgb(c), c.font.b, c.font.u, c.alignment.wrap_text,
              c.hyperlink.location if c.hyperlink else None) for row in ws.iter_rows() for c in row]
    return cells + [(r, d.height) for r, d in sorted(ws.row_dimensions.items())]


def test_a_derived_sheet_looks_the_same_written_in_blocks_of_any_size(tmp_path, monkeypatch):
    seen = []
    for block in (1, 7, 5000):
        monkeypatch.setattr(newsheet, "ROWS_PER_WRITE", block)
        path = _orders(tmp_path / f"{block}.xlsx", 5)
        seen.append(_seen(apply_edit(path, WorkbookEdit(job="flags", new_sheets=[_derived(600)]), **quiet), "订单归属"))
    assert seen[0] == seen[1] == seen[2] and len(seen[0]) > 600 * 6


def test_a_big_derived_sheet_reads_back_as_staff_see_it(tmp_path, monkeypatch):
    monkeypatch.setattr(newsheet, "ROWS_PER_WRITE", 64)
    path = _orders(tmp_path / "订单.xlsx", 5)
    out = apply_edit(path, WorkbookEdit(job="flags", new_sheets=[_derived(1000)]), **quiet)
    ws = openpyxl.load_workbook(out)["订单归属"]
    assert ws.max_row == 1001 and ws["A2"].value == "510000000000" and ws["A1001"].value == "510000000999"
    assert ws["B5"].value == "=SUM(A1)" and ws["B5"].data_type == "s"  # data never becomes a formula
    assert ws["B6"].value == "A&B <c>"
    assert ws["B7"].alignment.wrap_text and ws.row_dimensions[7].height > 15  # the long text wraps, its row is taller
    assert ws["C3"].value == Decimal("0.5") or ws["C3"].value == 0.5
    assert ws["D2"].number_format == "yyyy-mm-dd" and ws["D2"].value == dt.datetime(2026, 10, 1)
    assert ws["E3"].number_format == "#,##0.00" and ws["E2"].value is None
    assert ws["F1001"].hyperlink.location == "'订单'!A1001" and ws["F1001"].font.u == "single"
    assert _rgb(ws["A2"]) == "FFF2CC" and _rgb(ws["E2"]) == "FFF2CC" and _rgb(ws["A3"]) == ""
    assert ws.column_dimensions["A"].width >= 14  # the widest id shows whole


@pytest.mark.parametrize("block", [1, 64, 5000])
def test_a_derived_sheet_without_fills_is_the_same_written_a_whole_column_at_a_time(tmp_path, monkeypatch, block):
    """Without fills a column of a block goes in C-level passes (plain ids, a link on every row,
    memoised values looked up at once); it must give the bytes the cell-by-cell way gives."""
    from automation.sheets.xlsxpatch.package import Package
    from automation.sheets.xlsxpatch.styles import StyleBook

    monkeypatch.setattr(newsheet, "ROWS_PER_WRITE", block)
    path = _orders(tmp_path / "订单.xlsx", 5)
    sheet = _derived(700)
    sheet.fills = {}
    sheet.rows[5][0] = "51&0000005"  # one id that needs escaping: its block goes cell by cell
    sheet.links = {k: v for k, v in sheet.links.items() if k[0] != 650}  # one row of a block without its link
    written = []
    for whole in (True, False):
        monkeypatch.setattr(newsheet, "WHOLE_COLUMNS", whole)
        package = Package.open(path)
        styles = StyleBook(package)
        written.append((newsheet.sheet_xml(sheet, styles, False), styles._added))
        package.close()
    assert written[0] == written[1]
    assert b"51&amp;0000005" in written[0][0] and b'ht="' in written[0][0]  # the escaped id; a wrapped label's row is taller


@pytest.mark.parametrize("block", [1, 3, 5000])
def test_links_are_the_same_written_a_block_at_a_time(tmp_path, monkeypatch, block):
    """The usual block of links (plain references into one sheet) is written in one pass; a block
    with another sheet or a range goes link by link. Both give the elements link by link gives, and
    each link leads where it says, whatever the sheet's name holds (quote, braces)."""
    monkeypatch.setattr(newsheet, "ROWS_PER_WRITE", block)
    links = {(i, 1): ("订单", f"A{i + 3}") for i in range(8)}
    links[(5, 1)] = ("It's {x}", "B7")  # another sheet, its name quoted
    links[(6, 1)] = ("订单", "A1:C2")  # a range, not a plain cell
    letters = [newsheet.column_letters(c) for c in range(3)]
    ordered = sorted(links.items())
    one_by_one = "".join(newsheet._hyperlink(letters[c], r + 2, s, ref) for (r, c), (s, ref) in ordered)
    assert "".join(newsheet._hyperlinks(ordered[at:at + block], letters) for at in range(0, len(ordered), block)) == one_by_one
    plain = {(i, 0): ("{月} 订单's", f"C{i + 2}") for i in range(6)}
    assert newsheet._hyperlinks(sorted(plain.items()), letters) == "".join(
        newsheet._hyperlink("A", r + 2, s, ref) for (r, _), (s, ref) in sorted(plain.items()))

    path = _orders(tmp_path / "订单.xlsx", 10)
    sheet = NewSheet("订单归属", ["订单编号", "订单行"], [[f"51{i}", links[(i, 1)][1]] for i in range(8)], links=links)
    ws = openpyxl.load_workbook(apply_edit(path, WorkbookEdit(job="flags", new_sheets=[sheet]), **quiet))["订单归属"]
    assert ws["B2"].hyperlink.location == "'订单'!A3" and ws["B9"].hyperlink.location == "'订单'!A10"
    assert ws["B7"].hyperlink.location == "'It''s {x}'!B7" and ws["B8"].hyperlink.location == "'订单'!A1:C2"
