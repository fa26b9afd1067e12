"""The grid read (`tables.read_kind`: every sheet under `tables.ARROW_MIN_ROWS` rows, and every sheet
kind but orders) types a column whose cells repeat a few values once per distinct value
(`tables._repeated_values`): the table is exactly the one typing every cell gives, on real .xlsx
files with blank rows, error cells, formulas without a value, dates written without a year, ids
stored as numbers, the team's own columns, and on any grid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation import tables
from automation.headers import find_header
from automation.schema import schema
from automation.tables import Table, build_table, find_kinds, open_for_reading, read_kind
from test_typing_columns import FIELDS, HEADER, odd_cells, one_by_one, plain_cells

OWN = "我们自己的备注"
ORDER_HEADERS = ["订单编号", "买家会员名", "收货地址", "联系手机", "订单状态", "订单付款时间", "发货时间", "物流公司", "物流单号",
                 "宝贝总数量", "买家应付货款", "买家应付邮费", "订单备注", "旗帜", OWN, "收货人姓名"]


def _coding(monkeypatch, on: bool) -> None:
    """Typing by distinct value for every column (on) or for none (off)."""
    monkeypatch.setattr(tables, "CODE_MIN_CELLS", 0 if on else 1 << 60)
    monkeypatch.setattr(tables, "CODE_SHARE", 1.0)


def _exactly(table: Table) -> tuple:
    """Everything a table holds, values by type and repr (Decimal('0.00') == Decimal('-0.00'), 1 == True)."""
    def typed(mapping):
        return [(k, type(v).__name__, repr(v)) for k, v in mapping.items()]

    return ([(r.row, typed(r), typed(r.extra)) for r in table.records],
            [(p.row, p.column, p.header, p.field, p.code, repr(p.params)) for p in table.problems],
            table.header_row, table.columns, table.headers, table.unmapped, table.merged)


def _read(path, monkeypatch, on=None) -> Table:
    if on is not None:
        _coding(monkeypatch, on)
    source, _ = open_for_reading(path)
    return read_kind(source, find_kinds(source, "orders")[0])


def _row(i: int) -> list[object]:
    paid = dt.datetime(2026, 10, 8, 9, 30) + dt.timedelta(minutes=7 * i)
    return [str(5121910154426000000 + i) if i % 53 else 5121910154426000.0 + i,  # a few ids stored as numbers
            f"tb_{i % 40}", "广东省 广州市 越秀区 先烈中路9号(510080)" if i % 3 else "浙江省 杭州市 西湖区 文三路1号",
            f"138{i % 17:08d}", "交易成功" if i % 5 else " 卖家已发货，等待买家确认",  # a status with a space to trim
            paid if i % 11 else f"10/{1 + i % 28} 09:30",  # dates written without a year take the sheet's year
            None if i % 7 == 0 else paid + dt.timedelta(hours=3), "中通" if i % 4 else "圆通", f"78{i:012d}",
            True if i % 97 == 5 else 1.0,  # a true/false among the numbers: 1.0 == True, typed apart
            "九十九元" if i % 50 == 3 else 99.0, 0.0 if i % 2 else -0.0, "10.8 快递截单 张三" if i % 4 == 0 else None,
            ("绿", "红", "旗子")[i % 3] if i % 4 == 0 else None, "自己的" if i % 9 == 2 else None, "王晓明"]


def _write_day(path, rows: int = 600):
    """A day of orders under a title row, with blank rows, an error cell and a formula saved without a value."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    ws = book.add_worksheet("订单")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.write(0, 0, "2026年10月 订单")
    ws.write_row(1, 0, ORDER_HEADERS)
    r = 2
    for i in range(rows):
        if i % 101 == 100:
            r += 1  # a blank row between orders
        for c, value in enumerate(_row(i)):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, stamp)
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, float):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, value)
        r += 1
    ws.write_formula(20, 7, "=#REF!", None, "#REF!")  # the courier of an order: a broken formula
    ws.write_formula(30, 10, "=1+1", None, "")  # goods amount: a formula saved without its value
    ws.write_formula(r + 2, 4, "=#N/A", None, "#N/A")  # below the orders: a row of its own
    book.close()
    return path


def test_a_day_of_repeating_cells_reads_the_same_typed_by_distinct_value(tmp_path, monkeypatch):
    path = _write_day(tmp_path / "订单.xlsx")
    distinct = []
    found = tables._repeated_values

    def counted(raw_values):
        values = found(raw_values)
        if len(raw_values) > 300:  # a column of the sheet (not the distinct values typed after)
            distinct.append(None if values is None else len(values))
        return values

    monkeypatch.setattr(tables, "_repeated_values", counted)
    usual = _read(path, monkeypatch)  # the thresholds as shipped
    coded = [n for n in distinct if n is not None]
    assert len(coded) == 6 and max(coded) == 17 + 1  # address, phone, postage, remark, flag (and ""), consignee: once per value
    assert distinct.count(None) == 6  # ids, buyers, times, waybills, the numbers mixed with true/false: cell by cell
    every_cell = _read(path, monkeypatch, on=False)
    assert _exactly(usual) == _exactly(every_cell)
    assert _exactly(_read(path, monkeypatch, on=True)) == _exactly(every_cell)

    records = {r.row: r for r in usual.records}
    assert len(usual.records) == 600 + 1 and records[4]["status"] == "交易成功"  # 600 orders and the #N/A row
    assert records[4]["postage"] == Decimal("0.00") and records[4]["quantity"] == 1 and records[8]["quantity"] is None
    for table in (usual, every_cell):  # the first order's postage is saved as -0: no zero prints as -0.00
        assert {str(r["postage"]) for r in table.records if r["postage"] is not None} == {"0.00"}
    assert records[14]["paid_at"] == dt.datetime(2026, 10, 12, 9, 30)  # "10/12 09:30": the sheet's year
    assert records[5].extra == {OWN: "自己的"} and records[3 + 100 + 1]["buyer"] == "tb_20"  # after the blank row
    assert records[3]["consignee"] == "王晓明" and usual.records[-1]["consignee"] is None  # one value; the #N/A row has none
    problems = {(p.row, p.field): p.code for p in usual.problems}
    assert problems[21, "courier"] == "read.cell_error" and problems[31, "goods_amount"] == "read.uncached"
    assert problems[6, "goods_amount"] == "coerce.bad_money" and problems[2 + 1 + 53, "order_id"] == "coerce.id_damaged"


def test_an_error_value_typed_in_a_repeating_column_names_each_cell(tmp_path, monkeypatch):
    """A text "#REF!" (pasted, not a formula) repeats like any value, but its problem names its cell:
    such a column is typed cell by cell, and each cell keeps its own problem."""
    rows = [_row(i) for i in range(300)]
    for i in range(0, 300, 30):
        rows[i][7] = "#REF!"
    path = tmp_path / "订单.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = book.add_worksheet("订单")
    ws.write_row(0, 0, ORDER_HEADERS)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value)
            elif value is not None:
                ws.write(r, c, value)
    book.close()
    coded = _read(path, monkeypatch, on=True)
    assert [(p.row, p.code) for p in coded.problems if p.field == "courier"] == [(i + 2, "read.cell_error") for i in range(0, 300, 30)]
    assert _exactly(coded) == _exactly(_read(path, monkeypatch, on=False))


def _pooled(data, kind: str, rows: int) -> list[object]:
    """A column drawn from a few values (plain or odd), so that cells repeat."""
    pool = data.draw(st.lists(st.one_of(plain_cells.get(kind, odd_cells), odd_cells), min_size=1, max_size=4))
    return data.draw(st.lists(st.sampled_from(pool), min_size=rows, max_size=rows))


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], max_examples=80, deadline=None)
@given(st.data())
def test_any_grid_typed_by_distinct_value_is_typed_as_each_cell(monkeypatch, data):
    orders = schema("orders")
    types = [orders.column(f).type for f in FIELDS]
    rows = data.draw(st.integers(1, 30))
    columns = [_pooled(data, t, rows) for t in types]
    grid = [HEADER] + [list(r) for r in zip(*columns)]
    header_index, kind, match = find_header(grid, [orders], "订单")
    _coding(monkeypatch, on=True)
    coded = build_table("t.xlsx", "订单", grid, header_index, kind, match)
    _coding(monkeypatch, on=False)
    assert _exactly(coded) == _exactly(build_table("t.xlsx", "订单", grid, header_index, kind, match))
    by_row = {r.row: r for r in coded.records}
    for c, field_name in enumerate(FIELDS):  # and against the per-cell coercer itself
        for i, (value, _) in enumerate(one_by_one(orders.column(field_name), columns[c], c)):
            if i + 2 in by_row:
                got = by_row[i + 2][field_name]
                assert type(got) is type(value) and repr(got) == repr(value), (field_name, columns[c][i])


@pytest.mark.parametrize("cells", [[1.0, True] * 200, [0.0, False] * 200, [1, 1.0] * 200])
def test_equal_cells_of_different_types_are_never_keyed_together(cells):
    assert tables._repeated_values(cells) is None
    assert tables._repeated_values(["中通", "圆通"] * 200) == ["中通", "圆通"]


@pytest.mark.parametrize("raw", [-0.0, Decimal("-0"), Decimal("-0.000"), "-0", "-0.00", "¥-0.00", "-0%", "－０"])
def test_a_negative_zero_types_as_zero(raw):
    """-0 however it is saved (a float, a Decimal, text, a percentage, full width) prints as 0."""
    from automation.coerce import to_int, to_money, to_number

    assert str(to_money(raw)[0]) == "0.00"
    assert not to_number(raw)[0].is_signed() and to_int(raw) == (0, None)
