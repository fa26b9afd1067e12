"""The first rows of an .xlsx sheet without reading the rest of it.

Finding which sheet holds which kind looks at the first 20 rows only (`headers.HEADER_SCAN_ROWS`),
but calamine (and fastexcel, which wraps it) parse the whole sheet before giving any row back: on a
100k-row order export that is the full two-second read. This streams the sheet's XML and stops at
the first row past the limit, then streams the shared strings only as far as the highest index
those rows use. Values are what calamine would give for text, numbers and booleans (empty cells
are ""); a date is left as its serial number: header matching only looks at text.
"""

from __future__ import annotations

import re
import zipfile
from posixpath import join, normpath
from xml.etree import ElementTree

from .xlsxscan import cell_column, row_index, sheet_parts

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SHARED_STRINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def head_rows(book: zipfile.ZipFile, sheet: str, rows: int) -> list[list[object]]:
    """Rows 1..`rows` of the sheet as a grid from A1 (row i of the list is sheet row i+1)."""
    part = sheet_parts(book).get(sheet)
    if part is None:
        return []
    with book.open(part) as stream:
        cells = _cells_at_once(stream, rows)
    if cells is None:  # not a prefix the one-call parse can take: the streaming parse decides
        cells = {}
        with book.open(part) as stream:
            _sheet_cells(stream, rows, cells)
    shared = _shared_strings(book, max((int(v) for t, v in cells.values() if t == "s" and _digits(v)), default=-1))
    height = max((r for r, _ in cells), default=-1) + 1
    width = max((c for _, c in cells), default=-1) + 1
    grid: list[list[object]] = [[""] * width for _ in range(height)]
    for (r, c), (kind, raw) in cells.items():
        grid[r][c] = _value(kind, raw, shared)
    return grid


def _digits(text: str | None) -> bool:
    return bool(text) and text.isdigit()


# The first rows in one C parse: the XML is read only until the first row past the limit starts (or
# the rows end), the part before it is closed and parsed whole, and its cells are taken as
# `_sheet_cells` takes them (a streaming parse in Python costs ~15 µs a cell, 5 ms for the usual 20
# rows). A prefix it cannot be sure of (row numbers that are not plain digits, a cut the parser
# refuses, no rows within HEAD_BYTES) goes to the streaming parse.
HEAD_BYTES = 4 << 20
_TAG = re.compile(rb"<(/?)((?:[\w.-]+:)?(row|sheetData|worksheet))\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"""(?:^|\s)r\s*=\s*(["'])(.*?)\1""", re.DOTALL)


def _cells_at_once(stream, rows: int) -> dict | None:
    """(row0, col0) -> (type, raw text) of rows 1..`rows`, or None for the streaming parse to decide."""
    buffer, at, row0 = b"", 0, -1
    names = {b"worksheet": b"worksheet", b"sheetData": b"sheetData"}  # their names as written (with a prefix)
    while True:
        chunk = stream.read(1 << 16)
        buffer += chunk
        for tag in _TAG.finditer(buffer, at):
            closing, name, local, attributes = tag.groups()
            at = tag.end()
            if local != b"row":
                names[local] = name
                if local == b"sheetData" and closing:  # the rows end before the limit
                    return _parsed_cells(buffer[:tag.start()] + b"</" + name + b">", names, rows, None)
                if local == b"sheetData" and attributes.endswith(b"/"):  # no rows at all
                    return _parsed_cells(buffer[:at], names, rows, None)
                continue
            if closing:
                continue
            number = _ROW_NUMBER.search(attributes)
            if number is not None and not (number.group(2).isdigit() and number.group(2).isascii()):
                return None  # an entity or odd digits: as ElementTree reads them, not guessed here
            row0 = int(number.group(2)) - 1 if number is not None else row0 + 1
            if row0 >= rows:  # the first row past the limit starts here: everything before is complete
                return _parsed_cells(buffer[:tag.start()] + b"</" + names[b"sheetData"] + b">", names, rows,
                                     number.group(2) if number is not None else b"")
        if not chunk or len(buffer) > HEAD_BYTES:
            return None


def _parsed_cells(prefix: bytes, names: dict, rows: int, cut_at: bytes | None) -> dict | None:
    """The cells of the prefix closed and parsed whole, taken as `_sheet_cells` takes them. `cut_at`:
    the row number written on the row the prefix stops before (b"": none), which must be past the
    limit as the parsed rows number it; None when the prefix ends with the rows."""
    try:
        root = ElementTree.fromstring(prefix + b"</" + names[b"worksheet"] + b">")
    except ElementTree.ParseError:
        return None
    cells: dict = {}
    row0 = col0 = -1
    for element in root.iter():  # document order: a row's start, then its cells, as the stream meets them
        tag = element.tag.rpartition("}")[2]
        if tag == "row":
            row0, col0 = _row0(element, row0), -1
            if row0 >= rows:
                return cells
        elif tag == "c":
            col0 = _take_cell(element, row0, col0, cells)
    if cut_at is not None and (int(cut_at) - 1 if cut_at else row0 + 1) < rows:
        return None  # the rows were not numbered as the cut assumed (a row in a comment): stream them
    return cells


def _sheet_cells(stream, rows: int, cells: dict) -> None:
    row0 = -1
    col0 = -1
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start":
            if tag == "row":
                row0, col0 = _row0(element, row0), -1
                if row0 >= rows:
                    return
            continue
        if tag == "c":
            col0 = _take_cell(element, row0, col0, cells)
            element.clear()
        elif tag == "row":
            element.clear()
        elif tag == "sheetData":
            return


def _row0(row, previous: int) -> int:
    """A row element's 0-based number (`xlsxscan.row_index`)."""
    return row_index(row.get("r"), previous)


def _take_cell(cell, row0: int, previous: int, cells: dict) -> int:
    """Put a c element's (type, raw text) into `cells`; its 0-based column."""
    col0 = cell_column(cell.get("r"), previous)
    raw = _cell_text(cell)
    if raw is not None:
        cells[(row0, col0)] = (cell.get("t", "n"), raw)
    return col0


def _cell_text(cell: ElementTree.Element) -> str | None:
    """The cached value of a cell (for inline strings their text); None when it holds nothing."""
    if cell.get("t") == "inlineStr":
        inline = cell.find(f"{_MAIN}is")
        return _rich_text(inline) if inline is not None else None
    value = cell.find(f"{_MAIN}v")
    return value.text if value is not None and value.text is not None else None


def _rich_text(element: ElementTree.Element) -> str:
    """A string item's text: every <t> run, phonetic guides (<rPh>) left out, as calamine does."""
    parts = []
    for child in element:
        name = child.tag.rpartition("}")[2]
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child.iter(f"{_MAIN}t"))
    return "".join(parts)


def _value(kind: str, raw: str, shared: list[str]) -> object:
    if kind == "s":
        index = int(raw) if raw.isdigit() else -1
        return shared[index] if 0 <= index < len(shared) else ""
    if kind in ("str", "inlineStr"):
        return raw
    if kind == "b":
        return raw.strip() == "1"
    if kind == "e":  # calamine reads an error cell as empty
        return ""
    if kind == "d":
        return raw
    try:
        return float(raw)
    except ValueError:
        return raw


def _shared_strings(book: zipfile.ZipFile, last: int) -> list[str]:
    """Shared strings 0..`last` (the rest of the table is not read)."""
    if last < 0:
        return []
    part = _shared_strings_part(book)
    if part is None:
        return []
    out: list[str] = []
    with book.open(part) as stream:
        for _event, element in ElementTree.iterparse(stream, events=("end",)):
            if element.tag.rpartition("}")[2] != "si":
                continue
            out.append(_rich_text(element))
            element.clear()
            if len(out) > last:
                break
    return out


def _shared_strings_part(book: zipfile.ZipFile) -> str | None:
    try:
        rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        rels = None
    for rel in rels.iter(f"{_REL}Relationship") if rels is not None else ():
        if rel.get("Type") == _SHARED_STRINGS:
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
            return part if part in book.namelist() else None
    return "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in book.namelist() else None
