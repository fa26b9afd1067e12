"""`sheets.rowstream` on the sheets staff really keep: error cells (#N/A from a VLOOKUP column, a
#REF!), formulas saved without a value and merged ranges (a merged title). python-calamine-plus's
stream gives an error cell's text where calamine's grid has "", a formula without a value as "" as
the grid does, and no merged ranges; the stream makes up for it from the sheet's scan, and the table
is still the one `tables.read_kind` gives (values, rows, problems, merges), in any chunk size; the
copies validate and flags write from it are the ones a whole read gives, byte for byte. A sheet
whose scan cannot place every error cell or read every merge as calamine does takes the whole read."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile

import openpyxl
import pytest
import python_calamine_plus
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation import sheetcache, tables
from automation.commands import flags
from automation.commands.validate import validate, write_annotations
from automation.sheets import rowstream
from automation.sheets.writers import apply_edit
from test_flags_fields import _parts
from test_rowstream import HEADERS, _both, _order, _same, _stream_at_any_size, reads  # noqa: F401 - fixtures
from tests.sheet_builders import SHEET1, number_after_spans, prefixed, rewrite_sheet_xml, with_prefixed_sheet

ROWS = 24
AMOUNT, OWN, COUNT = HEADERS.index("买家应付货款"), HEADERS.index("我们自己的备注"), HEADERS.index("宝贝总数量")


def _book(path, writer: str, errors=(), uncached=(), merges=(), title: str | None = None, texts=(), order=_order):
    """An order sheet of ROWS orders under the header (row 1, or row 2 under `title` in A1), with
    error cells {(row0, col0): "#N/A"} saved as a VLOOKUP with its cached error (XlsxWriter) or as
    the error value itself (openpyxl), formulas without a value at `uncached`, `merges` (row0, col0,
    row1, col1) and texts {(row0, col0): text}; each replaces the order's value in its cell. `order(i)`
    gives order i's cells."""
    top = 1 if title else 0
    cells = {(top + 1 + i, c): v for i in range(ROWS) for c, v in enumerate(order(i)) if v is not None}
    cells.update({(top, c): header for c, header in enumerate(HEADERS)})
    if title:
        cells[(0, 0)] = title
    for cell in (*dict(errors), *uncached, *dict(texts)):
        cells.pop(cell, None)
    if writer == "xlsxwriter":
        book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
        sheet = book.add_worksheet("订单")
        stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        for (r, c), value in cells.items():
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, stamp)
            else:
                sheet.write(r, c, value)
        for (r, c), text in dict(texts).items():
            sheet.write_string(r, c, text)
        for (r, c), error in dict(errors).items():
            sheet.write_formula(r, c, "=VLOOKUP(A1,运费!A:B,2,0)", None, error)
        for r, c in uncached:
            sheet.write_formula(r, c, "=1+1", None, "")  # XlsxWriter's formula without a value: <v></v>
        for r0, c0, r1, c1 in merges:
            sheet.merge_range(r0, c0, r1, c1, None)
        book.close()
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "订单"
        for (r, c), value in cells.items():
            sheet.cell(r + 1, c + 1, value)
        for (r, c), text in dict(texts).items():
            sheet.cell(r + 1, c + 1, text).data_type = "s"  # else openpyxl would save "#N/A" as an error value
        for (r, c), error in dict(errors).items():
            sheet.cell(r + 1, c + 1, error)  # an error value: openpyxl saves it as t="e"
        for r, c in uncached:
            sheet.cell(r + 1, c + 1, "=SUM(1,2)")  # openpyxl saves formulas without any value
        for r0, c0, r1, c1 in merges:
            sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        book.save(path)
    return path


def _streamed_cell(path, row0: int, col0: int):
    """What python-calamine-plus's stream itself gives for a cell."""
    book = python_calamine_plus.CalamineWorkbook.from_path(str(path))
    try:
        for r, row in enumerate(book.stream_sheet_by_name("订单")):
            if r == row0:
                return row[col0] if col0 < len(row) else ""
    finally:
        book.close()
    return None


@pytest.mark.parametrize("writer", ["xlsxwriter", "openpyxl"])
@pytest.mark.parametrize("chunk", [1, 4, 100])
def test_error_cells_read_as_the_grid_reads_them(tmp_path, reads, monkeypatch, writer, chunk):
    """In a mapped column (a problem, the value None), in the team's own column (no extra), in a row
    of nothing else (mapped: still a record with its problem; own column only: not a record), in the
    header row past the headers (no header), and a text that only looks like an error (#N/A typed
    in: the grid has it too, and it is a problem)."""
    monkeypatch.setattr(rowstream, "CHUNK_ROWS", chunk)
    errors = {(4, AMOUNT): "#N/A", (6, OWN): "#N/A", (9, 3): "#REF!", (0, len(HEADERS) + 1): "#N/A",
              (15, OWN): "#DIV/0!", (ROWS + 2, AMOUNT): "#N/A", (ROWS + 4, OWN): "#N/A"}
    path = _book(tmp_path / "订单.xlsx", writer, errors, texts={(2, 7): "#N/A"})
    assert _streamed_cell(path, 4, AMOUNT) == "#N/A"  # the stream gives the error's text, the grid ""
    streamed, usual = _both(path)
    assert reads["stream"] == 1 and reads["grid"] == 1  # the stream read it; the usual read is the comparison
    _same(streamed, usual)
    cells = {p.params["cell"]: p.params["value"] for p in streamed.problems if p.code == "read.cell_error"}
    assert cells == {"K5": "#N/A", "D10": "#REF!", f"K{ROWS + 3}": "#N/A", "H3": "#N/A"}
    assert [r.row for r in streamed.records][-1] == ROWS + 3  # the row of the own column's error alone is none
    assert not any("我们自己的备注" in r.extra for r in streamed.records if r.row in (7, 16))
    assert len(HEADERS) + 1 not in streamed.headers


@pytest.mark.parametrize("writer", ["xlsxwriter", "openpyxl"])
@pytest.mark.parametrize("chunk", [1, 5, 100])
def test_formulas_without_a_value_read_as_the_grid_reads_them(tmp_path, reads, monkeypatch, writer, chunk):
    """In a mapped column, in the team's own column, a row of nothing else in the middle, and the
    last row of nothing else (which neither the stream nor the grid gives)."""
    monkeypatch.setattr(rowstream, "CHUNK_ROWS", chunk)
    uncached = [(3, AMOUNT), (5, OWN), (7, COUNT), (ROWS + 2, AMOUNT), (ROWS + 4, OWN), (ROWS + 8, COUNT)]
    path = _book(tmp_path / "订单.xlsx", writer, uncached=uncached, texts={(ROWS + 6, 0): "以下为补单"})
    streamed, usual = _both(path)
    assert reads["stream"] == 1 and reads["grid"] == 1
    _same(streamed, usual)
    cells = {p.params["cell"] for p in streamed.problems if p.code == "read.uncached"}
    assert cells == {"K4", "J8", f"K{ROWS + 3}"}
    assert [r.row for r in streamed.records][-2:] == [ROWS + 3, ROWS + 7]  # the own column's formula alone: no order


MERGED = [(0, 0, 0, len(HEADERS) + 3), (5, 4, 8, 4), (10, OWN, 10, OWN + 1)]  # a title past the table, a status kept
# for four orders, two of the team's own cells


@pytest.mark.parametrize("writer", ["xlsxwriter", "openpyxl"])
def test_merged_ranges_are_calamines(tmp_path, reads, writer):
    path = _book(tmp_path / "订单.xlsx", writer, merges=MERGED, title="2026年10月 订单")
    streamed, usual = _both(path)
    assert reads["stream"] == 1 and reads["grid"] == 1
    _same(streamed, usual)
    assert streamed.merged == usual.merged and sorted(streamed.merged) == MERGED  # openpyxl saves them in its own order
    assert flags.canonical_column(streamed) == len(HEADERS) + 4  # flags' column: past the merged title


def test_merge_references_in_the_forms_calamine_reads(tmp_path, reads):
    """Lower-case letters, one cell, first and last corner swapped: calamine keeps each as written."""
    path = _book(tmp_path / "订单.xlsx", "xlsxwriter", merges=[(0, 0, 0, 3)], title="2026年10月 订单")
    rewrite_sheet_xml(path, lambda xml: xml.replace(b'<mergeCell ref="A1:D1"/>',
                                                 b'<mergeCell ref="a1:d1"/><mergeCell ref="P3" /><mergeCell ref="Q5:P4"/>'))
    streamed, usual = _both(path)
    assert reads["stream"] == 1
    _same(streamed, usual)
    assert streamed.merged == [(0, 0, 0, 3), (2, 15, 2, 15), (4, 16, 3, 15)]


@pytest.mark.parametrize("odd", ["reference after the type", "merge tag with an end tag"])
def test_a_sheet_the_scan_cannot_place_takes_the_whole_read(tmp_path, reads, odd):
    """An error cell whose reference follows its t="e" (the scan finds its value, not its address),
    a mergeCell the scan does not read as calamine does: the whole read, with its table."""
    path = _book(tmp_path / "订单.xlsx", "xlsxwriter", errors={(4, AMOUNT): "#N/A"}, merges=[(ROWS + 3, 0, ROWS + 3, 2)])
    if odd == "reference after the type":
        rewrite_sheet_xml(path, lambda xml: re.sub(rb'<c r="(K5)"( s="\d+")? t="e">', rb'<c t="e" r="\1"\2>', xml))
    else:
        rewrite_sheet_xml(path, lambda xml: xml.replace(b'"A28:C28"/>', b'"A28:C28"></mergeCell>'))
    streamed, usual = _both(path)
    assert reads["stream"] == 0 and reads["grid"] == 2
    _same(streamed, usual)
    assert streamed.merged == [(ROWS + 3, 0, ROWS + 3, 2)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data(), st.sampled_from(["xlsxwriter", "openpyxl"]), st.integers(1, 6))
def test_noted_cells_anywhere_in_any_chunk_size_read_the_usual_table(tmp_path_factory, monkeypatch, reads, data, writer,
                                                                    chunk):
    monkeypatch.setattr(rowstream, "CHUNK_ROWS", chunk)
    cell = st.tuples(st.integers(1, ROWS + 3), st.integers(0, len(HEADERS) + 1))
    errors = data.draw(st.dictionaries(cell, st.sampled_from(["#N/A", "#REF!", "#DIV/0!", "#VALUE!"]), max_size=8))
    uncached = data.draw(st.sets(cell, max_size=6)) - set(errors)
    spans = data.draw(st.lists(st.tuples(st.integers(1, ROWS), st.integers(0, len(HEADERS)), st.integers(0, 2)),
                               max_size=3, unique_by=lambda s: s[0]))
    merges = [(r, c, r, c + width) for r, c, width in spans if width and not any(
        x[0] == r and c <= x[1] <= c + width for x in (*errors, *uncached))]
    path = _book(tmp_path_factory.mktemp("orders") / "订单.xlsx", writer, errors, sorted(uncached), merges)
    streams = reads["stream"]
    streamed, usual = _both(path)
    assert reads["stream"] == streams + 1  # the stream read it, not a fallback
    _same(streamed, usual)


def _one_kind(i: int) -> list[object]:
    """Order i with one kind of cell per column (what the Arrow read takes): `_order`'s mixed cells made plain."""
    cells = _order(i)
    cells[HEADERS.index("发货时间")] = cells[HEADERS.index("订单付款时间")] + dt.timedelta(hours=2)
    cells[AMOUNT] = 99.5
    return cells


def _copies(path, folder, read: str, monkeypatch) -> tuple[list, dict, dict]:
    """validate's findings, and the parts of its annotated copy and of flags' copy of `path`, the
    order sheet read by `read`: "stream", "arrow" (fastexcel) or "grid" (calamine's)."""
    monkeypatch.setattr(rowstream, "STREAM_MIN_ROWS", 0 if read == "stream" else 10**9)
    monkeypatch.setattr(tables, "ARROW_MIN_ROWS", 10**9 if read == "grid" else 0)
    folder.mkdir()
    mine = shutil.copy(path, folder / path.name)
    sheetcache.forget_all()
    result = validate(mine)
    checked = write_annotations(result, on_notice=lambda message: None)[0]
    sheetcache.forget_all()
    orders, _, _, edit = flags.run(mine)
    flagged = apply_edit(orders.source, edit, suffix=".flags", on_notice=lambda message: None)
    return [(f.code, f.row, f.cell, f.message) for f in result.findings], _parts(checked), _parts(flagged)


@pytest.mark.parametrize("order", [_order, _one_kind])
def test_the_copies_written_from_a_streamed_or_arrow_read_sheet_are_the_grid_reads(tmp_path, reads, monkeypatch, order):
    """validate reads every field, flags its own (`fields=`); both copies are the grid read's, byte for byte."""
    path = _book(tmp_path / "订单.xlsx", "xlsxwriter", {(4, AMOUNT): "#N/A", (8, 8): "#REF!", (11, OWN): "#N/A"},
                 [(6, AMOUNT), (9, COUNT)], MERGED, title="2026年10月 订单", order=order)
    streamed = _copies(path, tmp_path / "streamed", "stream", monkeypatch)
    assert (reads["stream"], reads["grid"], reads["arrow"]) == (2, 0, 0)  # validate's read and flags' read, both streamed
    arrow_read = _copies(path, tmp_path / "arrow", "arrow", monkeypatch)
    assert (reads["grid"], reads["arrow"]) == ((0, 2) if order is _one_kind else (2, 0))  # a mixed head: the grid
    whole = _copies(path, tmp_path / "whole", "grid", monkeypatch)
    assert streamed == arrow_read == whole  # the same findings; every part of both copies, every byte
    assert {cell for _, _, cell, _ in whole[0]} >= {"K5", "I9"}  # the error cells are findings


def test_shared_formulas_without_a_value_read_as_the_grid_reads_them(tmp_path, reads):
    """A shared formula saved without a value: its first cell holds the text, the others `<f t="shared" si="0"/>`."""
    uncached = [(3, AMOUNT), (4, AMOUNT), (5, AMOUNT)]
    path = _book(tmp_path / "订单.xlsx", "xlsxwriter", uncached=uncached)
    shared = iter([b'<f t="shared" ref="K4:K6" si="0">1+1</f>', b'<f t="shared" si="0"/>', b'<f t="shared" si="0"/>'])
    rewrite_sheet_xml(path, lambda xml: re.sub(rb"<f>1\+1</f>", lambda _: next(shared), xml))
    with zipfile.ZipFile(path) as book:
        assert book.read(SHEET1).count(b'<f t="shared" si="0"/>') == 2
    streamed, usual = _both(path)
    assert reads["stream"] == 1
    _same(streamed, usual)
    assert {p.params["cell"] for p in streamed.problems if p.code == "read.uncached"} == {"K4", "K5", "K6"}


@pytest.fixture
def arrow_read(monkeypatch, reads):
    """The sheets here read by fastexcel's Arrow read (20k-300k rows in real life), not by the stream."""
    monkeypatch.setattr(rowstream, "STREAM_MIN_ROWS", 10**9)
    return reads


@pytest.mark.parametrize("writer", ["xlsxwriter", "openpyxl"])
def test_the_arrow_read_takes_error_cells_formulas_without_a_value_and_merges(tmp_path, arrow_read, writer):
    """fastexcel gives an error cell and a formula without a value as calamine's grid does (empty);
    the scan notes them and lists the merges, so such a sheet is not parsed by fastexcel, refused
    and read again by calamine's grid."""
    errors = {(4, AMOUNT): "#N/A", (6, OWN): "#N/A", (9, 3): "#REF!", (ROWS + 2, AMOUNT): "#N/A", (ROWS + 4, OWN): "#N/A"}
    uncached = [(3, 2), (5, OWN), (ROWS + 6, COUNT)]
    path = _book(tmp_path / "订单.xlsx", writer, errors, uncached, [(0, 0, 0, len(HEADERS) + 3), (10, OWN, 10, OWN + 1)],
                 title="2026年10月 订单", order=_one_kind)
    columnar, usual = _both(path)
    assert arrow_read["arrow"] == 1 and arrow_read["grid"] == 1 and arrow_read["stream"] == 0  # fastexcel's read, once
    _same(columnar, usual)
    assert {p.params["cell"] for p in columnar.problems if p.code == "read.cell_error"} >= {"K5", f"K{ROWS + 3}"}
    assert sorted(columnar.merged) == [(0, 0, 0, len(HEADERS) + 3), (10, OWN, 10, OWN + 1)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data(), st.sampled_from(["xlsxwriter", "openpyxl"]))
def test_noted_cells_anywhere_the_arrow_read_gives_the_usual_table(tmp_path_factory, arrow_read, data, writer):
    cell = st.tuples(st.integers(1, ROWS + 3), st.integers(0, len(HEADERS) + 1))
    errors = data.draw(st.dictionaries(cell, st.sampled_from(["#N/A", "#REF!", "#DIV/0!"]), max_size=8))
    uncached = data.draw(st.sets(cell, max_size=6)) - set(errors)
    path = _book(tmp_path_factory.mktemp("orders") / "订单.xlsx", writer, errors, sorted(uncached), [(ROWS + 5, 0, ROWS + 5, 2)],
                 order=_one_kind)
    loads = arrow_read["arrow"]
    columnar, usual = _both(path)
    _same(columnar, usual)
    if errors or uncached:  # else the sheet has only the merge
        assert arrow_read["arrow"] == loads + 1


@pytest.mark.parametrize("read", ["stream", "arrow", "grid"])
def test_a_sheet_whose_tags_carry_a_namespace_prefix_notes_its_cells(tmp_path, monkeypatch, reads, read):
    """`<x:worksheet xmlns:x=…>`, `<x:c>`, `<x:f>`: the error cells and formulas without a value are
    noted and the table is the usual read's, whichever read takes the sheet (the scan once missed
    such cells, and calamine reads them as empty: the run looked clean)."""
    monkeypatch.setattr(rowstream, "STREAM_MIN_ROWS", 0 if read == "stream" else 10**9)
    monkeypatch.setattr(tables, "ARROW_MIN_ROWS", 10**9 if read == "grid" else 0)
    path = _book(tmp_path / "订单.xlsx", "xlsxwriter", {(4, AMOUNT): "#N/A", (9, 3): "#REF!"}, [(6, COUNT)], order=_one_kind)
    with_prefixed_sheet(path)
    with zipfile.ZipFile(path) as book:
        assert b"<x:f>" in book.read(SHEET1)
    read_by, usual = _both(path)
    assert reads[read] == (2 if read == "grid" else 1)  # the usual read is the grid's too
    _same(read_by, usual)
    noted = {(p.code, p.params["cell"]) for p in read_by.problems if p.code in ("read.cell_error", "read.uncached")}
    assert noted == {("read.cell_error", "K5"), ("read.cell_error", "D10"), ("read.uncached", "J7")}


@pytest.mark.parametrize("prefix", [False, True])
def test_a_sheet_whose_rows_give_their_number_late_notes_its_cells_on_the_grid_read(tmp_path, monkeypatch, reads, prefix):
    """`<row spans="1:14" r="5">`: the scan's parse places the cells (its patterns look for `<row r=`
    first), and calamine's grid reads the sheet even where the stream or fastexcel would (their
    placing of such rows is not known to be calamine's)."""
    monkeypatch.setattr(rowstream, "STREAM_MIN_ROWS", 0)
    monkeypatch.setattr(tables, "ARROW_MIN_ROWS", 0)
    path = _book(tmp_path / "订单.xlsx", "xlsxwriter", {(4, AMOUNT): "#N/A", (9, 3): "#REF!"}, [(6, COUNT)], order=_one_kind)
    rewrite_sheet_xml(path, lambda xml: prefixed(number_after_spans(xml)) if prefix else number_after_spans(xml))
    read_by, usual = _both(path)
    assert reads["stream"] == 0 and reads["grid"] == 2  # (fastexcel's load runs beside the scan, then is refused)
    _same(read_by, usual)
    noted = {(p.code, p.params["cell"]) for p in read_by.problems if p.code in ("read.cell_error", "read.uncached")}
    assert noted == {("read.cell_error", "K5"), ("read.cell_error", "D10"), ("read.uncached", "J7")}
