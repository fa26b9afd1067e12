"""A new .xlsx holding a CSV's values, to be marked like any workbook (the CSV itself is never changed)."""

from __future__ import annotations

from pathlib import Path

from .patch import sheet_title


def grid_workbook(source: Path, out: Path) -> None:
    import xlsxwriter

    from ..source import open_source

    grid_source = open_source(source)
    # text stays text: nothing read from the CSV may become a formula, a number or a URL
    book = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False, "strings_to_numbers": False,
                                          "strings_to_urls": False})
    try:
        for name in grid_source.sheet_names():
            sheet = book.add_worksheet(sheet_title(name))
            for r, row in enumerate(grid_source.grid(name)):
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    if isinstance(value, str):
                        sheet.write_string(r, c, value)
                    else:
                        sheet.write(r, c, value)
    finally:
        book.close()
