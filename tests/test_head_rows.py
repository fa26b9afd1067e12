"""The first rows of an .xlsx sheet (`sheets.xlsxhead.head_rows`, what the header search reads) are
parsed in one call over the XML before the first row past the limit; they are exactly the rows the
streaming parse gives, on the workbooks of the lossless corpus and on sheet XML written by hand
(rows without numbers, gaps, prefixed names, rows in a comment, numbers as entities, long rows
past the first read, no rows), for any number of rows asked."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from automation.sheets import xlsxhead
from automation.sheets.xlsxhead import head_rows
from benchmarks.bench_validate import make_orders
from lossless_corpus import BUILDERS
from tests.sheet_builders import MAIN, prefixed, rewrite_sheet_xml



def _streamed(book, sheet, rows, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(xlsxhead, "_cells_at_once", lambda stream, rows: None)
        return head_rows(book, sheet, rows)


def _at_once_used(monkeypatch) -> list:
    used = []
    at_once = xlsxhead._cells_at_once

    def counted(stream, rows):
        used.append(found := at_once(stream, rows))
        return found

    monkeypatch.setattr(xlsxhead, "_cells_at_once", counted)
    return used


def _same_both_ways(path: Path, monkeypatch, counts=(1, 2, 5, 20, 100)) -> list:
    """Whether each worksheet's head was parsed at once (chart sheets, which have no rows, are streamed)."""
    used = _at_once_used(monkeypatch)
    at_once = []
    with zipfile.ZipFile(path) as book:
        for sheet, part in xlsxhead.sheet_parts(book).items():
            for rows in counts:
                assert head_rows(book, sheet, rows) == _streamed(book, sheet, rows, monkeypatch), (path.name, sheet, rows)
                if b"sheetData" in book.read(part):
                    at_once.append(used[-1] is not None)
    return at_once


def test_the_corpus_heads_are_the_streamed_ones(tmp_path, monkeypatch):
    make_orders(tmp_path / "订单.xlsx", 300)
    paths = [build(tmp_path / f"{name}.xlsx") for name, build in BUILDERS.items()] + [tmp_path / "订单.xlsx"]
    used = []
    for path in paths:
        used += _same_both_ways(path, monkeypatch)
    assert used and all(used)  # every worksheet's head parsed at once


def _with_sheet_xml(path: Path, xml: bytes) -> Path:
    """An xlsx whose first sheet's XML is `xml` (all else as XlsxWriter writes it)."""
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("表").write(0, 0, "x")
    book.close()
    return rewrite_sheet_xml(path, lambda _: xml)


def _sheet(rows: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN.decode()}" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<dimension ref="A1:C40"/><sheetData>{rows}</sheetData><pageMargins left="0.7"/></worksheet>').encode("utf-8")


def _row(n: int | None, cells: str) -> str:
    number = f' r="{n}"' if n is not None else ""
    return f'<row{number} spans="1:3">{cells}</row>'


def _inline(ref: str, text: str) -> str:
    at = f' r="{ref}"' if ref else ""
    return f'<c{at} t="inlineStr"><is><t>{text}</t></is></c>'


SHEETS = {
    "numbered": "".join(_row(n, _inline(f"A{n}", f"行{n}") + f'<c r="B{n}"><v>{n}</v></c>') for n in range(1, 41)),
    "unnumbered": "".join(_row(None, _inline("", f"行{n}") + f"<c><v>{n}</v></c>") for n in range(40)),
    "gaps": "".join(_row(n, _inline(f"A{n}", f"行{n}")) for n in (1, 2, 3, 7, 19, 20, 21, 25, 30)),
    "self-closing rows": '<row r="1"/>' + _row(2, _inline("A2", "订单编号")) + '<row r="3" spans="1:3"/>' + _row(4, _inline("B4", "a")),
    "a row in a comment": _row(1, _inline("A1", "订单编号")) + '<!-- <row r="40"> -->' + _row(2, _inline("A2", "x")) * 3,
    "numbers as entities": _row(1, _inline("A1", "a")) + '<row r="&#50;">' + _inline("A2", "b") + "</row>" + _row(3, _inline("A3", "c")),
    "long rows": "".join(_row(n, "".join(_inline(f"{chr(65 + k)}{n}", "长" * 400) for k in range(20))) for n in range(1, 30)),
    "text with brackets": "".join(_row(n, _inline(f"A{n}", "&lt;row r=&quot;99&quot;&gt; a&gt;b")) for n in range(1, 25)),
    "few rows": _row(1, _inline("A1", "订单编号")) + _row(2, _inline("A2", "5121")),
}


@pytest.mark.parametrize("name", sorted(SHEETS))
@pytest.mark.parametrize("prefix", ["", "x"])
def test_hand_written_sheet_xml_heads_are_the_streamed_ones(tmp_path, monkeypatch, name, prefix):
    xml = _sheet(SHEETS[name])
    path = _with_sheet_xml(tmp_path / "手写.xlsx", prefixed(xml) if prefix else xml)
    used = _same_both_ways(path, monkeypatch)
    with zipfile.ZipFile(path) as book:
        head = head_rows(book, "表", 20)
    assert head and any(any(row) for row in head)
    if name in ("a row in a comment", "numbers as entities"):
        assert not all(used)  # not guessed: the streaming parse read those
    else:
        assert all(used)


def test_a_sheet_without_rows_has_no_head(tmp_path, monkeypatch):
    path = _with_sheet_xml(tmp_path / "空.xlsx", _sheet("").replace(b"<sheetData></sheetData>", b"<sheetData/>"))
    assert all(_same_both_ways(path, monkeypatch))  # parsed at once, not left to the streaming parse
    with zipfile.ZipFile(path) as book:
        assert head_rows(book, "表", 20) == []
