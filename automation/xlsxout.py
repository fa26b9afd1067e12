"""The one place shopbook makes XlsxWriter workbooks and CSV cells: data text stays text.

XlsxWriter's `write()` turns text starting with `=` into a live formula and text that looks like a
URL into a hyperlink. A buyer name such as `=cmd|' /C calc'!A0` or a remark `=HYPERLINK(...)` must
arrive in the report as the text it is, so every workbook we write comes from `new_workbook`, and
formulas we mean (an in-workbook link) are written explicitly with `internal_link`.
"""

from __future__ import annotations

import os
from pathlib import Path

import xlsxwriter

SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
CSV_RISKY_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection: characters a spreadsheet reads as a formula


def new_workbook(path: str | os.PathLike, **options) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook that writes every string as a string (never a formula, URL or number)."""
    unsafe = {k: v for k, v in options.items() if k in SAFE_OPTIONS and v != SAFE_OPTIONS[k]}
    if unsafe:
        raise ValueError(f"new_workbook: {sorted(unsafe)} would let data text become formulas, links or numbers")
    return xlsxwriter.Workbook(str(path), {**options, **SAFE_OPTIONS})


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def internal_link(worksheet, row: int, col: int, sheet: str, ref: str, label: object, cell_format=None) -> None:
    """Our own formula: a HYPERLINK to a cell of this workbook, the label as a quoted string literal."""
    text = "" if label is None else str(label).replace('"', '""')
    worksheet.write_formula(row, col, f'=HYPERLINK("#{quote_sheet(sheet)}!{ref}","{text}")', cell_format, text)


def csv_safe(value: object) -> object:
    """A CSV cell that no spreadsheet will evaluate: risky text gets a leading `'` (OWASP)."""
    if isinstance(value, str) and value.startswith(CSV_RISKY_START):
        return "'" + value
    return value


def csv_row(values) -> list[object]:
    return [csv_safe(v) for v in values]
