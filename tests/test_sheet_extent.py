"""The sheet-extent scan (automation/sheets/xlsxscan.py) that guards calamine's allocation counts the
columns a sheet really has: a 1M-row shipment log in A:I is 9M cells, not 26M (it was refused)."""

from __future__ import annotations

import pytest
import xlsxwriter

from automation.errors import UserError
from automation.sheets import source
from automation.sheets.source import open_source


def _sheet(path, cells):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("发货登记")
    for (row, col), value in cells.items():
        ws.write(row, col, value)
    book.close()
    return path


def _grid(rows, cols):
    return {(r, c): f"v{r}-{c}" for r in range(rows) for c in range(cols)}


@pytest.mark.parametrize(("cells", "corner", "width"), [
    (_grid(50, 9), "I50", 9),                            # A:I
    ({**_grid(5, 3), (2, 16): "stray"}, "Q5", 17),      # one stray cell far right
    ({**_grid(4, 2), (3, 27): "wide"}, "AB4", 28),      # a two-letter column
    (_grid(3, 26), "Z3", 26),
])
def test_the_scan_finds_the_farthest_column(tmp_path, cells, corner, width):
    sheet = open_source(_sheet(tmp_path / "发货.xlsx", cells))
    scan = sheet.scan("发货登记")
    assert (scan.far_corner, scan.max_col) == (corner, width)


def test_the_size_guard_counts_real_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_CELLS", 200)
    fits = open_source(_sheet(tmp_path / "fits.xlsx", _grid(20, 9)))  # 180 cells (26 columns would be 520)
    assert len(fits.grid("发货登记")) == 20
    big = open_source(_sheet(tmp_path / "big.xlsx", _grid(30, 9)))  # 270 cells
    with pytest.raises(UserError) as refused:
        big.grid("发货登记")
    assert refused.value.key == "err.too_large" and "I30" in str(refused.value)


@pytest.mark.parametrize(("cells", "corner"), [
    ({**_grid(600, 3), (450, 7): "stray"}, "H600"),      # the widest column only in a later chunk
    ({**_grid(600, 2), (3, 4): "early", (590, 6): "late"}, "G600"),
    (_grid(600, 4), "D600"),
])
def test_the_scan_over_many_chunks(tmp_path, monkeypatch, cells, corner):
    from automation.sheets import xlsxscan

    monkeypatch.setattr(xlsxscan, "CHUNK", 4096)  # dozens of chunks, most with 64+ row tags
    scan = open_source(_sheet(tmp_path / "发货.xlsx", cells)).scan("发货登记")
    assert scan.far_corner == corner
