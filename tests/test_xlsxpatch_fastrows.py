"""The byte-level row path of the patch writer (`xlsxpatch/fastrows.py`, issue 12): rows nothing of
ours is on yet are edited by splicing a plan made once per row shape. It must write exactly what
the general path (each cell parsed and rewritten) writes, leave every row it does not edit byte for
byte, and give a workbook Excel's readers and LibreOffice open with the marks where they belong."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation.sheets.edit import CellMark, CellWrite, RowFill, WorkbookEdit
from automation.sheets.writers import apply_edit
from automation.sheets.xlsxpatch import fastrows

quiet = {"on_notice": lambda message: None}
FLAG_FILLS = ["F8CBAD", "FFF2CC", "E2EFDA"]
SHEET_PART = "xl/worksheets/sheet1.xml"


def _rgb(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper() if cell.fill and cell.fill.fill_type == "solid" else ""


def _xlsxwriter_orders(path: Path, rows: int, constant_memory: bool = False) -> Path:
    """Shared strings (or inline strings in constant-memory mode), dates with a format, empty cells,
    a styled column and a row with its own format: the shapes an export and a shop's sheet have."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "constant_memory": constant_memory})
    ws = book.add_worksheet("订单")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    bold = book.add_format({"bold": True})
    ws.set_column(4, 4, 12, book.add_format({"italic": True}))  # a column style: absent cells there show it
    ws.write_row(0, 0, ["订单编号", "买家", "金额", "下单时间", "备注", "旗帜"], bold)
    for r in range(1, rows + 1):
        if r % 9 == 4:
            ws.set_row(r, None, book.add_format({"font_color": "#0000FF"}))  # customFormat row
        ws.write_string(r, 0, f"51{r:08d}")
        ws.write_string(r, 1, f"买家{r % 7}")
        if r % 5:
            ws.write_number(r, 2, r * 1.5)
        ws.write_datetime(r, 3, dt.datetime(2026, 10, 1, 9) + dt.timedelta(hours=r), stamp)
        if r % 3 == 0:
            ws.write_string(r, 4, "送小样 & <加急>")
        if r % 4 == 1:
            ws.write_string(r, 5, "红")
    book.close()
    return path


def _openpyxl_orders(path: Path, rows: int) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "订单"
    ws.append(["订单编号", "买家", "金额", "下单时间", "备注", "旗帜"])
    for r in range(1, rows + 1):
        ws.append([f"51{r:08d}", f"买家{r % 7}", r * 1.5 if r % 5 else None, dt.datetime(2026, 10, 1, 9) + dt.timedelta(hours=r),
                   "=不是公式" if r % 6 == 0 else None, "黄" if r % 4 == 1 else None])
        ws.cell(r + 1, 3).number_format = "0.00"
    book.save(path)
    return path


def _flags_like(rows: int, width: int, seed: int) -> WorkbookEdit:
    """What `flags` asks: a fill over the table's width and our text in the column after it, on some rows."""
    edit = WorkbookEdit(job="flags")
    edit.writes.append(CellWrite("订单", 1, width - 1, "规范备注"))
    for r in range(2, rows + 2):
        if (r * 7 + seed) % 5 == 0:
            continue
        text = ["张三：送小样", "=SUM(A1)", "A&B <c> 100%", "+86 顾客", "换货 %s %d"][(r + seed) % 5]
        edit.writes.append(CellWrite("订单", r, width - 1, text))
        if (r + seed) % 3:
            edit.row_fills.append(RowFill("订单", r, FLAG_FILLS[(r + seed) % 3], width=width))
        if (r + seed) % 11 == 0:
            edit.marks.append(CellMark("订单", r, 1, "FFC7CE"))  # a mark without a note: still the byte path
    return edit


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if not n.startswith("customXml/itemProps")}  # a fresh uuid each run


def _both_ways(path: Path, edit: WorkbookEdit, monkeypatch) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The written parts with the byte-level path, and with every row parsed (the general path)."""
    fast = _parts(apply_edit(path, edit, suffix=".fast", **quiet))
    monkeypatch.setattr(fastrows, "ENABLED", False)
    general = _parts(apply_edit(path, edit, suffix=".general", **quiet))
    monkeypatch.setattr(fastrows, "ENABLED", True)
    return fast, general


@pytest.mark.parametrize("build", ["xlsxwriter", "constant_memory", "openpyxl"])
def test_the_byte_path_writes_exactly_what_the_general_path_writes(tmp_path, monkeypatch, build):
    path = tmp_path / "订单.xlsx"
    if build == "openpyxl":
        _openpyxl_orders(path, 120)
    else:
        _xlsxwriter_orders(path, 120, constant_memory=build == "constant_memory")
    planned = []
    plan = fastrows.RowRestyle._plan
    monkeypatch.setattr(fastrows.RowRestyle, "_plan", lambda self, *a: planned.append(1) or plan(self, *a))
    fast, general = _both_ways(path, _flags_like(120, 7, seed=0), monkeypatch)
    assert fast == general  # the sheet, styles.xml, the record of what we changed: byte for byte
    assert 0 < len(planned) <= 40  # a plan per row shape, not per row: the byte path did the work


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 50), width=st.integers(1, 9), rows=st.integers(1, 40))
def test_any_flags_like_edit_is_the_same_both_ways(tmp_path_factory, monkeypatch, seed, width, rows):
    path = _xlsxwriter_orders(tmp_path_factory.mktemp("fast") / "订单.xlsx", rows)
    edit = _flags_like(rows, width, seed)
    if seed % 4 == 0:  # a note on some rows: those go the general way, the rest by bytes
        edit.marks += [CellMark("订单", r, 0, "FFEB9C", f"第{r}行") for r in range(2, rows + 2, 3)]
    fast, general = _both_ways(path, edit, monkeypatch)
    assert fast == general


def _rows_xml(xml: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(0) for m in re.finditer(rb'<row r="(\d+)"[^>]*>.*?</row>', xml, re.S)}


def test_untouched_rows_stay_byte_for_byte_and_marked_rows_read_back(tmp_path, soffice_convert):
    path = _xlsxwriter_orders(tmp_path / "订单.xlsx", 300)
    edit = _flags_like(300, 7, seed=1)
    out = apply_edit(path, edit, suffix=".flags", **quiet)
    before, after = _parts(path), _parts(out)
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]  # we write inline strings only
    rows_before, rows_after = _rows_xml(before[SHEET_PART]), _rows_xml(after[SHEET_PART])
    edited = {w.row for w in edit.writes} | {f.row for f in edit.row_fills} | {m.row for m in edit.marks}
    untouched = set(rows_before) - edited
    assert untouched and all(rows_after[r] == rows_before[r] for r in untouched)
    # in an edited row only start tags change: every cell's content is as it was
    contents = re.compile(rb"<c [^>]*?(?:/>|>(.*?)</c>)", re.S)
    for r in sorted(edited - {1})[:50]:
        old, new = contents.findall(rows_before[r]), iter(contents.findall(rows_after[r]))
        assert all(any(c == n for n in new) for c in old), r  # in order, cells added between them (column G)

    styles = openpyxl.load_workbook(out)
    ws = styles["订单"]
    fills = {f.row: f.fill for f in edit.row_fills}
    texts = {w.row: w.value for w in edit.writes}
    xfs = len(re.findall(rb"<xf\b", re.search(rb"<cellXfs\b.*?</cellXfs>", after["xl/styles.xml"], re.S).group(0)))
    used = {int(s) for s in re.findall(rb'<c [^>]*?\bs="(\d+)"', after[SHEET_PART])}
    assert max(used) < xfs  # every style a cell names exists
    for r in range(2, 302):
        row_fills = {_rgb(ws.cell(r, c)) for c in range(1, 8)}
        if r in fills and not any(m.row == r for m in edit.marks):
            assert row_fills == {fills[r]}, r
        elif r not in fills and not any(m.row == r for m in edit.marks):
            assert row_fills == {""}, r
        assert ws.cell(r, 7).value == texts.get(r) and (ws.cell(r, 7).value is None or ws.cell(r, 7).data_type == "s")
    assert ws["G5"].value == "=SUM(A1)" and ws["G5"].data_type == "s" and ws["G5"].quotePrefix  # text, never a formula
    assert ws["D2"].number_format == "yyyy-mm-dd hh:mm" and ws["D2"].value == dt.datetime(2026, 10, 1, 10)
    assert ws["E3"].font.i  # an absent cell we coloured keeps its column's look (italic)
    assert ws["A5"].font.color.rgb.endswith("0000FF")  # a row with its own format keeps it under our fill
    grid_before = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("订单").to_python()
    grid_after = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("订单").to_python()
    assert [row[:6] for row in grid_after] == [row[:6] for row in grid_before]  # no value moved or changed

    with open(soffice_convert(out, "csv:Text - txt - csv (StarCalc):44,34,76,1"), encoding="utf-8", newline="") as handle:  # 76: UTF-8
        lines = list(csv.reader(handle))
    assert lines[0][6] == "规范备注" and lines[4][6] == "=SUM(A1)" and lines[5][6] == "A&B <c> 100%"
    assert lines[3][4] == "送小样 & <加急>" and lines[2][0] == "5100000002"
    assert len(lines) == 301


def test_runs_in_place_over_our_own_marks_end_the_same_both_ways(tmp_path, monkeypatch):
    """Rows an earlier run edited carry a record and go the general way (what was ours is taken out
    first); the other rows go by bytes. Either way the runs end alike, and taking everything of
    ours out gives back the user's sheet byte for byte."""
    built = _xlsxwriter_orders(tmp_path / "订单.xlsx", 80)  # one file for both: docProps holds the time it was made
    original = _parts(built)
    ends = []
    for enabled in (True, False):
        monkeypatch.setattr(fastrows, "ENABLED", enabled)
        folder = tmp_path / ("fast" if enabled else "general")
        folder.mkdir()
        path = Path(shutil.copy(built, folder / "订单.xlsx"))
        for seed in (2, 3, 2):
            apply_edit(path, _flags_like(80, 7, seed=seed), inplace=True, **quiet)
        ends.append(_parts(path))
        apply_edit(path, WorkbookEdit(job="flags"), inplace=True, **quiet)  # nothing asked: all of ours taken out
        assert _parts(path)[SHEET_PART] == original[SHEET_PART]
    assert ends[0] == ends[1]
