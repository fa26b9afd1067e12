"""Write the demo's sheets into workbooks with XlsxWriter (fast); ids, phones and waybills as text."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from ..headers import match_headers
from ..schema import schema
from ..xlsxout import new_workbook
from .model import Formula, Order, Sheet
from .world import order_cells

TEXT_TYPES = ("id", "waybill", "phone", "text")
WIDTHS = {"id": 22, "waybill": 18, "phone": 14, "datetime": 19, "date": 11, "money": 10, "decimal": 10, "int": 8}


def column_types(sheet: Sheet) -> list[str]:
    """The schema type of each header (text for the team's own columns)."""
    kind = schema(sheet.kind)
    match = match_headers(sheet.headers, kind)
    types = ["text"] * len(sheet.headers)
    for field_name, index in match.fields.items():
        types[index] = kind.column(field_name).type
    return types


def row_values(sheet: Sheet, row: object) -> list[object]:
    cells = order_cells(row) if isinstance(row, Order) else row
    return [cells.get(h) for h in sheet.headers]


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.text = book.add_format({"num_format": "@"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.money = book.add_format({"num_format": "0.00"})
        self.percent = book.add_format({"num_format": "0.00%"})
        self.plain = None


def _write_cell(ws, fmt: _Formats, r: int, c: int, value: object, kind: str, header: str) -> None:
    if value is None or value == "":
        return
    if isinstance(value, Formula):
        ws.write_formula(r, c, value.text, None, value.cached)
    elif isinstance(value, bool):
        ws.write_string(r, c, "是" if value else "否")
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value, fmt.datetime if kind != "date" else fmt.date)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt.date)
    elif isinstance(value, Decimal):
        ws.write_number(r, c, float(value), fmt.percent if header == "转化率" else fmt.money)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value)  # a planted number in a text column is written as Excel would have it
    else:
        ws.write_string(r, c, str(value), fmt.text if kind in TEXT_TYPES[:3] else fmt.plain)


def _write_sheet(book: xlsxwriter.Workbook, fmt: _Formats, sheet: Sheet) -> None:
    ws = book.add_worksheet(sheet.name)
    types = column_types(sheet)
    for r, line in enumerate(sheet.title):
        for c, value in enumerate(line):
            _write_cell(ws, fmt, r, c, value, "text", "")
        if line and r == 0:
            ws.set_row(0, 22, fmt.title)
    header_index = sheet.header_row - 1
    ws.write_row(header_index, 0, sheet.headers, fmt.header)
    for c, kind in enumerate(types):
        ws.set_column(c, c, max(WIDTHS.get(kind, 10), len(sheet.headers[c]) * 2 + 2), fmt.text if kind in TEXT_TYPES[:3] else None)
    ws.freeze_panes(header_index + 1, 0)
    for i, row in enumerate(sheet.rows):
        r = header_index + 1 + i
        for c, value in enumerate(row_values(sheet, row)):
            _write_cell(ws, fmt, r, c, value, types[c], sheet.headers[c])
    start = header_index + 1 + len(sheet.rows)
    for i, line in enumerate(sheet.footer):
        for c, value in enumerate(line):
            _write_cell(ws, fmt, start + i, c, value, "text", "")


def write_workbooks(root: Path, sheets: list[Sheet]) -> list[Path]:
    """One workbook per file, its sheets in the given order. Returns the paths written."""
    by_file: dict[str, list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        by_file[sheet.file].append(sheet)
    written = []
    for file, members in by_file.items():
        path = root / file
        path.parent.mkdir(parents=True, exist_ok=True)
        book = new_workbook(path)
        book.set_properties({"title": members[0].name, "author": "shopbook demo", "created": dt.datetime(2026, 11, 1, 9, 0)})
        fmt = _Formats(book)
        for sheet in members:
            _write_sheet(book, fmt, sheet)
        book.close()
        written.append(path)
    return written
