"""Property-based: typing a column at a time (`coerce.fast_column`, `tables.build_table`) gives
exactly what the per-cell coercer and the reading checks give, cell by cell, on any column, whether
every cell is plain (the column is checked and copied whole) or a few are not."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation.coerce import SLOW, coercer, fast_column
from automation.headers import find_header
from automation.schema import schema, schemas
from automation.tables import CellNotes, _cell_problem, build_table

plain_cells = {  # cells each type's one-pass form keeps: columns made only of these are copied whole
    "text": st.text(min_size=1, max_size=12),
    "id": st.text("0123456789abcdefxyzABE", min_size=1, max_size=20),
    "phone": st.text("0123456789", min_size=1, max_size=13),
    "datetime": st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    "date": st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)),
}
odd_cells = st.one_of(
    st.none(), st.just(""), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**16, 10**16), st.booleans(),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.timezone.utc)),
    st.sampled_from([" a", "a ", "\u3000王", "王\u3000", "=1", "'0123", "#REF!", "#N/A", '="5121910154426014049"', "7.73E+14",
                     "1e5", "12.0", "１２", "¥1,234.50", "交易成功", "已发货", "红", "是", "否", "\x1f", "a\x00b", "—"]),
)
COLUMNS = {c.type: c for s in schemas().values() for c in s.columns}  # one column of each type


def column_of(kind: str):
    return st.lists(st.one_of(plain_cells.get(kind, odd_cells), odd_cells) if kind in plain_cells else odd_cells,
                    min_size=1, max_size=40)


def one_by_one(column, raw_values, col=0):
    """The per-cell reference: reading checks on empty and `#…` cells, then the coercer."""
    convert = coercer(column, 2026)
    out = []
    for j, raw in enumerate(raw_values):
        if raw in (None, "") or isinstance(raw, str) and raw[:1] == "#":
            unreadable = _cell_problem(raw, j + 1, col, CellNotes())
            if unreadable is not None:
                out.append((None, unreadable))
                continue
        out.append(convert(raw))
    return out


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(st.sampled_from(sorted(COLUMNS)), st.data())
def test_fast_column_keeps_only_what_the_coercer_gives(kind, data):
    raw_values = data.draw(column_of(kind))
    column = COLUMNS[kind]
    fast = fast_column(kind, raw_values, coercer(column, 2026))
    assert len(fast) == len(raw_values)
    for typed, (value, problem) in zip(fast, one_by_one(column, raw_values)):
        if typed is not SLOW:  # a cell the fast form typed is one the coercer types the same, with no problem
            assert problem is None and typed == value and type(typed) is type(value)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(st.sampled_from(sorted(plain_cells)), st.data())
def test_an_all_plain_column_is_typed_whole(kind, data):
    raw_values = data.draw(st.lists(plain_cells[kind], min_size=1, max_size=40))
    column = COLUMNS[kind]
    expected = [value for value, _ in one_by_one(column, raw_values)]
    fast = fast_column(kind, tuple(raw_values), coercer(column, 2026))
    plain = [v is not SLOW for v in fast]
    assert [v for v, keep in zip(fast, plain) if keep] == [v for v, keep in zip(expected, plain) if keep]


HEADER = ["订单编号", "收货人姓名", "联系手机", "订单付款时间", "买家实际支付金额", "物流单号", "订单状态", "买家留言"]
FIELDS = ["order_id", "consignee", "phone", "paid_at", "paid_amount", "waybill", "status", "buyer_message"]


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(st.data())
def test_build_table_equals_the_cell_by_cell_reading(data):
    orders = schema("orders")
    types = [orders.column(f).type for f in FIELDS]
    rows = data.draw(st.integers(1, 25))
    columns = [data.draw(st.lists(st.one_of(plain_cells.get(t, odd_cells), odd_cells), min_size=rows, max_size=rows))
               for t in types]
    grid = [HEADER] + [list(r) for r in zip(*columns)]
    header_index, kind, match = find_header(grid, [orders], "订单")
    assert [match.fields[f] for f in FIELDS] == list(range(len(FIELDS)))
    table = build_table("t.xlsx", "订单", grid, header_index, kind, match)
    by_row = {r.row: r for r in table.records}
    problems = {(p.row, p.column): (p.code, p.params) for p in table.problems}
    for c, field_name in enumerate(FIELDS):
        reference = one_by_one(orders.column(field_name), columns[c], c)
        for i, (value, problem) in enumerate(reference):
            row = i + 2
            if row not in by_row:  # a blank row is no record
                assert all(col[i] in (None, "") for col in columns)
                continue
            got = by_row[row].data[field_name]
            assert got == value and type(got) is type(value), (field_name, columns[c][i])
            assert problems.get((row, c)) == (tuple(problem) if problem else None), (field_name, columns[c][i])
