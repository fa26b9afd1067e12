"""A test double for the parts of xlwings' API shopbook uses, recording every call.

Stands in for: `xlwings.App` (screen_updating, calculation, alert, books), `xlwings.Book`
(name, fullname, sheets, app, `Book.caller()`), `Sheets` (iterate, index by name or position, add
with after=), `Sheet` (name, used_range, range(...), delete()), `Range` (row, column, shape,
options(ndim=2).value get/set, color, note / add_note, font.bold, column_width), `Sheet.notes`
and `Note` (text, location, delete). Test code reads a sheet's notes as `sheet.notes_by_cell`, and
`sheet.history` lists every value written to a cell in order (a status cell's successive texts).

Each of those calls is a COM round trip in real Excel; the double appends one entry per call to
`app.calls` as `(operation, sheet, address)`, so a test can assert "one call per colour group, not
per cell".

Two platforms, as xlwings 0.37.8 drives them (`App(platform=...)`, default `DEFAULT_PLATFORM`):
- "windows" (`_xlwindows`): `sheet.range("A4:I4,A6:I7")` is COM's `Range(address)`, every area kept;
- "macos" (`_xlmac`): `Sheet.range` splits a string at ":" — one ":" is rejoined, none passes
  through, more than one keeps only the text before the first ":" (`A4:I4,A6:I7` -> `A4`), exactly
  as `xlwings/_xlmac.py` does. `app.impl`'s class lives in a module named like the engine's.

Emulated Excel behaviour (what shopbook must cope with): a string assigned to a cell that Excel
would parse as a number or boolean becomes a number/boolean, a string starting with "=" becomes a
formula, and a leading apostrophe makes the rest plain text (the apostrophe is not part of the
value). `used_range` is Excel's UsedRange: the bounding box of cells holding a value *or a format*
(fill colour, bold) — A1 on an empty sheet. Reading a
formula cell gives its result only for `=HYPERLINK("…","label")` (the label); other formulas read
as None. Dates come back as `datetime.datetime` (time-only cells on 1899-12-30), as xlwings gives.

Not emulated: formatting other than fill colour and bold, number formats, merged cells, threaded
comments, events, recalculation, Excel's 255-character address limit is only *checked* (an
over-long multi-area address raises, as Excel does).
"""

from __future__ import annotations

import datetime as dt
import re

_CELL = re.compile(r"^\$?([A-Z]+)\$?(\d+)$")
PLATFORMS = ("windows", "macos")
DEFAULT_PLATFORM = "windows"  # tests run the live code in both (see tests/test_live_excel.py)


class _Engine:
    """Stands in for xlwings' engine App (`app.impl`): its module names the platform, as in xlwings."""


class _MacEngine(_Engine):
    pass


class _WindowsEngine(_Engine):
    pass


_MacEngine.__module__ = "xlwings._xlmac"
_WindowsEngine.__module__ = "xlwings._xlwindows"


def mac_address(address: str) -> str:
    """What xlwings 0.37.8's `_xlmac.Sheet.range(address)` hands Excel for a string address."""
    parts = address.split(":")
    if len(parts) == 2:
        return f"{parts[0]}:{parts[1]}"
    return parts[0]


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def parse_area(text: str) -> tuple[int, int, int, int]:
    """'B2:C5' -> (2, 2, 5, 3): first row, first column, last row, last column (1-based)."""
    parts = text.strip().upper().split(":")
    cells = []
    for part in parts:
        hit = _CELL.match(part)
        if not hit:
            raise ValueError(f"bad address {text!r}")
        cells.append((int(hit.group(2)), _col_index(hit.group(1))))
    (r1, c1), (r2, c2) = cells[0], cells[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def excel_store(value: object) -> tuple[object, str | None]:
    """What Excel keeps when a Python value is assigned through COM: (value, formula)."""
    if isinstance(value, str):
        if value.startswith("'"):
            return value[1:], None
        if value.startswith("="):
            return None, value
        if re.fullmatch(r"\s*\d{4}[-/]\d{1,2}[-/]\d{1,2}\s*", value):
            y, m, d = map(int, re.split(r"[-/]", value.strip()))
            return dt.datetime(y, m, d), None
        if value.strip().upper() in ("TRUE", "FALSE"):
            return value.strip().upper() == "TRUE", None
        try:
            return float(value.replace(",", "")), None
        except ValueError:
            return value, None
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value), None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day), None
    if isinstance(value, dt.time):
        return dt.datetime.combine(dt.date(1899, 12, 30), value), None
    return value, None


_HYPERLINK = re.compile(r'^=HYPERLINK\("(?P<target>(?:[^"]|"")*)"\s*,\s*"(?P<label>(?:[^"]|"")*)"\)$', re.I)


class App:
    def __init__(self, platform: str | None = None):
        self.platform = platform or DEFAULT_PLATFORM
        if self.platform not in PLATFORMS:
            raise ValueError(self.platform)
        self.impl = _MacEngine() if self.platform == "macos" else _WindowsEngine()
        self.calls: list[tuple] = []
        self._screen_updating = True
        self._calculation = "automatic"
        self.alerts: list[dict] = []
        self.books = Books(self)

    def record(self, *entry) -> None:
        self.calls.append(entry)

    @property
    def screen_updating(self) -> bool:
        self.record("get screen_updating", None, None)
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self.record("set screen_updating", None, value)
        self._screen_updating = value

    @property
    def calculation(self) -> str:
        self.record("get calculation", None, None)
        return self._calculation

    @calculation.setter
    def calculation(self, value: str) -> None:
        if value not in ("automatic", "manual", "semiautomatic"):
            raise ValueError(value)
        self.record("set calculation", None, value)
        self._calculation = value

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback=None) -> str:
        self.record("alert", None, title)
        self.alerts.append({"prompt": prompt, "title": title, "mode": mode})
        return "ok"

    def count(self, operation: str) -> int:
        return sum(1 for call in self.calls if call[0] == operation)


class Books:
    """`app.books`: the open workbooks; `open(path)` gives an open one or a book registered as a file."""

    def __init__(self, app: App):
        self.app = app
        self._open: list[Book] = []
        self.files: dict[str, Book] = {}  # test set-up: what open(path) finds on "disk"

    def __iter__(self):
        self.app.record("books", None, None)
        return iter(list(self._open))

    def append(self, book: Book) -> None:
        self._open.append(book)

    def open(self, fullname: str) -> Book:
        self.app.record("open book", None, fullname)
        for book in self._open:
            if book.fullname == fullname:
                return book
        if fullname not in self.files:
            raise FileNotFoundError(fullname)
        book = self.files.pop(fullname)
        self._open.append(book)
        return book


class Book:
    _caller: Book | None = None

    def __init__(self, name: str = "订单.xlsx", fullname: str | None = None, app: App | None = None,
                 opened: bool = True):
        self.app = app or App()
        if opened:
            self.app.books.append(self)
        self.name = name
        self.fullname = fullname or name
        self.sheets = Sheets(self)

    @classmethod
    def caller(cls) -> Book:
        if cls._caller is None:
            raise RuntimeError("Book.caller() must be called from Excel (RunPython)")
        return cls._caller

    def set_mock_caller(self) -> None:
        Book._caller = self


class Sheets:
    def __init__(self, book: Book):
        self.book = book
        self._items: list[Sheet] = []

    def __iter__(self):
        self.book.app.record("sheets", None, None)
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, key: int | str) -> Sheet:
        self.book.app.record("sheet", key, None)
        if isinstance(key, int):
            return self._items[key]
        for sheet in self._items:
            if sheet.name.lower() == key.lower():
                return sheet
        raise KeyError(key)

    def add(self, name: str | None = None, before: Sheet | None = None, after: Sheet | None = None) -> Sheet:
        self.book.app.record("add sheet", name, None)
        name = name or f"Sheet{len(self._items) + 1}"
        if any(s.name.lower() == name.lower() for s in self._items):
            raise ValueError(f"sheet {name!r} exists")  # Excel refuses a duplicate name
        sheet = Sheet(self.book, name)
        if after is not None:
            self._items.insert(self._items.index(after) + 1, sheet)
        elif before is not None:
            self._items.insert(self._items.index(before), sheet)
        else:
            self._items.insert(0, sheet)  # Excel adds before the active sheet; the first here
        return sheet

    def names(self) -> list[str]:
        return [s.name for s in self._items]


class Sheet:
    def __init__(self, book: Book, name: str):
        self.book = book
        self.name = name
        self.cells: dict[tuple[int, int], object] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        self.colors: dict[tuple[int, int], tuple[int, int, int]] = {}
        self.notes_by_cell: dict[tuple[int, int], str] = {}
        self.bold: set[tuple[int, int]] = set()
        self.widths: dict[int, float] = {}
        self.history: list[tuple[tuple[int, int], object]] = []  # every value written, in order (status cells)

    # --- test set-up helpers (not xlwings API, not recorded) ---
    def fill_rows(self, rows: list[list[object]], top: int = 1, left: int = 1) -> None:
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None and value != "":
                    self.cells[(top + r, left + c)] = value

    def value_at(self, address: str) -> object:
        r, c, _, _ = parse_area(address)
        return self._read(r, c)

    # --- xlwings API ---
    @property
    def used_range(self) -> Range:
        self.book.app.record("used_range", self.name, None)
        keys = [k for k, v in self.cells.items() if v not in (None, "")] + list(self.formulas)
        keys += list(self.colors) + list(self.bold)  # Excel's UsedRange counts formatted cells
        if not keys:
            return Range(self, [(1, 1, 1, 1)], record=False)
        rows = [k[0] for k in keys]
        cols = [k[1] for k in keys]
        return Range(self, [(min(rows), min(cols), max(rows), max(cols))], record=False)

    def range(self, cell1, cell2=None) -> Range:
        if isinstance(cell1, tuple):
            r1, c1 = cell1
            r2, c2 = cell2 if cell2 is not None else cell1
            areas = [(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))]
        else:
            if self.book.app.platform == "macos" and cell2 is None:
                cell1 = mac_address(cell1)
            if len(cell1) > 255:
                raise ValueError("Range address longer than 255 characters (Excel refuses it)")
            areas = [parse_area(part) for part in cell1.split(",")]
        return Range(self, areas)

    def __getitem__(self, address: str) -> Range:
        return self.range(address)

    @property
    def notes(self) -> list[Note]:
        """`sheet.notes` (xlwings >= 0.37.5): iterate the sheet's notes."""
        self.book.app.record("notes", self.name, None)
        return [Note(self, key) for key in sorted(self.notes_by_cell)]

    def delete(self) -> None:
        self.book.app.record("delete sheet", self.name, None)
        self.book.sheets._items.remove(self)

    def _read(self, r: int, c: int) -> object:
        if (r, c) in self.formulas:
            hit = _HYPERLINK.match(self.formulas[(r, c)])
            return hit.group("label").replace('""', '"') if hit else None
        value = self.cells.get((r, c))
        return None if value == "" else value


class Note:
    def __init__(self, sheet: Sheet, key: tuple[int, int]):
        self.sheet, self.key = sheet, key

    @property
    def text(self) -> str:
        self.sheet.book.app.record("get note.text", self.sheet.name, self.key)
        return self.sheet.notes_by_cell[self.key]

    @text.setter
    def text(self, value: str) -> None:
        self.sheet.book.app.record("set note.text", self.sheet.name, self.key)
        self.sheet.notes_by_cell[self.key] = value

    @property
    def location(self) -> Range:
        self.sheet.book.app.record("note.location", self.sheet.name, self.key)
        r, c = self.key
        return Range(self.sheet, [(r, c, r, c)], record=False)

    def delete(self) -> None:
        self.sheet.book.app.record("delete note", self.sheet.name, self.key)
        del self.sheet.notes_by_cell[self.key]


class _Font:
    def __init__(self, rng: Range):
        self.rng = rng

    @property
    def bold(self) -> bool:
        return all(k in self.rng.sheet.bold for k in self.rng.keys())

    @bold.setter
    def bold(self, value: bool) -> None:
        self.rng._record("set font.bold")
        for key in self.rng.keys():
            (self.rng.sheet.bold.add if value else self.rng.sheet.bold.discard)(key)


class Range:
    def __init__(self, sheet: Sheet, areas: list[tuple[int, int, int, int]], record: bool = True):
        self.sheet = sheet
        self.areas = areas
        self._options: dict = {}
        if record:
            self._record("range")

    def _record(self, operation: str) -> None:
        self.sheet.book.app.record(operation, self.sheet.name, self.address)

    @property
    def address(self) -> str:
        parts = []
        for r1, c1, r2, c2 in self.areas:
            first = f"{_letters(c1)}{r1}"
            parts.append(first if (r1, c1) == (r2, c2) else f"{first}:{_letters(c2)}{r2}")
        return ",".join(parts)

    def keys(self):
        for r1, c1, r2, c2 in self.areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield (r, c)

    @property
    def row(self) -> int:
        return self.areas[0][0]

    @property
    def column(self) -> int:
        return self.areas[0][1]

    @property
    def shape(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self.areas[0]
        return r2 - r1 + 1, c2 - c1 + 1

    def options(self, **options) -> Range:
        self._options = options
        return self

    @property
    def value(self):
        self._record("get value")
        r1, c1, r2, c2 = self.areas[0]
        grid = [[self.sheet._read(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if self._options.get("ndim") == 2:
            return grid
        if len(grid) == 1 and len(grid[0]) == 1:
            return grid[0][0]
        return grid[0] if len(grid) == 1 else grid

    @value.setter
    def value(self, data) -> None:
        self._record("set value")
        if len(self.areas) != 1:
            raise ValueError("values can only be set on a single area")
        r1, c1 = self.areas[0][:2]
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else [data if isinstance(data, list) else [data]]
        for dr, row in enumerate(rows):
            for dc, raw in enumerate(row):
                key = (r1 + dr, c1 + dc)
                value, formula = excel_store(raw)
                self.sheet.history.append((key, raw))
                self.sheet.formulas.pop(key, None)
                self.sheet.cells.pop(key, None)
                if formula is not None:
                    self.sheet.formulas[key] = formula
                elif value is not None:
                    self.sheet.cells[key] = value

    @property
    def color(self):
        self._record("get color")
        return self.sheet.colors.get(next(self.keys()))

    @color.setter
    def color(self, value) -> None:
        self._record("set color")
        if isinstance(value, str):
            value = tuple(int(value.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
        for key in self.keys():
            if value is None:
                self.sheet.colors.pop(key, None)
            else:
                self.sheet.colors[key] = tuple(value)

    @property
    def note(self) -> Note | None:
        self._record("get note")
        key = next(self.keys())
        return Note(self.sheet, key) if key in self.sheet.notes_by_cell else None

    def add_note(self, text: str) -> Note:
        self._record("add note")
        key = next(self.keys())
        if self.shape != (1, 1) or len(self.areas) != 1:
            raise ValueError("A note can only be added to a single cell")
        if key in self.sheet.notes_by_cell:
            raise ValueError("This cell already has a note")
        self.sheet.notes_by_cell[key] = text
        return Note(self.sheet, key)

    @property
    def font(self) -> _Font:
        return _Font(self)

    @property
    def column_width(self) -> float:
        return self.sheet.widths.get(self.column, 8.43)

    @column_width.setter
    def column_width(self, value: float) -> None:
        self._record("set column_width")
        self.sheet.widths[self.column] = value


def xlwings_view(value: object) -> object:
    """A value as xlwings hands it back from Excel: numbers are floats, dates datetimes, blanks None."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, dt.time):
        return dt.datetime.combine(dt.date(1899, 12, 30), value)
    return None if value == "" else value


def book_from_xlsx(path, app: App | None = None, opened: bool = True) -> Book:
    """Test set-up: the book Excel would show after opening `path` (values only, as xlwings reads them)."""
    import openpyxl

    source = openpyxl.load_workbook(path, data_only=True)
    book = Book(name=str(path).replace("\\", "/").rsplit("/", 1)[-1], fullname=str(path), app=app, opened=opened)
    for ws in source.worksheets:
        sheet = Sheet(book, ws.title)
        book.sheets._items.append(sheet)
        for row in ws.iter_rows():
            for cell in row:
                value = xlwings_view(cell.value)
                if value is not None:
                    sheet.cells[(cell.row, cell.column)] = value
    return book
