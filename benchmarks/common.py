"""What the benchmarks share: writing a big generated sheet fast, and timing a step."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from pathlib import Path

import xlsxwriter


def write_sheet(path: Path, sheet_name: str, header: list[str], rows: Iterable[list[object]],
                title: list[list[object]] = ()) -> None:
    """A one-sheet workbook in constant memory, like a real export: optional title rows above the
    header, date and date-time cells formatted as such, text as text."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_numbers": False, "strings_to_urls": False})
    sheet = book.add_worksheet(sheet_name)
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, line in enumerate(title):
        sheet.write_row(r, 0, line)
    sheet.write_row(len(title), 0, header)
    for r, row in enumerate(rows, start=len(title) + 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, stamp)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
            else:
                sheet.write(r, c, value)
    book.close()


def timed(run):
    """(seconds, result) of calling run()."""
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result
