"""What the benchmarks share: writing a big generated sheet fast, and timing a step."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from pathlib import Path

import xlsxwriter


def write_sheet(path: Path, sheet_name: str, header: list[str], rows: Iterable[list[object]]) -> None:
    """A one-sheet workbook in constant memory; datetimes get a date-time format like a real export."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet(sheet_name)
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, stamp)
            else:
                sheet.write(r, c, value)
    book.close()


def timed(run):
    """(seconds, result) of calling run()."""
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result
