"""Small builders for the workbooks and CSV files the reading tests need."""

from __future__ import annotations

from pathlib import Path

import openpyxl


def xlsx(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Path:
    """Write rows (row 1 first; None = empty cell) into named sheets with openpyxl."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(r, c, value)
        for merged in (merges or {}).get(name, []):
            sheet.merge_cells(merged)
    book.save(path)
    return path


def csv_file(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
