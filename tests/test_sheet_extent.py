"""The sheet-extent scan (automation/sheets/xlsxscan.py) that guards calamine's allocation counts the
columns a sheet really has: a 1M-row shipment log in A:I is 9M cells, not 26M (it was refused)."""

from __future__ import annotations

import re
import threading

import pytest
import xlsxwriter

from automation.errors import UserError
from automation.sheets import source
from automation.sheets.source import open_source
from tests.sheet_builders import (bare_formula_cells, number_after_spans, rewrite_sheet_xml, with_prefixed_sheet,
                                  without_references)


def _sheet(path, cells):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("发货登记")
    for (row, col), value in cells.items():
        ws.write(row, col, value)
    book.close()
    return path


def _grid(rows, cols):
    return {(r, c): f"v{r}-{c}" for r in range(rows) for c in range(cols)}


@pytest.mark.parametrize(("cells", "corner", "width"), [
    (_grid(50, 9), "I50", 9),                            # A:I
    ({**_grid(5, 3), (2, 16): "stray"}, "Q5", 17),      # one stray cell far right
    ({**_grid(4, 2), (3, 27): "wide"}, "AB4", 28),      # a two-letter column
    (_grid(3, 26), "Z3", 26),
])
def test_the_scan_finds_the_farthest_column(tmp_path, cells, corner, width):
    sheet = open_source(_sheet(tmp_path / "发货.xlsx", cells))
    scan = sheet.scan("发货登记")
    assert (scan.far_corner, scan.max_col) == (corner, width)


def test_the_size_guard_counts_real_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_CELLS", 200)
    fits = open_source(_sheet(tmp_path / "fits.xlsx", _grid(20, 9)))  # 180 cells (26 columns would be 520)
    assert len(fits.grid("发货登记")) == 20
    big = open_source(_sheet(tmp_path / "big.xlsx", _grid(30, 9)))  # 270 cells
    with pytest.raises(UserError) as refused:
        big.grid("发货登记")
    assert refused.value.key == "err.too_large" and "I30" in str(refused.value)


@pytest.mark.parametrize(("cells", "corner"), [
    ({**_grid(600, 3), (450, 7): "stray"}, "H600"),      # the widest column only in a later chunk
    ({**_grid(600, 2), (3, 4): "early", (590, 6): "late"}, "G600"),
    (_grid(600, 4), "D600"),
])
def test_the_scan_over_many_chunks(tmp_path, monkeypatch, cells, corner):
    from automation.sheets import xlsxscan

    monkeypatch.setattr(xlsxscan, "CHUNK", 4096)  # dozens of chunks, most with 64+ row tags
    scan = open_source(_sheet(tmp_path / "发货.xlsx", cells)).scan("发货登记")
    assert scan.far_corner == corner


def _oracle(path):
    """The extent, error cells, formulas without a value and merges, from a full XML parse."""
    import re
    import zipfile
    from xml.etree import ElementTree

    from automation.sheets.xlsxpatch.sheetstream import column_index

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as book:
        root = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    refs, errors, uncached = [], {}, set()
    for cell in root.iter(f"{ns}c"):
        letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", cell.get("r")).groups()
        at = (int(digits) - 1, column_index(letters.encode()))
        refs.append(at)
        value = cell.find(f"{ns}v")
        if cell.get("t") == "e":
            errors[at] = value.text
        elif cell.find(f"{ns}f") is not None and (value is None or not value.text):
            uncached.add(at)
    rows = [int(r.get("r")) for r in root.iter(f"{ns}row")]
    return (max(rows, default=0), max((c + 1 for _, c in refs), default=0), errors, uncached,
            root.find(f"{ns}mergeCells") is not None)


@pytest.mark.parametrize("prefix", [False, True])
@pytest.mark.parametrize("chunk", [1000, 4096, 1 << 22])
def test_the_scan_in_chunks_finds_what_a_full_parse_finds(tmp_path, monkeypatch, chunk, prefix):
    """Error cells, formulas saved without a value, wide and stray cells, a merge: found in any
    chunking, as a full parse of the sheet XML finds them, in a sheet whose tags carry a namespace
    prefix too (`<x:row>`, `<x:f>`: some writers save them so; the scan once missed their rows, error
    cells and formulas, and calamine reads those cells as empty)."""
    import openpyxl

    from automation.sheets import xlsxscan

    monkeypatch.setattr(xlsxscan, "CHUNK", chunk)
    errors = xlsxwriter.Workbook(str(tmp_path / "errors.xlsx"))
    ws = errors.add_worksheet("发货登记")
    for r in range(400):
        ws.write_row(r, 0, [f"v{r}", r * 1.5, "中通快递 ×" * (r % 3)])
        if r % 37 == 5:
            ws.write_formula(r, 3 + r % 4, "=#REF!", None, "#REF!")
    ws.write(311, 30, "stray AE312")
    ws.merge_range(399, 0, 399, 1, "合并")
    errors.close()
    book = openpyxl.Workbook()
    sheet = book.active
    for r in range(1, 300):
        sheet.append([f"v{r}", "=1+2" if r % 41 == 0 else r, "文本"])
    sheet.cell(250, 22, "=A1")
    book.save(tmp_path / "formulas.xlsx")
    for name in ("errors.xlsx", "formulas.xlsx"):
        path = with_prefixed_sheet(tmp_path / name) if prefix else tmp_path / name
        source_ = open_source(path)
        scan = source_.scan(source_.sheet_names()[0])
        assert (scan.max_row, scan.max_col, scan.errors, scan.uncached, scan.merged) == _oracle(path)
        assert scan.errors or scan.uncached


def test_the_extent_first_then_the_cells_gives_the_one_pass_scan(tmp_path, monkeypatch):
    """`extent` (the size guard's pass, before calamine) then `scan` (the cells pass, which runs
    while calamine or fastexcel parses) add up to what one pass finds; a small sheet is inflated
    once (the extent pass keeps its XML for the cells pass), a sheet to stream is scanned in one pass."""
    errors = xlsxwriter.Workbook(str(tmp_path / "errors.xlsx"))
    ws = errors.add_worksheet("发货登记")
    for r in range(200):
        ws.write_row(r, 0, [f"v{r}", r * 1.5])
    ws.write_formula(150, 2, "=#REF!", None, "#REF!")
    ws.write(120, 28, "AC121")
    ws.merge_range(199, 0, 199, 1, "合并")
    errors.close()
    inflated = []
    scan_sheet = source.scan_sheet
    monkeypatch.setattr(source, "scan_sheet", lambda *a, **k: inflated.append(a[1]) or scan_sheet(*a, **k))
    one_pass = open_source(tmp_path / "errors.xlsx").scan("发货登记")
    assert one_pass.errors == {(150, 2): "#REF!"} and one_pass.merges == [(199, 0, 199, 1)]
    inflated.clear()
    small = open_source(tmp_path / "errors.xlsx")
    extent = small.extent("发货登记")
    assert (extent.far_corner, extent.errors, extent.merged) == ("AC200", {}, False)  # the cells pass has not run
    assert small.scan("发货登记") == one_pass and len(inflated) == 1  # from the kept XML: one inflate in all
    assert small.extent("发货登记") is small.scan("发货登记")
    monkeypatch.setattr(source, "SPLIT_SCAN_MAX_BYTES", 0)  # as for a sheet to stream: one pass too
    streamed = open_source(tmp_path / "errors.xlsx")
    assert streamed.extent("发货登记") is streamed.scan("发货登记")
    monkeypatch.setattr(source, "SPLIT_SCAN_MAX_BYTES", 1 << 40)
    monkeypatch.setattr(source, "SPLIT_SCAN_BYTES", 0)  # as for a big sheet the Arrow read takes
    split = open_source(tmp_path / "errors.xlsx")
    extent = split.extent("发货登记")
    assert (extent.far_corner, extent.errors, extent.merged) == ("AC200", {}, False)  # the cells pass has not run
    whole = open_source(tmp_path / "errors.xlsx").scan("发货登记")
    assert split.scan("发货登记") == whole and whole.errors == {(150, 2): "#REF!"} and whole.merged
    assert split.extent("发货登记") is split.scan("发货登记")


def test_a_failure_of_the_scan_beside_fastexcel_is_the_callers(tmp_path, monkeypatch):
    """The cells pass runs in a thread while fastexcel parses; what it raises reaches the caller."""
    from automation.courier import arrow
    from automation.tables import find_kinds, open_for_reading

    book = xlsxwriter.Workbook(str(tmp_path / "发货.xlsx"))
    ws = book.add_worksheet("发货登记")
    ws.write_row(0, 0, ["发货日期", "订单编号", "快递公司", "快递单号"])
    ws.write_row(1, 0, ["2026-10-01", "O1", "中通", "77310000000001"])
    book.close()
    sheet, _ = open_for_reading(tmp_path / "发货.xlsx")
    found = find_kinds(sheet, "shipments")[0]

    scanned_in = []

    def broken(name):
        scanned_in.append(threading.current_thread().name)
        raise UserError("err.corrupt_sheet", path=tmp_path / "发货.xlsx", sheet=name, detail="bad CRC")

    monkeypatch.setattr(source, "SPLIT_SCAN_BYTES", 0)  # the extent alone first, the cells pass in the thread
    sheet.extent("发货登记")
    monkeypatch.setattr(sheet, "scan", broken)
    with pytest.raises(UserError) as failed:
        arrow.sheet_cells(sheet, found)
    assert failed.value.key == "err.corrupt_sheet" and scanned_in == ["shopbook-scan"]  # it failed beside fastexcel


def test_the_cells_pass_runs_beside_calamines_grid_read_and_its_failure_is_the_callers(tmp_path, monkeypatch):
    """A small sheet's cells pass runs in a thread while calamine parses (without the GIL), over the
    XML the extent pass kept; `scan` gives its result, or raises what it raised, in the caller's thread."""
    path = _sheet(tmp_path / "errors.xlsx", {(0, 0): "订单编号", (1, 0): "O1", (2, 3): "x"})
    grid_source = open_source(path)
    ran_in = []
    scan_pieces = source.scan_pieces

    def watched(*args, **kwargs):
        ran_in.append(threading.current_thread().name)
        return scan_pieces(*args, **kwargs)

    monkeypatch.setattr(source, "scan_pieces", watched)
    assert grid_source.grid("发货登记")[2] == ["", "", "", "x"]
    assert grid_source.scan("发货登记") == open_source(path).scan("发货登记") and ran_in == ["shopbook-scan"]

    def broken(*args, **kwargs):
        raise UserError("err.corrupt_sheet", path=path, sheet="发货登记", detail="bad XML")

    monkeypatch.setattr(source, "scan_pieces", broken)
    failing = open_source(path)
    failing.grid("发货登记")
    with pytest.raises(UserError) as failed:
        failing.scan("发货登记")
    assert failed.value.key == "err.corrupt_sheet"


def _dense_sheet_with_formulas(path):
    """Every cell of A1:F300 filled (so a cell's place is also its count in the row), with error
    cells and formulas saved without a value among them."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("发货登记")
    for r in range(300):
        for c in range(6):
            if r % 41 == 7 and c == 3:
                ws.write_formula(r, c, "=#REF!", None, "#REF!")
            elif r % 53 == 11 and c == 5:
                ws.write_formula(r, c, "=1+1", None, "")
            else:
                ws.write(r, c, f"v{r}-{c}")
    book.close()
    return path


@pytest.mark.parametrize("edit", [without_references, number_after_spans, bare_formula_cells])
@pytest.mark.parametrize("prefix", [False, True])
@pytest.mark.parametrize("chunk", [2048, 1 << 22])
def test_a_sheet_whose_rows_or_cells_have_no_reference_is_scanned_by_a_parse(tmp_path, monkeypatch, edit, prefix, chunk):
    """`r` is optional on rows and cells (some writers leave it out, or write a row's number after its
    other attributes): the patterns cannot place such cells, so a parse does, as calamine places them,
    and calamine's grid reads the sheet (`exact` False). Without it the extent was 0 rows and the
    error cells and formulas without a value went unreported (or a bare <c> took its neighbour's place)."""
    from automation.sheets import xlsxscan

    monkeypatch.setattr(xlsxscan, "CHUNK", chunk)
    plain = open_source(_dense_sheet_with_formulas(tmp_path / "plain.xlsx")).scan("发货登记")
    assert plain.exact and len(plain.errors) == 8 and len(plain.uncached) == 6
    path = rewrite_sheet_xml(_dense_sheet_with_formulas(tmp_path / "odd.xlsx"), edit)
    if prefix:
        with_prefixed_sheet(path)
    source_ = open_source(path)
    scan = source_.scan("发货登记")
    assert (scan.max_row, scan.max_col, scan.errors, scan.uncached) == (300, 6, plain.errors, plain.uncached)
    assert not scan.exact
    assert source_.grid("发货登记")[7][3] == "" and source_.grid("发货登记")[8][3] == "v8-3"  # calamine's places


def _odd(tmp_path, edit):
    """The dense sheet of formulas with `edit` applied to its XML, and the plain sheet's scan."""
    plain = open_source(_dense_sheet_with_formulas(tmp_path / "plain.xlsx")).scan("发货登记")
    return open_source(rewrite_sheet_xml(_dense_sheet_with_formulas(tmp_path / "odd.xlsx"), edit)), plain


@pytest.mark.parametrize("edit", [
    lambda xml: xml.replace(b'<c r="D8"', b'<c\tr="D8"'),  # a tab after the tag name: not the previous cell's
    lambda xml: re.sub(rb' r="([A-Z]+)(\d+)"', lambda m: b' r="' + m.group(1).lower() + m.group(2) + b'"', xml),
    lambda xml: without_references(xml).replace(b' xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"', b""),
    lambda xml: without_references(xml) + "<!-- 导出工具 -->\n".encode() + b"<extra/>",  # after the root: calamine ignores it
], ids=["tab in the start tag", "lower-case references", "no namespace", "junk after the sheet"])
def test_cells_the_patterns_cannot_read_are_placed_as_calamine_places_them(tmp_path, edit):
    source_, plain = _odd(tmp_path, edit)
    scan = source_.scan("发货登记")
    assert (scan.max_row, scan.max_col, scan.errors, scan.uncached) == (300, 6, plain.errors, plain.uncached)
    assert not scan.exact
    grid = source_.grid("发货登记")
    assert grid[7][3] == "" and grid[8][3] == "v8-3"  # calamine's places: the #REF! of D8 is empty there


@pytest.mark.parametrize("edit", [
    lambda xml: without_references(xml).replace(b'<row spans="1:6"><c', b'<row r="1x" spans="1:6"><c', 1),
    lambda xml: without_references(xml).replace(b'<c t="s"', b'<c r="A" t="s"', 1),
])
def test_malformed_numbers_and_references_do_not_stop_the_scan(tmp_path, edit):
    """A row number or cell reference that is not one (`r="1x"`, `r="A"`): placed as the one after
    the previous, as the head parse does, never a traceback."""
    source_, plain = _odd(tmp_path, edit)
    scan = source_.scan("发货登记")
    assert scan.max_row == 300 and scan.errors == plain.errors


def test_sheet_xml_that_breaks_off_is_the_damaged_sheet_message(tmp_path):
    source_, _ = _odd(tmp_path, lambda xml: without_references(xml).replace(b"</row>", b"</rwo>", 1))
    with pytest.raises(UserError) as refused:
        source_.scan("发货登记")
    assert refused.value.key == "err.corrupt_sheet" and "发货登记" in str(refused.value)
