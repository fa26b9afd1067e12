"""Issue 12: `Shop` tells the sheet kinds of a folder from the header rows only, and a run reads each
sheet in full at most once (automation.sheetcache). Full reads are counted with a spy on the readers."""

from __future__ import annotations

import collections
import os
import zipfile
from pathlib import Path

import pytest
import python_calamine
import xlsxwriter
from click.testing import CliRunner

from automation.sheets import source as sources
from automation.sheets.xlsxhead import head_rows
from automation.shop import Shop
from courier_helpers import write_bill, write_shop
from lossless_corpus import BUILDERS
from sheet_builders import csv_file, xlsx


@pytest.fixture
def full_reads(monkeypatch):
    """(file name, sheet) -> how many times it was read in full (calamine grid, the read straight to
    Arrow columns of courier.arrow, the row stream of sheets.rowstream, or CSV parse)."""
    from automation.courier import arrow
    from automation.sheets import rowstream

    counts: collections.Counter = collections.Counter()
    read, csv_grid, load_cells, stream = sources.CalamineSource._read, sources._csv_grid, arrow.load_cells, rowstream._rows

    def counted_read(self, sheet):
        counts[(self.path.name, sheet)] += 1
        return read(self, sheet)

    def counted_cells(path, sheet, first_row, *text):
        counts[(path.name, sheet)] += 1
        return load_cells(path, sheet, first_row, *text)

    def counted_stream(path, sheet):
        counts[(path.name, sheet)] += 1
        return stream(path, sheet)

    def counted_csv(text, tabs, rows=None):
        if rows is None:
            counts[("csv", "")] += 1
        return csv_grid(text, tabs, rows)

    monkeypatch.setattr(sources.CalamineSource, "_read", counted_read)
    monkeypatch.setattr(sources, "_csv_grid", counted_csv)
    monkeypatch.setattr(arrow, "load_cells", counted_cells)
    monkeypatch.setattr(rowstream, "_rows", counted_stream)
    return counts


@pytest.fixture
def folder(tmp_path):
    """The courier test shop, plus a bill, a CSV export and an unrelated workbook in the folder itself."""
    root = write_shop(tmp_path / "shop")
    write_bill(root / "中通账单副本.xlsx")
    csv_file(root / "留言.csv", ["日期,订单编号,客服,买家留言", "2026-10-08,O001,周婷,尽快发货"], "utf-8")
    xlsx(root / "随手记.xlsx", {"Sheet1": [["今天天气不错"], [1, 2, 3]]})
    return root


def test_finding_the_kinds_of_a_folder_reads_no_sheet_in_full(folder, full_reads):
    shop = Shop.open(folder)
    kinds = {f.name: [(k.sheet, k.kind, k.header_index) for k in shop.kinds_in(f)] for f in shop.files}
    assert kinds["发货.xlsx"] == [("发货登记", "shipments", 0)]
    assert kinds["底单.xlsx"] == [("快递底单", "stubs", 0)]
    assert kinds["订单.xlsx"] == [("订单", "orders", 0)]
    assert kinds["中通账单副本.xlsx"] == [("账单", "bill", 3)]  # the bill's header is below its title rows
    assert kinds["随手记.xlsx"] == []
    assert [k for k, *_ in kinds["留言.csv"]] == ["留言"]
    assert sum(full_reads.values()) == 0


def test_asking_for_a_kind_reads_only_its_sheets_once_across_shops(folder, full_reads):
    first = Shop.open(folder)
    shipments = first.require("shipments")
    assert len(shipments.records) == 41  # 10 中通 parcels and 31 圆通 ones
    assert dict(full_reads) == {("发货.xlsx", "发货登记"): 1}
    second = Shop.open(folder)  # a later step of the same run opens the shop again
    assert second.require("shipments") is shipments
    second.table("stubs")
    assert dict(full_reads) == {("发货.xlsx", "发货登记"): 1, ("底单.xlsx", "快递底单"): 1}


def test_a_job_reads_each_file_once(folder, full_reads):
    """stubs, reconcile and validate in one process: every sheet read in full at most once."""
    from automation.cli import cli

    runner = CliRunner()
    for args in (["stubs", str(folder), "--month", "2026-10"], ["reconcile", str(folder), "--month", "2026-10"],
                 ["validate", str(folder), "--no-write"]):
        result = runner.invoke(cli, ["--lang", "en", *args])
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
    shop_sheets = {k: n for k, n in full_reads.items() if k[0] != "中通_2026-10.xlsx" and k[0] != "中通_2026-09.xlsx"}
    assert shop_sheets and max(shop_sheets.values()) == 1, full_reads
    assert ("订单.xlsx", "订单") in shop_sheets and ("发货.xlsx", "发货登记") in shop_sheets


def test_a_changed_file_is_read_again_even_in_the_same_clock_tick(folder, full_reads):
    path = folder / "留言.csv"
    [before] = Shop.open(folder).tables_in(path)
    stat = os.stat(path)
    path.write_bytes(path.read_bytes().replace("周婷".encode(), "李娜".encode()))  # same size, same inode
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same mtime, as within one clock tick
    assert (os.stat(path).st_size, os.stat(path).st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    [after] = Shop.open(folder).tables_in(path)
    assert after is not before and full_reads[("csv", "")] == 2
    assert "李娜" in str(after.records[0].data) and "周婷" in str(before.records[0].data)
    [again] = Shop.open(folder).tables_in(path)
    assert again is after and full_reads[("csv", "")] == 2


def test_a_lone_unreadable_workbook_still_says_why(tmp_path):
    from automation.errors import UserError

    path = xlsx(tmp_path / "随手记.xlsx", {"Sheet1": [["今天天气不错"]]})
    with pytest.raises(UserError) as raised:
        Shop.open(path).table("orders")
    assert raised.value.key == "err.no_header"


def _types_book(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("表")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, ["订单编号", 5, 5.5, True, "a&b<c>", " 前后空格 "])
    sheet.write_formula(1, 0, "=1/0")
    sheet.write_formula(1, 1, '="x"&"y"', None, "xy")
    sheet.write_rich_string(2, 0, "红", bold, "旗")
    sheet.write(4, 30, "远处")
    for r in range(5, 40):
        sheet.write_row(r, 0, [f"行{r}", r])
    book.add_worksheet("空")
    book.close()
    return path


def _texts(grid):
    """Each row's text cells with their columns: what header matching looks at."""
    return [[(i, c) for i, c in enumerate(row) if isinstance(c, str) and c] for row in grid]


def test_the_header_stream_gives_calamines_text_for_the_first_rows(tmp_path):
    paths = [_types_book(tmp_path / "types.xlsx"), write_bill(tmp_path / "bill.xlsx"),
             xlsx(tmp_path / "o.xlsx", {"订单": [["订单编号", None, "联系手机"], ["A1", None, "138"]], "二": [[None], [None, "x"]]})]
    paths += [build(tmp_path / f"{name}.xlsx") for name, build in BUILDERS.items()]  # charts, rich text, inline strings…
    for path in paths:
        calamine = python_calamine.CalamineWorkbook.from_path(str(path))
        with zipfile.ZipFile(path) as book:
            for name in calamine.sheet_names:
                want = calamine.get_sheet_by_name(name).to_python(skip_empty_area=False)[:20]
                got = head_rows(book, name, 20)
                assert _texts(got) == _texts(want)[:len(got)], (path.name, name)
                assert all(not row for row in _texts(want)[len(got):]), (path.name, name)
                numbers = lambda g: [[c for c in row if isinstance(c, (int, float)) and not isinstance(c, bool)] for row in g]
                if path.name == "types.xlsx" and name == "表":
                    assert numbers(got)[0] == numbers(want)[0] == [5.0, 5.5]
                    assert got[0][3] is True and got[4][30] == "远处" and len(got) == 20


def test_a_damaged_sheet_part_gives_calamines_error(tmp_path):
    """The header stream never hides a broken file: it falls back to calamine, whose error is the message."""
    from automation.errors import UserError
    from automation.tables import read_tables

    path = xlsx(tmp_path / "订单.xlsx", {"订单": [["订单编号", "联系手机"], ["A1", "138"]]})
    with zipfile.ZipFile(path) as book:
        parts = {n: book.read(n) for n in book.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:200]
    with zipfile.ZipFile(path, "w") as book:
        for name, part in parts.items():
            book.writestr(name, part)
    with pytest.raises(UserError) as raised:
        read_tables(path)
    assert raised.value.key in ("err.corrupt_sheet", "err.corrupt")
