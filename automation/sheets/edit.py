"""What a command wants changed in a workbook, independent of where the workbook lives.

Commands build a `WorkbookEdit`; a backend applies it: openpyxl for files (writers.py), xlwings for
a live Excel workbook, gspread for Google Sheets. Applying touches only the cells named here, so a
100k-row sheet with ten findings costs ten cell writes, and nothing else of the user's is changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Fills by severity (Excel's own "bad / neutral / good" palette, readable in WPS and Sheets).
SEVERITY_FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
FORMULA_TRIGGERS = ("=", "+", "-", "@")
NOTE_AUTHOR = "shopbook"
NOTE_SEPARATOR = "\n—— shopbook ——\n"  # our text after the user's own note; replaced on every run


@dataclass(frozen=True)
class CellMark:
    """Colour a cell and/or attach a note to it (1-based row, 0-based column, as Table gives them)."""

    sheet: str
    row: int
    column: int
    fill: str | None = None  # RRGGBB
    note: str | None = None


@dataclass(frozen=True)
class CellWrite:
    """Write a value into a cell. Text starting with = + - @ is always written as text, never a formula."""

    sheet: str
    row: int
    column: int
    value: object


@dataclass(frozen=True)
class RowFill:
    """Colour a whole used row of a sheet (e.g. an order row by its flag colour)."""

    sheet: str
    row: int
    fill: str
    width: int | None = None  # columns from A to colour (the table's width); None: the row's used cells


@dataclass
class NewSheet:
    """A sheet shopbook owns (findings, derived lists): replaced whole on every run."""

    name: str
    header: list[str]
    rows: list[list[object]]
    links: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # (row_idx, col_idx) -> (sheet, "B12")
    widths: dict[int, float] = field(default_factory=dict)  # overrides; other columns fit their content
    fills: dict[int, str] = field(default_factory=dict)  # row_idx -> RRGGBB

    def column_widths(self) -> dict[int, float]:
        """Every column's width: the override, else from the header and values (CJK counts two, capped)."""
        from ..textwidth import fit_width

        count = max([len(self.header), *(len(r) for r in self.rows)] or [1])
        return {c: self.widths.get(c) or fit_width(self.header[c] if c < len(self.header) else "", self._distinct(c))
                for c in range(count)}

    def _distinct(self, column: int) -> list[object]:
        """The values of a column that can be its widest: each distinct value once (told apart by type:
        1 and Decimal 1 show differently), and of the one-line ASCII texts (ids) only the longest."""
        longest, others = "", set()
        try:
            for row in self.rows:
                value = row[column] if column < len(row) else None
                if value is None:
                    continue
                if type(value) is str and value.isascii() and value.isprintable():  # its width is its length
                    if len(value) > len(longest):
                        longest = value
                else:
                    others.add((type(value), value))
        except TypeError:  # an unhashable value: measure them all
            return [row[column] for row in self.rows if column < len(row)]
        return [longest, *(v for _, v in others)]


@dataclass
class WorkbookEdit:
    """Everything one job (`validate`, `flags`) wants in a workbook. A re-run of the same job first
    takes out what its previous run put there; another job's marks are left alone."""

    job: str = "validate"
    marks: list[CellMark] = field(default_factory=list)
    writes: list[CellWrite] = field(default_factory=list)
    row_fills: list[RowFill] = field(default_factory=list)
    new_sheets: list[NewSheet] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.marks or self.writes or self.row_fills or self.new_sheets)


def grouped_marks(marks: list[CellMark]) -> dict[tuple[str, int, int], list[CellMark]]:
    out: dict[tuple[str, int, int], list[CellMark]] = {}
    for mark in marks:
        out.setdefault((mark.sheet, mark.row, mark.column), []).append(mark)
    return out


def quote_sheet(name: str) -> str:
    """A sheet name as a formula/hyperlink reference: 'It''s'."""
    return "'" + name.replace("'", "''") + "'"
