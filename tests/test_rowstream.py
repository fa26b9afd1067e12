"""`sheets.rowstream`: a very big order sheet is read row by row (python-calamine-plus) and typed a
chunk at a time, and the table is the one the usual calamine read (`tables.read_kind`) gives. The
sheets here are small: the size threshold and the chunk size are made tiny, so that every sheet is
streamed and cut into many chunks (boundaries inside title rows, blank rows and gaps)."""

from __future__ import annotations

import collections
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
import python_calamine_plus
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation import tables
from automation.commands.validate import validate
from automation.courier import arrow
from automation.sheets import rowstream
from automation.sheets import source as sources
from automation.tables import Table, find_kinds, open_for_reading, read_as_columns, read_kind
from test_courier_arrow import _write, sheets
from test_read_columns import ORDER_HEADERS, holds_fields
from test_read_columns import _same as same_table

HEADERS = ["订单编号", "买家会员名", "收货地址", "联系手机", "订单状态", "订单付款时间", "发货时间", "物流公司", "物流单号",
           "宝贝总数量", "买家应付货款", "订单备注", "我们自己的备注", "买家会员名"]  # the second 买家会员名: a duplicate header


@pytest.fixture(autouse=True)
def _stream_at_any_size(monkeypatch):
    monkeypatch.setattr(tables, "ARROW_MIN_ROWS", 0)
    monkeypatch.setattr(rowstream, "STREAM_MIN_ROWS", 0)
    monkeypatch.setattr(rowstream, "CHUNK_ROWS", 3)


@pytest.fixture
def reads(monkeypatch):
    """How many times each kind of full read ran: the stream, calamine's grid, fastexcel's Arrow load."""
    counts: collections.Counter = collections.Counter()
    stream, grid, cells = rowstream._rows, sources.CalamineSource._read, arrow.load_cells

    def counted(name, fn):
        def run(*args, **kwargs):
            counts[name] += 1
            return fn(*args, **kwargs)
        return run

    monkeypatch.setattr(rowstream, "_rows", counted("stream", stream))
    monkeypatch.setattr(sources.CalamineSource, "_read", counted("grid", grid))
    monkeypatch.setattr(arrow, "load_cells", counted("arrow", cells))
    return counts


def _both(path) -> tuple[Table, Table]:
    """(validate's read, the usual read) of the file's order table, each from a fresh source."""
    source, _ = open_for_reading(path)
    columnar = read_as_columns(source, find_kinds(source, "orders")[0])
    source, _ = open_for_reading(path)
    return columnar, read_kind(source, find_kinds(source, "orders")[0])


def _same(a: Table, b: Table) -> None:
    same_table(a, b)
    # and the same kinds of value (1.0, not 1, as the grid has a whole number)
    assert [(r.row, repr(dict(r)), repr(r.extra)) for r in a.records] == [(r.row, repr(dict(r)), repr(r.extra)) for r in b.records]


def _order(i: int) -> list[object]:
    paid = dt.datetime(2025, 10, 8, 9, 30) + dt.timedelta(minutes=i)  # a past year: "10/9" is in it
    return [str(5121910154426000000 + i), f"tb_{i % 4}", "广东省 广州市 越秀区 先烈中路9号(510080)", f"138{i:08d}",
            "卖家已发货，等待买家确认", paid, "10/9" if i % 2 else paid, "中通", f"78{i:012d}", i % 3 + 1,
            "abc" if i == 7 else 99.5 if i % 2 else 99, f"第{i}单" if i % 5 == 0 else None, "自己的" if i % 4 == 1 else None,
            f"又一个{i}" if i == 3 else None]


def test_an_inline_string_sheet_streams_in_chunks_and_reads_the_same(tmp_path, reads):
    """XlsxWriter's constant-memory mode (inline strings, rows written in order); whole numbers are
    written as `1`, dates without a year take the sheet's, a bad amount and a duplicate header are
    problems, in the chunks after the first too."""
    path = tmp_path / "订单.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("订单")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, HEADERS)
    for i in range(40):
        for c, value in enumerate(_order(i)):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(i + 1, c, value, stamp)
            elif value is not None:
                sheet.write(i + 1, c, value)
    book.close()
    streamed, usual = _both(path)
    assert reads["stream"] == 1 and reads["arrow"] == 0
    _same(streamed, usual)
    assert len(streamed.records) == 40 and streamed.records[39].row == 41
    assert streamed.records[1]["shipped_at"].year == 2025 and streamed.records[0]["goods_amount"] == Decimal("99.00")
    assert streamed.records[5].extra == {"我们自己的备注": "自己的"}
    assert [p.code for p in streamed.problems].count("read.duplicate_header") == 1
    assert any(p.row == 9 and p.field == "goods_amount" for p in streamed.problems)  # row 9: the third chunk


def test_a_shared_strings_sheet_with_a_title_blank_rows_and_gaps_reads_the_same(tmp_path, reads):
    """openpyxl writes shared strings; a title above the header, blank rows (kept in the XML as empty
    cells) and a gap (no rows at all), sparse cells, a team's own column and a column mixing kinds."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "订单"
    sheet["B1"] = "2026年10月 订单"
    for c, header in enumerate(HEADERS, start=1):
        sheet.cell(3, c, header)
    row = 4
    for i in range(30):
        if i in (4, 5):
            sheet.cell(row, 3, "")  # a row whose only cell is empty text
        elif i == 11:
            row += 7  # a gap: rows that are not in the sheet XML
        else:
            for c, value in enumerate(_order(i), start=1):
                if value is not None and (c + i) % 6:
                    sheet.cell(row, c, value)
            sheet.cell(row, 10, "两件" if i == 13 else i)  # 宝贝总数量: numbers and a text
        row += 1
    path = tmp_path / "订单.xlsx"
    book.save(path)
    streamed, usual = _both(path)
    assert reads["stream"] == 1 and reads["arrow"] == 0
    _same(streamed, usual)
    assert streamed.header_row == 3 and len(streamed.records) == 27
    assert any(r.extra for r in streamed.records)


@pytest.mark.parametrize("broken", ["error", "uncached", "merged"])
def test_a_sheet_with_an_error_cell_a_formula_without_value_or_a_merge_is_streamed_to_the_usual_table(tmp_path, reads,
                                                                                                    broken):
    """The stream gives an error cell's text and no merges; the scan makes up for both, so such a
    sheet is streamed too, its cells the usual problems (tests/test_rowstream_noted.py has more)."""
    path = tmp_path / "订单.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("订单")
    sheet.write_row(0, 0, HEADERS)
    for i in range(12):
        sheet.write_row(i + 1, 0, [None if isinstance(v, dt.datetime) else v for v in _order(i)][:5])
    if broken == "error":
        sheet.write_formula(5, 10, "=#REF!", None, "#REF!")
    elif broken == "uncached":
        sheet.write_formula(5, 10, "=1+1", None, "")
    else:
        sheet.merge_range(14, 0, 14, 2, "合计")
    book.close()
    streamed, usual = _both(path)
    assert reads["stream"] == 1 and reads["grid"] == 1
    _same(streamed, usual)
    if broken == "error":
        assert any(p.code == "read.cell_error" for p in streamed.problems)
    elif broken == "merged":
        assert streamed.merged == [(14, 0, 14, 2)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data(), st.booleans(), st.integers(1, 7))
def test_streamed_in_any_chunk_size_the_table_is_the_usual_one(tmp_path_factory, monkeypatch, reads, data, lead_column,
                                                              chunk):
    monkeypatch.setattr(rowstream, "CHUNK_ROWS", chunk)
    top, body = data.draw(sheets(ORDER_HEADERS))
    path = _write(tmp_path_factory.mktemp("orders") / "订单.xlsx", "订单", ORDER_HEADERS, top, body, lead_column)
    streams = reads["stream"]
    streamed, usual = _both(path)
    assert reads["stream"] == streams + 1  # the stream read it, not a fallback
    _same(streamed, usual)


def _day(path):
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("订单")
    sheet.write_row(0, 0, HEADERS)
    for i in range(20):
        sheet.write_row(i + 1, 0, [None if isinstance(v, dt.datetime) else v for v in _order(i)][:9])
    book.close()
    return path


def test_below_the_threshold_the_sheet_is_not_streamed(tmp_path, reads, monkeypatch):
    monkeypatch.setattr(rowstream, "STREAM_MIN_ROWS", 22)  # the sheet's 21 rows
    streamed, usual = _both(_day(tmp_path / "订单.xlsx"))
    assert reads["stream"] == 0 and reads["arrow"] == 1
    _same(streamed, usual)


class _Breaks:
    """Stands in for a python-calamine-plus workbook whose stream fails after a few rows (a bug of the
    young fork, or a sheet it cannot parse): the rows of the real stream, then its own error."""

    def __init__(self, real, after: int):
        self._real, self._after = real, after

    def stream_sheet_by_name(self, name):
        for n, row in enumerate(self._real.stream_sheet_by_name(name)):
            if n == self._after:
                raise python_calamine_plus.XmlError("broken row")
            yield row

    def close(self):
        self._real.close()


@pytest.mark.parametrize("failure", ["import", "open", "midway", "panic"])
def test_when_the_library_fails_the_usual_read_gives_the_table(tmp_path, reads, monkeypatch, failure):
    path = _day(tmp_path / "订单.xlsx")
    opened = python_calamine_plus.CalamineWorkbook.from_path
    if failure == "import":
        monkeypatch.setitem(__import__("sys").modules, "python_calamine_plus", None)  # import raises ImportError
    elif failure == "open":
        def refuse(_path):
            raise python_calamine_plus.ZipError("cannot open")
        monkeypatch.setattr(python_calamine_plus.CalamineWorkbook, "from_path", refuse)
    else:
        after = 12 if failure == "midway" else 0
        monkeypatch.setattr(python_calamine_plus.CalamineWorkbook, "from_path", lambda p: _Breaks(opened(p), after))
        if failure == "panic":  # what pyo3 raises for a Rust panic derives from BaseException alone
            class Panic(BaseException):
                pass
            monkeypatch.setattr(python_calamine_plus, "XmlError", Panic)
    streamed, usual = _both(path)
    assert reads["stream"] == 1 and reads["arrow"] == 1  # tried, then the Arrow read the sheet would have had
    _same(streamed, usual)


def test_validate_reads_a_streamed_sheet_once_and_finds_the_same(tmp_path, reads, monkeypatch):
    path = _day(tmp_path / "订单.xlsx")
    streamed = validate(path)
    assert (reads["stream"], reads["grid"], reads["arrow"]) == (1, 0, 0)
    monkeypatch.setattr(rowstream, "STREAM_MIN_ROWS", 10**9)
    from automation import sheetcache
    sheetcache.forget_all()
    usual = validate(path)
    assert reads["arrow"] == 1
    assert [(f.code, f.row, f.cell, f.message) for f in streamed.findings] == [(f.code, f.row, f.cell, f.message) for f in usual.findings]
    assert streamed.findings


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data(), st.integers(1, 5))
def test_streamed_in_some_fields_the_table_holds_the_usual_values_and_problems_for_them(tmp_path_factory, monkeypatch,
                                                                                        reads, data, chunk):
    """`flags` asks for its fields alone (`read_as_columns(fields=…)`); a streamed sheet gives them too."""
    monkeypatch.setattr(rowstream, "CHUNK_ROWS", chunk)
    top, body = data.draw(sheets(ORDER_HEADERS))
    path = _write(tmp_path_factory.mktemp("orders") / "订单.xlsx", "订单", ORDER_HEADERS, top, body)
    source, _ = open_for_reading(path)
    found = find_kinds(source, "orders")[0]
    fields = data.draw(st.sets(st.sampled_from(sorted(found.match.fields))))
    streams = reads["stream"]
    some, full = read_as_columns(source, found, fields=fields), read_kind(source, found)
    assert reads["stream"] == streams + 1  # the stream read it, not a fallback
    holds_fields(some, full, fields)
