"""Reading raw cell grids from .xlsx/.xlsm/.xls/.ods (python-calamine) and .csv files."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Protocol

from ..errors import UserError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}


class SheetSource(Protocol):
    """Anything with named sheets whose cells can be read as a grid of Python values."""

    name: str  # what to call it in messages: a file path or a spreadsheet title

    def sheet_names(self) -> list[str]: ...

    def grid(self, sheet: str) -> list[list[object]]:
        """All cells from A1; row i of the list is sheet row i+1."""
        ...


class CalamineSource:
    def __init__(self, path: Path):
        import python_calamine

        self.path = path
        self.name = str(path)
        self._merged: dict[str, list[tuple[int, int, int, int]]] = {}
        try:
            self._book = python_calamine.CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own error types per format
            detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
            if "password" in detail.lower() or "encrypt" in detail.lower():
                raise UserError("err.encrypted", path=path) from exc
            raise UserError("err.corrupt", path=path, detail=detail) from exc

    def sheet_names(self) -> list[str]:
        return list(self._book.sheet_names)

    def grid(self, sheet: str) -> list[list[object]]:
        loaded = self._book.get_sheet_by_name(sheet)
        try:
            ranges = loaded.merged_cell_ranges or []
        except Exception:  # noqa: BLE001 - merges are a hint for where we may write; never fatal
            ranges = []
        self._merged[sheet] = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
        return loaded.to_python(skip_empty_area=False)

    def merged_ranges(self, sheet: str) -> list[tuple[int, int, int, int]]:
        """Merged ranges of a sheet read with `grid` (0-based row0, col0, row1, col1)."""
        return self._merged.get(sheet, [])


class CsvSource:
    """One sheet, named after the file. Line numbers are rows (header = 1 in a plain export)."""

    def __init__(self, path: Path):
        self.path = path
        self.name = str(path)
        self._text = decode(path.read_bytes(), path)
        self._rows: list[list[object]] | None = None

    def sheet_names(self) -> list[str]:
        return [self.path.stem]

    def grid(self, sheet: str) -> list[list[object]]:
        if self._rows is None:
            self._rows = _csv_grid(self._text, self.path.suffix.lower() == ".tsv")
        return self._rows


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK) as Taobao's older exports use."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError("err.not_spreadsheet", path=path)


def _csv_grid(text: str, tabs: bool) -> list[list[object]]:
    sample = text[:4096]
    delimiter = "\t" if tabs or sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[list[object]] = []
    for record in reader:
        while len(grid) < reader.line_num - 1:  # a quoted field spanning lines keeps later row numbers true
            grid.append([])
        grid.append(list(record))
    return grid


def open_source(path: str | Path) -> SheetSource:
    path = Path(path)
    if not path.exists():
        raise UserError("err.missing_file", path=path)
    if path.is_dir():
        raise UserError("err.not_spreadsheet", path=path)
    suffix = path.suffix.lower()
    head = path.read_bytes()[:8] if path.stat().st_size else b""
    if suffix in CSV_SUFFIXES:
        if head.startswith(b"PK") or head.startswith(OLE_MAGIC) or b"\x00" in path.read_bytes()[:4096]:
            raise UserError("err.not_spreadsheet", path=path)
        return CsvSource(path)
    if suffix not in WORKBOOK_SUFFIXES:
        raise UserError("err.not_spreadsheet", path=path)
    if suffix in {".xlsx", ".xlsm", ".xlsb"}:
        if head.startswith(OLE_MAGIC):  # an encrypted OOXML package is wrapped in an OLE container
            raise UserError("err.encrypted", path=path)
        if not zipfile.is_zipfile(path):
            raise UserError("err.not_spreadsheet", path=path)
    if suffix == ".xls" and not head.startswith(OLE_MAGIC):
        raise UserError("err.not_spreadsheet", path=path)
    return CalamineSource(path)
