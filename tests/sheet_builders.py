"""Small builders for the workbooks and CSV files the reading tests need."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

SHEET1 = "xl/worksheets/sheet1.xml"
MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


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


def rewrite_sheet_xml(path: Path, edit: Callable[[bytes], bytes]) -> Path:
    """`path` rewritten in place with its first sheet's XML passed through `edit` (bytes -> bytes);
    every other part is copied as it was, with its zip entry's details."""
    with zipfile.ZipFile(path) as book:
        parts = [(info, book.read(info)) for info in book.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for info, data in parts:
            book.writestr(info, edit(data) if info.filename == SHEET1 else data)
    return path


def prefixed(xml: bytes, prefix: bytes = b"x") -> bytes:
    """Sheet XML as writers that name the main namespace save it: `<x:worksheet xmlns:x=…>`,
    `<x:row>`, `<x:c>`, `<x:f>`, `<x:v>` (elements already prefixed, attributes, text: unchanged)."""
    xml = xml.replace(b'xmlns="' + MAIN + b'"', b"xmlns:" + prefix + b'="' + MAIN + b'"')
    return re.sub(rb"<(/?)([A-Za-z]+)(?=[\s>/])", rb"<\1" + prefix + rb":\2", xml)


def with_prefixed_sheet(path: Path) -> Path:
    """`path` rewritten in place with its first sheet's XML `prefixed`."""
    return rewrite_sheet_xml(path, prefixed)


# Sheet XML as some writers save it, from XlsxWriter's: `r` is optional on rows and cells in the format
def without_references(xml: bytes) -> bytes:
    """No `r` on any row or cell."""
    return re.sub(rb'(<(?:row|c)) r="[A-Z]*\d+"', rb"\1", xml)


def number_after_spans(xml: bytes) -> bytes:
    """Each row's number after its other attributes (`<row spans="1:6" r="5">`)."""
    return re.sub(rb'<row r="(\d+)" spans="([\d:]+)"', rb'<row spans="\2" r="\1"', xml)


def bare_formula_cells(xml: bytes) -> bytes:
    """Column F's formulas without a value as bare `<c>` cells (no r, no style) after referenced ones."""
    return re.sub(rb'<c r="F\d+"( s="\d+")?><f>1\+1</f><v></v></c>', rb"<c><f>1+1</f></c>", xml)
