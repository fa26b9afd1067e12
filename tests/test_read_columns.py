"""`tables.read_as_columns` (validate's read: fastexcel to Arrow columns when the sheet allows, see
automation/courier/arrow.py) gives the table the usual calamine read (`tables.read_kind`) gives:
the same records, problems, headers and mapping, on order sheets built here with every kind of
cell; a sheet it does not take (a column mixing kinds of cell) gets the usual read."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation.courier import arrow
from automation import tables
from automation.tables import Table, find_kinds, open_for_reading, read_as_columns, read_kind
from test_courier_arrow import _write, sheets

ORDER_HEADERS = ["订单编号", "买家会员名", "收货地址", "联系手机", "订单状态", "订单付款时间", "发货时间", "物流公司", "物流单号",
                 "宝贝总数量", "买家应付货款", "买家应付邮费", "订单备注", "旗帜", "我们自己的备注"]


@pytest.fixture(autouse=True)
def _arrow_at_any_size(monkeypatch):
    """The sheets here are small; the Arrow read is what is tested (the size cut-off has its own test)."""
    monkeypatch.setattr(tables, "ARROW_MIN_ROWS", 0)


def _tables(path, monkeypatch):
    """(the columnar read, whether it went to Arrow, the usual read) of the file's first table."""
    loads = []
    load = arrow.load_cells

    def counted(*args):
        loads.append(args[1])
        return load(*args)

    monkeypatch.setattr(arrow, "load_cells", counted)
    source, _ = open_for_reading(path)
    columnar = read_as_columns(source, find_kinds(source, "orders")[0])
    source, _ = open_for_reading(path)
    return columnar, bool(loads), read_kind(source, find_kinds(source, "orders")[0])


def holds_fields(some: Table, full: Table, fields) -> None:
    """A table typed in `fields` alone (`fields=`) holds the full table's rows, values and problems for them."""
    assert some.columns == {f: c for f, c in full.columns.items() if f in fields}
    assert [r.row for r in some.records] == [r.row for r in full.records]  # the same rows are orders
    assert [dict(r) for r in some.records] == [{f: v for f, v in r.items() if f in fields} for r in full.records]
    assert all(not r.extra for r in some.records)  # the team's own columns are not kept
    assert some.problems == [p for p in full.problems if p.field in fields]
    assert (some.headers, some.unmapped, some.header_row) == (full.headers, full.unmapped, full.header_row)


def _same(a: Table, b: Table) -> None:
    assert a.records == b.records  # row numbers, typed values and the team's own columns
    assert a.problems == b.problems
    assert (a.header_row, a.columns, a.headers, a.unmapped, a.merged) == (b.header_row, b.columns, b.headers, b.unmapped, b.merged)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data(), st.booleans())
def test_the_columnar_read_gives_the_usual_table(tmp_path_factory, monkeypatch, data, lead_column):
    top, body = data.draw(sheets(ORDER_HEADERS))
    path = _write(tmp_path_factory.mktemp("orders") / "订单.xlsx", "订单", ORDER_HEADERS, top, body, lead_column)
    columnar, to_arrow, usual = _tables(path, monkeypatch)
    assert to_arrow  # one kind of cell per column: the Arrow read takes it
    _same(columnar, usual)


def test_a_taobao_day_reads_the_same_both_ways(tmp_path, monkeypatch):
    paid = dt.datetime(2026, 10, 8, 9, 30)
    rows = [[str(5121910154426000000 + i), f"tb_{i}", "广东省 广州市 越秀区 先烈中路9号(510080)", f"138{i:08d}", "卖家已发货，等待买家确认",
             paid + dt.timedelta(minutes=i), paid + dt.timedelta(hours=3) if i % 3 else None, "中通", f"78{i:012d}", 1.0, 99.0, 0.0,
             "10.8 快递截单 张三" if i % 4 == 0 else None, "绿" if i % 4 == 0 else None, "自己的" if i == 2 else None]
            for i in range(40)]
    rows.insert(5, [None] * len(ORDER_HEADERS))  # an empty row between orders
    path = _write(tmp_path / "订单.xlsx", "订单", ORDER_HEADERS, 1, rows)
    columnar, to_arrow, usual = _tables(path, monkeypatch)
    assert to_arrow and len(columnar.records) == 40
    assert columnar.records[0]["paid_at"] == paid and columnar.records[0]["goods_amount"] == __import__("decimal").Decimal("99.00")
    assert columnar.records[2].extra == {"我们自己的备注": "自己的"} and columnar.records[5].row == 9  # title, header, 5 rows, the gap
    _same(columnar, usual)


def _order(i, order_id):
    return [order_id, f"tb_{i}", "浙江省 杭州市", f"138{i:08d}", "交易成功", dt.datetime(2026, 10, 8), None, "中通", f"78{i:012d}",
            1.0, 99.0, 0.0, None, None, None]


def test_a_column_mixing_kinds_in_the_first_rows_gets_the_usual_read_without_trying(tmp_path, monkeypatch):
    rows = [_order(1, "5121910154426000001"), _order(2, 5121910154426000002.0)]  # an order id stored as a number
    path = _write(tmp_path / "订单.xlsx", "订单", ORDER_HEADERS, 0, rows)
    columnar, to_arrow, usual = _tables(path, monkeypatch)
    assert not to_arrow  # the header rows already show the mix: no Arrow parse that would be refused
    assert [p.code for p in columnar.problems] == ["coerce.id_damaged"]
    _same(columnar, usual)


def test_a_column_mixing_kinds_further_down_gets_the_usual_read(tmp_path, monkeypatch):
    rows = [_order(i, str(5121910154426000000 + i)) for i in range(30)] + [_order(30, 5121910154426000030.0)]
    path = _write(tmp_path / "订单.xlsx", "订单", ORDER_HEADERS, 0, rows)
    columnar, to_arrow, usual = _tables(path, monkeypatch)
    assert to_arrow  # tried: fastexcel refuses the mixed column, and the usual read gives the table
    assert [(p.row, p.code) for p in columnar.problems] == [(32, "coerce.id_damaged")]
    _same(columnar, usual)


def test_other_sheet_kinds_take_the_usual_read(tmp_path, monkeypatch):
    path = _write(tmp_path / "发货.xlsx", "发货登记", ["发货日期", "订单编号", "快递公司", "快递单号"], 0,
                  [[dt.datetime(2026, 10, 1), "O1", "中通", "77310000000001"]])
    loads = []
    monkeypatch.setattr(arrow, "load_cells", lambda *a: loads.append(a))
    source, _ = open_for_reading(path)
    table = read_as_columns(source, find_kinds(source, "shipments")[0])
    assert not loads and table.records[0]["waybill"] == "77310000000001"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_every_column_coded_gives_the_usual_table(tmp_path_factory, monkeypatch, data):
    """Each column handed over as distinct values and codes (`tables.Coded`), whatever its size:
    typed once per distinct value, or cell by cell when a value has a problem; date-times through
    numpy; the same table."""
    monkeypatch.setattr(arrow, "CODED_SHARE", 0)
    monkeypatch.setattr(arrow, "CODED_MIN_CELLS", 0)
    monkeypatch.setattr(arrow, "NUMPY_MIN_CELLS", 0)
    top, body = data.draw(sheets(ORDER_HEADERS))
    path = _write(tmp_path_factory.mktemp("orders") / "订单.xlsx", "订单", ORDER_HEADERS, top, body)
    columnar, to_arrow, usual = _tables(path, monkeypatch)
    assert to_arrow
    _same(columnar, usual)


def test_a_big_day_with_repeated_cells_is_coded_and_reads_the_same(tmp_path, monkeypatch):
    """At the usual threshold: statuses, couriers, prices and flags repeat (coded), ids do not; a
    price written as text in some rows is a problem on each of its cells, as in the usual read."""
    typed_once = []
    coded = tables.Coded.__init__

    def counted(self, values, codes):
        typed_once.append(len(values))
        coded(self, values, codes)

    monkeypatch.setattr(tables.Coded, "__init__", counted)
    paid = dt.datetime(2026, 10, 8, 9, 30)
    rows = [[str(5121910154426000000 + i), f"tb_{i}", "广东省 广州市 越秀区 先烈中路9号(510080)", f"138{i:08d}",
             "交易成功" if i % 5 else "卖家已发货，等待买家确认", paid + dt.timedelta(minutes=i), None if i % 7 == 0 else paid,
             "中通", f"78{i:012d}", 1.0, "九十九元" if i % 50 == 3 else "99", 0.0,
             "10.8 快递截单 张三" if i % 4 == 0 else None, "绿" if i % 4 == 0 else None, "自己的" if i % 9 == 2 else None]
            for i in range(300)]
    path = _write(tmp_path / "订单.xlsx", "订单", ORDER_HEADERS, 0, rows)
    columnar, to_arrow, usual = _tables(path, monkeypatch)
    assert to_arrow and len(columnar.records) == 300
    assert len(typed_once) >= 8 and max(typed_once) <= 4  # the repeated columns, each a few distinct values
    assert [(p.row, p.column) for p in columnar.problems] == [(i + 2, 10) for i in range(300) if i % 50 == 3]
    assert columnar.records[2].extra == {"我们自己的备注": "自己的"} and columnar.records[0]["goods_amount"] == __import__("decimal").Decimal("99.00")
    _same(columnar, usual)


def test_a_coded_column_behaves_as_its_cells():
    column = tables.Coded(["中通", "圆通", ""], [0, 2, 1, 0])
    assert list(column) == ["中通", "", "圆通", "中通"] and len(column) == 4 and column[1] == "" and column[-1] == "中通"
    assert column[1:3] == ["", "圆通"] and column == ["中通", "", "圆通", "中通"] and column != ["中通"]
    assert list(column.take([3, 1])) == ["中通", ""]


def test_a_sheet_under_the_size_cut_off_takes_the_usual_read_and_reads_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "ARROW_MIN_ROWS", 43)  # the sheet has 42 rows: a title, the header, 40 orders
    rows = [_order(i, str(5121910154426000000 + i)) for i in range(40)]
    path = _write(tmp_path / "订单.xlsx", "订单", ORDER_HEADERS, 1, rows)
    columnar, to_arrow, usual = _tables(path, monkeypatch)
    assert not to_arrow and len(columnar.records) == 40
    _same(columnar, usual)
    monkeypatch.setattr(tables, "ARROW_MIN_ROWS", 42)
    columnar, to_arrow, usual = _tables(path, monkeypatch)
    assert to_arrow and len(columnar.records) == 40
    _same(columnar, usual)


def test_date_times_by_numpy_are_the_ones_polars_gives(monkeypatch):
    """A big date-time column goes to Python through numpy: the same datetimes, dates at midnight,
    "" where empty."""
    import polars as pl

    stamps = [dt.datetime(2026, 10, 8, 9, 30, 15, 123000), dt.datetime(2026, 10, 9), None, dt.datetime(1900, 1, 1, 0, 0, 1),
              dt.datetime(9999, 12, 31, 23, 59, 59, 999000), dt.datetime(2026, 2, 28, 23, 59)]
    series = pl.Series(stamps, dtype=pl.Datetime("ms"))
    usual = arrow.as_calamine(series)
    monkeypatch.setattr(arrow, "NUMPY_MIN_CELLS", 0)
    by_numpy = arrow.as_calamine(series)
    assert by_numpy == usual == [stamps[0], dt.date(2026, 10, 9), "", stamps[3], stamps[4], stamps[5]]
    assert [type(v) for v in by_numpy] == [type(v) for v in usual]
