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


@dataclass
class NewSheet:
    """A sheet shopbook owns (findings, derived lists): replaced whole on every run."""

    name: str
    header: list[str]
    rows: list[list[object]]
    links: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # (row_idx, col_idx) -> (sheet, "B12")
    widths: dict[int, float] = field(default_factory=dict)
    fills: dict[int, str] = field(default_factory=dict)  # row_idx -> RRGGBB


@dataclass
class WorkbookEdit:
    marks: list[CellMark] = field(default_factory=list)
    writes: list[CellWrite] = field(default_factory=list)
    row_fills: list[RowFill] = field(default_factory=list)
    new_sheets: list[NewSheet] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.marks or self.writes or self.row_fills or self.new_sheets)
