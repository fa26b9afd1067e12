"""The patch writer cell by cell, and the file semantics around it (issue 8)."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import automation.sheets.writers as writers
from automation.errors import UserError
from automation.sheets.edit import SEVERITY_FILLS, CellMark, CellWrite, NewSheet, RowFill, WorkbookEdit
from automation.sheets.writers import BACKUP_DIR, apply_edit
from automation.tables import read_tables
from tests import lossless_corpus as corpus

RED, YELLOW = SEVERITY_FILLS["error"], SEVERITY_FILLS["warning"]
quiet = {"on_notice": lambda message: None}


def _rgb(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper() if cell.fill and cell.fill.fill_type == "solid" else ""


def _book(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = book.add_worksheet("订单")
    green = book.add_format({"bg_color": "#00FF00", "bold": True, "num_format": "0.00"})
    ws.write_row(0, 0, ["订单编号", "收货人", "金额"])
    ws.write_row(1, 0, ["3001", "张三"])
    ws.write_number(1, 2, 12.5, green)  # the user's own fill and format on a cell we will mark
    ws.write_row(2, 0, ["3002", ""])
    ws.write_comment("B2", "店长：老客户", {"x_scale": 2, "visible": True})
    book.close()
    return path


def _mark(*marks: CellMark, **extra) -> WorkbookEdit:
    return WorkbookEdit(marks=list(marks), **extra)


# ---- cells -----------------------------------------------------------------------------------------------

def test_a_marked_cell_keeps_its_look_and_gets_it_back_once_fixed(tmp_path):
    path = _book(tmp_path / "a.xlsx")
    apply_edit(path, _mark(CellMark("订单", 2, 2, RED, "ORD009 金额不对")), inplace=True, **quiet)
    cell = openpyxl.load_workbook(path)["订单"]["C2"]
    assert _rgb(cell) == RED and cell.font.b and cell.number_format == "0.00"  # only the fill changed
    apply_edit(path, _mark(), inplace=True, **quiet)  # the problem is gone: the next run has no mark there
    cell = openpyxl.load_workbook(path)["订单"]["C2"]
    assert _rgb(cell) == "00FF00" and cell.comment is None and cell.font.b


def test_a_fixed_problem_found_by_validate_loses_its_mark_end_to_end(tmp_path, cli):
    path = tmp_path / "订单.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = book.add_worksheet("订单")
    ws.write_row(0, 0, corpus.HEADER)
    for r, row in enumerate(corpus.ORDERS, start=1):
        for c, value in enumerate(row):
            if value is not None:
                ws.write_string(r, c, value) if isinstance(value, str) else ws.write_number(r, c, value)
    ws.write_string(2, 3, "1381234567", book.add_format({"bg_color": "#00FF00"}))  # a short mobile, filled green by the user
    book.close()
    assert cli("validate", str(path), "--inplace").exit_code == 1
    assert _rgb(openpyxl.load_workbook(path)["订单"]["D3"]) in (RED, YELLOW)
    with zipfile.ZipFile(path) as z:  # the clerk types the right number in Excel
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(b">1381234567<", b">13812345670<")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    cli("validate", str(path), "--inplace")
    cell = openpyxl.load_workbook(path)["订单"]["D3"]
    assert _rgb(cell) == "00FF00" and (cell.comment is None or "shopbook" not in cell.comment.text)


def test_users_note_stays_above_ours_and_keeps_its_shape(tmp_path):
    path = _book(tmp_path / "a.xlsx")
    with zipfile.ZipFile(path) as z:
        vml = z.read("xl/drawings/vmlDrawing1.vml")
    user_shape = re.search(rb"<v:shape .*?</v:shape>", vml, re.S).group(0)
    for _ in range(2):
        apply_edit(path, _mark(CellMark("订单", 2, 1, RED, "ORD001 收货人"), CellMark("订单", 3, 1, RED, "ORD001 空")),
                   inplace=True, **quiet)
    sheet = openpyxl.load_workbook(path)["订单"]
    assert sheet["B2"].comment.text == "店长：老客户\n—— shopbook ——\nORD001 收货人"
    assert sheet["B3"].comment.text == "ORD001 空" and sheet["B3"].comment.author == "shopbook"
    with zipfile.ZipFile(path) as z:
        vml = z.read("xl/drawings/vmlDrawing1.vml")
    assert user_shape in vml  # size and visibility as the user left them
    ids = re.findall(rb'id="(_x0000_s\d+)"', vml)
    assert len(ids) == len(set(ids)) == 2
    assert re.search(rb'o:idmap v:ext="edit" data="1,2"', vml)  # ours in a block of our own


def test_written_text_stays_text_and_is_quote_prefixed(tmp_path):
    path = _book(tmp_path / "a.xlsx")
    out = apply_edit(path, WorkbookEdit(writes=[CellWrite("订单", 1, 4, "=cmd|' /C calc'!A0"), CellWrite("订单", 2, 4, "@SUM(1)")]))
    cell = openpyxl.load_workbook(out)["订单"]["E1"]
    assert cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(out) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_row_fill_stops_at_the_given_width(tmp_path):
    path = _book(tmp_path / "a.xlsx")
    out = apply_edit(path, WorkbookEdit(job="flags", row_fills=[RowFill("订单", 3, "E2EFDA", width=5)]))
    sheet = openpyxl.load_workbook(out)["订单"]
    assert [_rgb(sheet.cell(3, c)) for c in range(1, 7)] == ["E2EFDA"] * 5 + [""]


def test_two_jobs_stack_on_one_cell_and_unstack(tmp_path):
    path = _book(tmp_path / "a.xlsx")
    apply_edit(path, WorkbookEdit(job="flags", row_fills=[RowFill("订单", 2, "E2EFDA", width=3)]), inplace=True, **quiet)
    apply_edit(path, _mark(CellMark("订单", 2, 2, RED, "问题")), inplace=True, **quiet)
    assert _rgb(openpyxl.load_workbook(path)["订单"]["C2"]) == RED  # the problem shows over the flag colour
    apply_edit(path, _mark(), inplace=True, **quiet)
    assert _rgb(openpyxl.load_workbook(path)["订单"]["C2"]) == "E2EFDA"
    apply_edit(path, WorkbookEdit(job="flags"), inplace=True, **quiet)
    assert _rgb(openpyxl.load_workbook(path)["订单"]["C2"]) == "00FF00"


def test_our_sheets_are_replaced_and_never_read_as_data(tmp_path):
    path = _book(tmp_path / "a.xlsx")
    sheet = NewSheet("校验结果", ["订单编号", "收货人"], [["3001", "张三"], ["3002", dt.date(2026, 10, 1)]])
    for _ in range(2):
        apply_edit(path, WorkbookEdit(new_sheets=[sheet]), inplace=True, **quiet)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["订单", "校验结果"]
    assert book["校验结果"]["B3"].number_format == "yyyy-mm-dd" and book["校验结果"].freeze_panes == "A2"
    assert [t.sheet for t in read_tables(path)] == ["订单"]


def test_strict_xls_and_encrypted_are_refused_with_one_line(tmp_path):
    xls = tmp_path / "a.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    with pytest.raises(UserError) as info:
        apply_edit(xls, _mark())
    assert "另存为 .xlsx" in str(info.value)
    strict = _book(tmp_path / "s.xlsx")
    with zipfile.ZipFile(strict) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main")
    with zipfile.ZipFile(strict, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    before = strict.read_bytes()
    with pytest.raises(UserError) as info:
        apply_edit(strict, _mark(), inplace=True)
    assert info.value.key == "writers.strict" and strict.read_bytes() == before


# ---- files -----------------------------------------------------------------------------------------------

def test_mode_is_kept_and_a_symlink_stays_a_link(tmp_path):
    path = _book(tmp_path / "a.xlsx")
    os.chmod(path, 0o640)
    link = tmp_path / "link.xlsx"
    link.symlink_to(path)
    apply_edit(link, _mark(CellMark("订单", 2, 1, RED, "x")), inplace=True, **quiet)
    assert link.is_symlink() and stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert openpyxl.load_workbook(path)["订单"]["B2"].comment is not None


def test_read_only_file_is_refused_and_untouched(tmp_path, cli):
    path = _book(tmp_path / "订单.xlsx")
    os.chmod(path, 0o444)
    before = path.read_bytes()
    result = cli("validate", str(path), "--inplace")
    assert result.exit_code == 2 and "只读" in result.output and "Traceback" not in result.output
    assert path.read_bytes() == before and stat.S_IMODE(os.stat(path).st_mode) == 0o444


def test_a_workbook_saved_since_it_was_read_is_not_overwritten(tmp_path):
    path = _book(tmp_path / "a.xlsx")
    read_tables(path)
    stamp = os.stat(path)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 5_000_000_000))  # saved again in Excel
    before = path.read_bytes()
    with pytest.raises(UserError) as info:
        apply_edit(path, _mark(CellMark("订单", 2, 1, RED, "x")), inplace=True, **quiet)
    assert info.value.key == "writers.changed" and path.read_bytes() == before


def test_a_second_run_waits_for_no_one_it_refuses(tmp_path):
    import fcntl

    path = _book(tmp_path / "a.xlsx")
    with open(tmp_path / ".a.xlsx.shopbook.lock", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        with pytest.raises(UserError) as info:
            apply_edit(path, _mark(), inplace=True, **quiet)
    assert info.value.key == "writers.busy"


def test_backups_are_kept_pruned_and_named(tmp_path):
    path = _book(tmp_path / "a.xlsx")
    notices = []
    for _ in range(4):
        apply_edit(path, _mark(), inplace=True, keep_backups=2, on_notice=notices.append)
    backups = sorted((tmp_path / BACKUP_DIR).iterdir())
    assert len(backups) == 2 and all(b.suffix == ".xlsx" for b in backups)
    assert any(str(backups[-1]) in n for n in notices)


def test_backup_folder_that_is_a_file_is_one_clear_line(tmp_path, cli):
    path = _book(tmp_path / "订单.xlsx")
    (tmp_path / BACKUP_DIR).write_text("x")
    before = path.read_bytes()
    result = cli("validate", str(path), "--inplace")
    assert result.exit_code == 2 and BACKUP_DIR in result.output and "Traceback" not in result.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [BACKUP_DIR, "订单.xlsx"]


def test_a_killed_runs_temp_file_is_removed_by_the_next_run(tmp_path):
    path = _book(tmp_path / "a.xlsx")
    stale = tmp_path / ".a.xlsx.shopbook-999999999-deadbeef.tmp"
    stale.write_bytes(b"half")
    apply_edit(path, _mark(), inplace=True, **quiet)
    assert not stale.exists()


def test_full_disk_leaves_the_original_and_no_partial_backup(tmp_path, monkeypatch):
    import errno

    path = _book(tmp_path / "a.xlsx")
    before = path.read_bytes()
    real_fsync = os.fsync
    calls = {"n": 0}

    def fsync(fd):  # the temp file is fine; the disk fills while the backup is written
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(writers.os, "fsync", fsync)
    with pytest.raises(UserError) as info:
        apply_edit(path, _mark(CellMark("订单", 2, 1, RED, "x")), inplace=True, **quiet)
    assert info.value.key == "writers.disk_full" and path.read_bytes() == before
    assert list((tmp_path / BACKUP_DIR).iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [BACKUP_DIR, "a.xlsx"]


# ---- flags on a sheet with a merged title ------------------------------------------------------------------

def test_flags_column_is_outside_every_merge_and_derived_sheets_are_readable(tmp_path, cli):
    path = corpus.protection_properties_merges_rich(tmp_path / "订单.xlsx")  # A1:K1 and M3:P4 merged
    assert cli("flags", str(path), "--inplace").exit_code in (0, 1)
    book = openpyxl.load_workbook(path)
    orders = book["订单"]
    header_row = 2
    column = next(c.column for c in orders[header_row] if c.value == "规范备注")
    assert column == 17  # Q: after the merge M3:P4
    chase = book["催付催单"]
    assert chase.freeze_panes == "A2" and chase.auto_filter.ref
    widths = {k: v.width for k, v in chase.column_dimensions.items()}
    order_col = next(c.column_letter for c in chase[1] if c.value == "订单编号")
    assert widths[order_col] >= 19 + 1
    created = next(c for c in chase[2] if isinstance(c.value, dt.datetime))
    assert created.number_format == "yyyy-mm-dd hh:mm"


# ---- property: any workbook, any marks ---------------------------------------------------------------------

values = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
                   st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12), st.booleans())


@st.composite
def workbooks_and_edits(draw):
    rows = draw(st.lists(st.lists(values, min_size=1, max_size=6), min_size=1, max_size=8))
    marks = draw(st.lists(st.tuples(st.integers(1, 10), st.integers(0, 7), st.sampled_from([RED, YELLOW, None]),
                                    st.one_of(st.none(), st.text(max_size=20))), max_size=10))
    writes = draw(st.lists(st.tuples(st.integers(1, 10), st.integers(0, 7), st.text(max_size=10)), max_size=4))
    fills = draw(st.lists(st.tuples(st.integers(1, 10), st.integers(1, 8)), max_size=3))
    return rows, marks, writes, fills, draw(st.booleans())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(workbooks_and_edits())
def test_any_workbook_any_marks_parses_with_values_unchanged(tmp_path_factory, case):
    rows, marks, writes, fills, with_note = case
    folder = tmp_path_factory.mktemp("prop")
    path = folder / "p.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    ws = book.add_worksheet("表")
    styled = book.add_format({"bg_color": "#CCCCFF", "italic": True})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            fmt = styled if (r + c) % 3 == 0 else None
            ws.write_string(r, c, value, fmt) if isinstance(value, str) else ws.write(r, c, value, fmt)
    if with_note:
        ws.write_comment(0, 0, "用户的注释")
    book.close()
    before = _grid(path)
    edit = WorkbookEdit(marks=[CellMark("表", r, c, fill, note) for r, c, fill, note in marks],
                        writes=[CellWrite("表", r, c, text) for r, c, text in writes],
                        new_sheets=[NewSheet("结果", ["a"], [["=1+1"]])])
    edit.row_fills = [RowFill("表", r, "E2EFDA", width=w) for r, w in fills]
    for _ in range(2):
        apply_edit(path, edit, inplace=True, **quiet)
    with zipfile.ZipFile(path) as z:
        once = {n: z.read(n) for n in z.namelist()}
    apply_edit(path, edit, inplace=True, **quiet)
    with zipfile.ZipFile(path) as z:
        assert {n: z.read(n) for n in z.namelist()} == once  # running again changes nothing
    after = _grid(path)
    written = {(r - 1, c): text for r, c, text in writes}
    for r, row in enumerate(before):
        for c, value in enumerate(row):
            if (r, c) not in written:
                assert _at(after, r, c) == value
    for (r, c), text in written.items():
        last = [t for rr, cc, t in writes if (rr - 1, cc) == (r, c)][-1]
        assert _at(after, r, c) == re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", last)
    opened = openpyxl.load_workbook(path)
    assert opened["结果"]["A2"].value == "=1+1" and opened["结果"]["A2"].data_type == "s"


def _grid(path: Path) -> list[list[object]]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("表").to_python(skip_empty_area=False)


def _at(grid: list[list[object]], r: int, c: int) -> object:
    return grid[r][c] if r < len(grid) and c < len(grid[r]) else ""


def test_backups_to_keep_come_from_shop_toml(tmp_path, cli):
    _book(tmp_path / "订单.xlsx")
    (tmp_path / "shop.toml").write_text("[files]\nbackups = 1\n", encoding="utf-8")
    for _ in range(3):
        cli("validate", str(tmp_path), "--inplace")
    assert len(list((tmp_path / BACKUP_DIR).iterdir())) == 1
    (tmp_path / "shop.toml").write_text("[files]\nbackups = 0\n", encoding="utf-8")
    result = cli("validate", str(tmp_path), "--inplace")
    assert result.exit_code == 2 and "backups" in result.output
