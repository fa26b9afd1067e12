"""The live Excel edge (xlwings): read an open workbook and apply a `WorkbookEdit` to it in place.

Every call through xlwings is a COM (Windows) or AppleScript (macOS) round trip costing about a
millisecond, so this module works in bulk: one value read per sheet, one colour call per group of
cells sharing a colour (a multi-area range, each address string under Excel's 255-character
limit), one value write per contiguous run of cells. Only notes cost calls per cell: Excel has no
bulk note API.

macOS differs: xlwings 0.37.8's `_xlmac.Sheet.range` splits a string address at ":" and, for more
than one ":", keeps only the text before the first one — `A4:I4,A6:I7` becomes `A4`. There a
colour group is painted one call per multi-cell area, and only single cells (`A4,C7,…`, no ":")
share a call.

Text that Excel would read as something else — a formula (starting with = + - @), or a number or
date (an order id, `10-12`) — is written with a leading apostrophe, Excel's own "this is text"
prefix: it travels in the bulk 2-D write (a "@" number format would need an extra call per range)
and the apostrophe is not part of the cell's value.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from ..tables import column_letter
from .edit import FORMULA_TRIGGERS, SEVERITY_FILLS, NewSheet, WorkbookEdit
from .writers import NOTE_SEPARATOR, grouped_marks, quote_sheet

ADDRESS_LIMIT = 255  # Excel refuses a Range("A1,B5,…") address longer than this
NOTE_HEADER = "—— shopbook ——\n"  # starts a note shopbook wrote on a cell that had none
_EXCEL_TIME_EPOCH = dt.date(1899, 12, 30)  # Excel hands a time-only cell back on this date
# Text Excel would turn into a number, date, time, percentage or boolean when assigned as a value
_EXCEL_WOULD_PARSE = re.compile(r"^\s*(?:[\d.,:/%()¥$€eE+\-\s年月日时分秒]+|true|false)\s*$", re.IGNORECASE)


class XlwingsSource:
    """A `SheetSource` over an open `xlwings.Book`: one bulk read per sheet, values as calamine gives them."""

    def __init__(self, book):
        self.book = book
        self.name = book.name
        self._sheets = {sheet.name: sheet for sheet in book.sheets}

    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    def grid(self, sheet: str) -> list[list[object]]:
        used = self._sheets[sheet].used_range
        top, left = used.row, used.column
        values = used.options(ndim=2).value or []
        pad = [""] * (left - 1)
        rows: list[list[object]] = [[] for _ in range(top - 1)]
        rows += [pad + [calamine_value(v) for v in row] for row in values]
        while rows and not any(c not in (None, "") for c in rows[-1]):
            rows.pop()  # an empty used range is A1 holding None
        return rows


def calamine_value(value: object) -> object:
    """xlwings' cell value -> the value python-calamine gives for the same cell in a saved file."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.date() == _EXCEL_TIME_EPOCH:
            return value.time()
        if value.time() == dt.time(0):
            return value.date()
    return value


def excel_value(value: object) -> object:
    """A Python value -> what to hand xlwings: text stays text, Decimal becomes a number.

    Excel parses text assigned through COM as if typed: `=…` becomes a formula, an order id becomes a
    number that loses digits past the 15th, `10-12` becomes a date. The apostrophe prevents all three."""
    if isinstance(value, str) and (value.startswith(FORMULA_TRIGGERS) or _EXCEL_WOULD_PARSE.match(value)):
        return "'" + value
    if isinstance(value, Decimal):
        return float(value)
    return value


def hyperlink_formula(sheet: str, ref: str, text: object) -> str:
    """An in-workbook link as a formula, so links travel in the same bulk write as the values."""
    label = "" if text is None else str(text).replace('"', '""')
    return f'=HYPERLINK("#{quote_sheet(sheet)}!{ref}","{label}")'


def rgb(hex_colour: str) -> tuple[int, int, int]:
    hex_colour = hex_colour.lstrip("#")[-6:]
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)


def cell_areas(cells: Iterable[tuple[int, int]]) -> list[str]:
    """(row, 0-based column) cells -> addresses, vertical runs merged: B2:B5, D7."""
    areas = []
    by_column: dict[int, list[int]] = {}
    for row, column in cells:
        by_column.setdefault(column, []).append(row)
    for column, rows in sorted(by_column.items()):
        letters = column_letter(column)
        for first, last in _runs(sorted(set(rows))):
            areas.append(f"{letters}{first}" if first == last else f"{letters}{first}:{letters}{last}")
    return areas


def _runs(numbers: list[int]) -> Iterator[tuple[int, int]]:
    start = previous = numbers[0]
    for n in numbers[1:]:
        if n != previous + 1:
            yield start, previous
            start = n
        previous = n
    yield start, previous


def on_macos(app) -> bool:
    """Whether `app` is Excel for Mac (xlwings' `_xlmac` engine); without an engine, this machine's OS."""
    impl = getattr(app, "impl", None)
    if impl is not None:
        return type(impl).__module__.endswith("_xlmac")
    return sys.platform == "darwin"


def paint_addresses(areas: list[str], macos: bool, limit: int = ADDRESS_LIMIT) -> Iterator[str]:
    """The addresses to colour `areas` with: multi-area chunks, or on macOS what `_xlmac` keeps intact."""
    if not macos:
        yield from address_chunks(areas, limit)
        return
    yield from (area for area in areas if ":" in area)
    yield from address_chunks([area for area in areas if ":" not in area], limit)


def address_chunks(areas: list[str], limit: int = ADDRESS_LIMIT) -> Iterator[str]:
    """Join areas with commas into address strings no longer than Excel accepts."""
    chunk = ""
    for area in areas:
        if chunk and len(chunk) + 1 + len(area) > limit:
            yield chunk
            chunk = ""
        chunk = f"{chunk},{area}" if chunk else area
    if chunk:
        yield chunk


@contextmanager
def quiet(app):
    """Screen updating and automatic calculation off while we write; restored whatever happens."""
    screen, calculation = app.screen_updating, app.calculation
    app.screen_updating = False
    app.calculation = "manual"
    try:
        yield
    finally:
        app.calculation = calculation
        app.screen_updating = screen


def apply_edit_live(book, edit: WorkbookEdit, *, clear_previous: bool = False) -> None:
    """Apply `edit` to the open workbook with as few xlwings calls as the edit allows.

    `clear_previous` first removes the notes (and their fills) an earlier run left, so a check run
    after fixing things shows only what is still wrong."""
    if edit.is_empty() and not clear_previous:
        return
    with quiet(book.app):
        sheets = {sheet.name: sheet for sheet in book.sheets}
        if clear_previous:
            replaced = {new.name for new in edit.new_sheets}
            for name, sheet in sheets.items():
                if name not in replaced:
                    clear_previous_marks(sheet)
        _writes(sheets, edit)
        _row_fills(sheets, edit)
        _marks(sheets, edit)
        for new in edit.new_sheets:
            _new_sheet(book, new)


def _sheet(sheets: dict, name: str):
    from ..errors import UserError

    if name not in sheets:
        raise UserError("err.no_sheet", path="", sheet=name, sheets="、".join(sheets))
    return sheets[name]


def _writes(sheets: dict, edit: WorkbookEdit) -> None:
    """One call per vertical run of written cells (a new column of 规范备注 is one call)."""
    by_column: dict[tuple[str, int], dict[int, object]] = {}
    for write in edit.writes:
        by_column.setdefault((write.sheet, write.column), {})[write.row] = write.value
    for (sheet_name, column), values in by_column.items():
        sheet = _sheet(sheets, sheet_name)
        for first, last in _runs(sorted(values)):
            sheet.range((first, column + 1)).options(ndim=2).value = [[excel_value(values[r])] for r in range(first, last + 1)]


def _paint(sheet, areas_by_colour: dict[str | None, list[str]]) -> None:
    """One colour call per colour and address chunk (a multi-area range), never one per cell.

    A `None` colour clears the fill."""
    macos = on_macos(sheet.book.app)
    for colour, areas in areas_by_colour.items():
        for address in paint_addresses(areas, macos):
            sheet.range(address).color = rgb(colour) if colour else None


def _row_areas(rows: Iterable[int], last_letter: str) -> list[str]:
    return [f"A{a}:{last_letter}{b}" for a, b in _runs(sorted(set(rows)))]


def _row_fills(sheets: dict, edit: WorkbookEdit) -> None:
    by_sheet: dict[str, dict[str, list[int]]] = {}
    for fill in edit.row_fills:
        by_sheet.setdefault(fill.sheet, {}).setdefault(fill.fill, []).append(fill.row)
    for sheet_name, rows_by_colour in by_sheet.items():
        sheet = _sheet(sheets, sheet_name)
        last = column_letter(values_width(sheet) - 1)
        _paint(sheet, {colour: _row_areas(rows, last) for colour, rows in rows_by_colour.items()})


def values_width(sheet) -> int:
    """The last column holding a value (1-based), read in one call.

    Not `used_range`'s width: Excel's UsedRange counts formatted cells too (a fill colour, a border on
    column Z), and a row fill must stop at the table's last column."""
    used = sheet.used_range
    values = used.options(ndim=2).value or []
    filled = [max((c for c, v in enumerate(row) if v not in (None, "")), default=-1) for row in values]
    return used.column + max([0, *filled])


def _marks(sheets: dict, edit: WorkbookEdit) -> None:
    fills: dict[str, dict[str, list[tuple[int, int]]]] = {}
    notes: list[tuple[str, int, int, str]] = []
    for (sheet_name, row, column), marks in grouped_marks(edit.marks).items():
        colour = next((m.fill for m in marks if m.fill), None)
        if colour:
            fills.setdefault(sheet_name, {}).setdefault(colour, []).append((row, column))
        texts = [m.note for m in marks if m.note]
        if texts:
            notes.append((sheet_name, row, column, "\n".join(dict.fromkeys(texts))))
    for sheet_name, cells_by_colour in fills.items():
        _paint(_sheet(sheets, sheet_name), {colour: cell_areas(cells) for colour, cells in cells_by_colour.items()})
    for sheet_name, row, column, text in notes:
        _note(_sheet(sheets, sheet_name).range((row, column + 1)), text)


def clear_previous_marks(sheet) -> None:
    """Drop shopbook's notes (our part of a user's note) and the severity fill of their cells."""
    if not hasattr(sheet, "notes"):  # xlwings < 0.37.5 cannot list notes: earlier marks stay
        return
    ours = {rgb(colour) for colour in SEVERITY_FILLS.values()}
    cells = []
    for note in sheet.notes:
        text = note.text or ""
        if not (text.startswith(NOTE_HEADER) or NOTE_SEPARATOR in text):
            continue
        cell = note.location
        if text.startswith(NOTE_HEADER):
            note.delete()
        else:
            note.text = text.split(NOTE_SEPARATOR)[0]
        if cell.color in ours:
            cells.append((cell.row, cell.column - 1))
    if cells:
        _paint(sheet, {None: cell_areas(cells)})


def _note(cell, text: str) -> None:
    """Our note on the cell; the user's own note stays above ours, a previous run's text is replaced."""
    existing = cell.note
    if existing is None:
        if hasattr(cell, "add_note"):
            cell.add_note(NOTE_HEADER + text)
        else:  # xlwings < 0.37.5 on Windows: Excel's own COM call
            cell.api.AddComment(NOTE_HEADER + text)
        return
    current = existing.text or ""
    if current.startswith(NOTE_HEADER):
        existing.text = NOTE_HEADER + text
    else:
        existing.text = current.split(NOTE_SEPARATOR)[0] + NOTE_SEPARATOR + text


def _new_sheet(book, new: NewSheet) -> None:
    """Replaced whole: delete, add at the end, one bulk write of header + rows (links as HYPERLINK formulas)."""
    names = [sheet.name for sheet in book.sheets]
    if new.name in names:
        book.sheets[new.name].delete()
        names.remove(new.name)
    sheet = book.sheets.add(new.name, after=book.sheets[len(names) - 1]) if names else book.sheets.add(new.name)
    body = [[excel_value(v) for v in row] for row in new.rows]
    for (r, c), (target, ref) in new.links.items():  # once over the links: a link per row is common (订单归属)
        if r < len(new.rows) and c < len(new.rows[r]):
            body[r][c] = hyperlink_formula(target, ref, new.rows[r][c])
    rows = [[excel_value(v) for v in new.header], *body]
    width = max(len(r) for r in rows) or 1
    rows = [r + [None] * (width - len(r)) for r in rows]
    sheet.range("A1").options(ndim=2).value = rows
    sheet.range((1, 1), (1, width)).font.bold = True
    rows_by_colour: dict[str, list[int]] = {}
    for r, colour in new.fills.items():
        rows_by_colour.setdefault(colour, []).append(r + 2)
    last = column_letter(width - 1)
    _paint(sheet, {colour: _row_areas(rows, last) for colour, rows in rows_by_colour.items()})
    for c, w in new.column_widths().items():
        sheet.range((1, c + 1)).column_width = w


__all__ = ["XlwingsSource", "apply_edit_live", "calamine_value", "excel_value", "cell_areas", "address_chunks", "on_macos"]
