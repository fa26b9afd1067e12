"""Property-based: header matching and value coercion never crash and never lose a row."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation.coerce import coercer
from automation.headers import find_header, match_headers, normalise
from automation.schema import schema, schemas
from automation.tables import build_table

cell_values = st.one_of(
    st.none(), st.text(max_size=30), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(['="5121910154426014049"', "'13812345678", "¥1,234.50", "12元", "7.73E+14", "2026年10月8日 10:20",
                     "10/15", "无退款申请", "买家已付款,等待卖家发货", "红旗", "是", "０１２", "１２．５"]),
)
ALL_COLUMNS = [c for s in schemas().values() for c in s.columns]


@given(st.lists(cell_values, max_size=25))
def test_header_matching_never_crashes(cells):
    for kind in schemas().values():
        match = match_headers(cells, kind)
        assert set(match.fields.values()).isdisjoint(match.unmapped)  # a column is mapped or the team's own, never both
        assert all(0 <= i < len(cells) for i in match.fields.values())


@given(st.sampled_from(ALL_COLUMNS), st.sampled_from(["", " ", "　", "\t"]), st.sampled_from(["", " ", "　"]), st.booleans())
def test_headers_match_with_any_padding_and_width(column, before, after, use_alias):
    name = column.aliases[0] if use_alias and column.aliases else column.header
    kind = next(s for s in schemas().values() if column in s.columns)
    match = match_headers([before + name + after], kind)
    assert match.fields.get(column.field) == 0 or normalise(name) in {normalise(c.header) for c in kind.columns if c.field != column.field}


@given(st.sampled_from(ALL_COLUMNS), cell_values)
def test_coercion_never_raises(column, raw):
    value, problem = coercer(column, 2026)(raw)
    assert problem is None or (isinstance(problem[0], str) and isinstance(problem[1], dict))
    if column.type in ("id", "waybill") and value is not None:
        assert isinstance(value, str)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(st.lists(st.lists(cell_values, min_size=1, max_size=8), max_size=30), st.integers(0, 5))
def test_no_row_is_lost(body, title_rows):
    orders = schema("orders")
    header = ["订单编号", "收货人姓名", "联系手机", "订单付款时间", "买家实际支付金额", "物流单号", "订单状态", "备注"]
    grid = [["店铺订单"]] * title_rows + [header] + [list(r) for r in body]
    found = find_header(grid, list(schemas().values()), "订单")
    assert found is not None and found[0] == title_rows and found[1] is orders
    table = build_table("t.xlsx", "订单", grid, found[0], found[1], found[2])
    non_blank = [title_rows + 2 + i for i, r in enumerate(body) if any(c not in (None, "") for c in r)]
    assert [r.row for r in table.records] == non_blank
