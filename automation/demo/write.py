"""Write the demo's sheets into workbooks with XlsxWriter (fast); ids, phones and waybills as text."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sys
import threading
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Callable

import xlsxwriter

from ..headers import match_headers
from ..schema import schema
from ..xlsxout import new_workbook
from .model import Formula, Order, Sheet
from .world import order_cells

TEXT_TYPES = ("id", "waybill", "phone", "text")
# What `meanwhile` costs, in cells written: importing the demo's jobs (polars, pydantic, matplotlib…)
# takes about as long as writing 145k cells (measured in the demo run on a busy machine: at 125k this
# process's share between fork and join was 2.1 s of CPU, the child's 1.6–2.0 s), so this process
# leaves about that many more to the child.
MEANWHILE_CELLS = 145_000
WIDTHS = {"id": 22, "waybill": 18, "phone": 14, "datetime": 19, "date": 11, "money": 10, "decimal": 10, "int": 8}


def column_types(sheet: Sheet) -> list[str]:
    """The schema type of each header (text for the team's own columns)."""
    kind = schema(sheet.kind)
    match = match_headers(sheet.headers, kind)
    types = ["text"] * len(sheet.headers)
    for field_name, index in match.fields.items():
        types[index] = kind.column(field_name).type
    return types


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
    _write_rows(ws, fmt, sheet, types, header_index + 1)
    start = header_index + 1 + len(sheet.rows)
    for i, line in enumerate(sheet.footer):
        for c, value in enumerate(line):
            _write_cell(ws, fmt, start + i, c, value, "text", "")


def _write_rows(ws, fmt: _Formats, sheet: Sheet, types: list[str], first: int) -> None:
    """The data rows: the same calls `_write_cell` makes, with each column's formats chosen once and
    the three common value types (text, money, date-time: ~80 % of ~200k cells) dispatched by exact
    type; every other value goes through `_write_cell`."""
    headers = sheet.headers
    text_formats = [fmt.text if kind in TEXT_TYPES[:3] else fmt.plain for kind in types]
    money_formats = [fmt.percent if header == "转化率" else fmt.money for header in headers]
    time_formats = [fmt.datetime if kind != "date" else fmt.date for kind in types]
    write_string, write_number, write_datetime = ws.write_string, ws.write_number, ws.write_datetime
    for r, row in enumerate(sheet.rows, start=first):
        cells = order_cells(row) if isinstance(row, Order) else row
        for c, header in enumerate(headers):
            value = cells.get(header)
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                if value:
                    write_string(r, c, value, text_formats[c])
            elif kind is Decimal:
                write_number(r, c, float(value), money_formats[c])
            elif kind is dt.datetime:
                write_datetime(r, c, value, time_formats[c])
            else:
                _write_cell(ws, fmt, r, c, value, types[c], header)


def write_workbooks(root: Path, sheets: list[Sheet], parallel: bool = True,
                    meanwhile: Callable[[], object] | None = None) -> list[Path]:
    """One workbook per file, its sheets in the given order. Returns the paths written.

    Where a process can be forked (Linux), a child writes part of the workbooks (the largest first)
    while this process writes the rest and then runs `meanwhile` (the demo imports what its jobs
    need): XlsxWriter is pure Python, so a second core shortens the wait. The bytes do not depend on
    who writes a file; if the child fails, its files are written here (and its error raised here)."""
    by_file: dict[str, list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        by_file[sheet.file].append(sheet)
    if not (parallel and len(by_file) > 1 and _can_fork()):
        _write_books(root, by_file)
        return [root / file for file in by_file]
    mine, theirs = _split(by_file, head_start=MEANWHILE_CELLS if meanwhile else 0)
    for stream in (sys.stdout, sys.stderr):  # the child must not print what this process buffered
        stream.flush()
    child = multiprocessing.get_context("fork").Process(target=_write_books, args=(root, theirs), daemon=True)
    try:
        child.start()
    except OSError:  # no process to be had (limits, memory): one process writes them all
        _write_books(root, by_file)
        return [root / file for file in by_file]
    _write_books(root, mine)
    if meanwhile is not None:
        try:
            meanwhile()
        except Exception:  # only a head start: whatever failed fails again where it is needed
            pass
    child.join()
    if child.exitcode != 0:
        _write_books(root, theirs)
    return [root / file for file in by_file]


def _can_fork() -> bool:
    """fork without exec is safe here on Linux (one thread: nothing started a thread pool yet);
    macOS discourages it and Windows has none, so they write in one process."""
    return sys.platform == "linux" and threading.active_count() == 1


def _split(by_file: dict[str, list[Sheet]], head_start: int) -> tuple[dict[str, list[Sheet]], dict[str, list[Sheet]]]:
    """(this process's files, the child's): about the same work each, counted in cells, this
    process starting `head_start` cells behind; the largest file is placed first."""
    groups: tuple[dict, dict] = ({}, {})
    cells = [head_start, 0]
    size = {file: sum(len(s.rows) * len(s.headers) for s in members) for file, members in by_file.items()}
    for file in sorted(by_file, key=lambda f: -size[f]):
        lighter = cells.index(min(cells))
        groups[lighter][file] = by_file[file]
        cells[lighter] += size[file]
    return groups


def _write_books(root: Path, by_file: dict[str, list[Sheet]]) -> None:
    for file, members in by_file.items():
        path = root / file
        path.parent.mkdir(parents=True, exist_ok=True)
        book = new_workbook(path)
        book.set_properties({"title": members[0].name, "author": "shopbook demo", "created": dt.datetime(2026, 11, 1, 9, 0)})
        fmt = _Formats(book)
        for sheet in members:
            _write_sheet(book, fmt, sheet)
        book.close()
