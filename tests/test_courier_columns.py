"""The bill's columnar typing (automation/courier/columns.py) gives the answers of the cell-by-cell
reader (automation.tables.build_table) on any grid: the same typed values (money in cents, weights
in grams), the same problems with the same cells, the same rows kept."""

from __future__ import annotations

import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from automation.courier.columns import column_table
from automation.courier.frames import cents, grams
from automation.headers import match_headers
from automation.schema import schema
from automation.tables import CellNotes, build_table

HEADER = ["序号", "运单编号", "揽收时间", "目的省份", "结算重量", "快递运费", "其他费用", "合计", "备注"]
BILL = schema("bill")

numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**13, 10**13),
                    st.decimals(-100000, 100000, places=2).map(float), st.decimals(0, 100, places=3).map(float),
                    st.sampled_from([4.0, 6.74, 0.1, 1e300, -5.5, 12.345, 0.005, 1e7, 10000000.01]))
texts = st.sampled_from(["", " ", "四元", "¥5.00", "5元", "1,234.50", "NaN", "inf", "#REF!", "#N/A", "—", "无",
                         "77310003210005", " 77310003210005 ", "7.7310003E+13", "773312000099999.0", "'77310003210005",
                         "YT8618312346766", "SF1412345678901", "ＹＴ８６１８３１２３４６７６６", "合计", "浙江", " 上海 ",
                         "2026-10-05 12:00:00", "10/15", "2026年10月5日", "abc-123", "7E10"])
cells = st.one_of(st.none(), numbers, texts, st.booleans(),
                  st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1)),
                  st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)))
rows = st.lists(st.lists(cells, min_size=0, max_size=len(HEADER)), min_size=0, max_size=25)


def _as_column(kind: str, value):
    return cents(value) if kind == "money" and value is not None else grams(value) if kind == "decimal" and value is not None else value


@settings(max_examples=300, deadline=None)
@given(rows, st.sets(st.tuples(st.integers(1, 25), st.integers(0, len(HEADER) - 1)), max_size=3))
def test_columns_type_like_the_cell_reader(body, errors):
    grid = [["中通快递 月结对账单"], HEADER, *body]
    match = match_headers(HEADER, BILL)
    notes = CellNotes({(r, c): "#REF!" for r, c in errors}, frozenset())
    cells_read = build_table("b.xlsx", "账单", grid, 1, BILL, match, notes)
    # a weight of 1e300 kg overflows the grams column with either reader (never a bill's)
    assume(all(abs(grams(r.data["weight"])) < 2 ** 63 for r in cells_read.records if r.data.get("weight") is not None))
    assume(all(abs(cents(r.data[f])) < 2 ** 63 for r in cells_read.records for f in ("fee", "other_fee", "total")
               if r.data.get(f) is not None))
    whole = column_table("b.xlsx", "账单", grid, 1, BILL, match, notes)
    assert whole.rows.to_list() == [r.row for r in cells_read.records]
    assert whole.problems == cells_read.problems
    for name in match.fields:
        kind = BILL.column(name).type
        expected = [_as_column(kind, r.data.get(name)) for r in cells_read.records]
        assert whole.data[name].to_list() == expected, name
    extras = whole.rows_as_records(list(range(whole.height)))
    assert [r.extra for r in extras] == [r.extra for r in cells_read.records]


def test_a_million_like_column_is_typed_whole_without_the_coercer(monkeypatch):
    """Plain cells never reach the per-cell coercer: that is what makes a million lines fast."""
    import automation.courier.columns as columns

    calls = []
    real = columns._memoised
    monkeypatch.setattr(columns, "_memoised", lambda convert: real(lambda raw: calls.append(raw) or convert(raw)))
    body = [[i, f"7731{i:010d}", dt.datetime(2026, 10, 1, 8) + dt.timedelta(minutes=i), "浙江", round(0.35 + i % 7 / 100, 2),
             4.0 + i % 3, 0.0, 4.0 + i % 3, None] for i in range(2000)]
    grid = [HEADER, *body, [], ["合计", None, None, None, None, 9999.0]]
    whole = column_table("b.xlsx", "账单", grid, 0, BILL, match_headers(HEADER, BILL))
    assert whole.height == 2001 and whole.problems == []
    assert whole.data["fee"][:3].to_list() == [400, 500, 600] and whole.data["weight"][1] == 360
    assert {c for c in calls} <= {"浙江", "合计"}  # only the province texts (few, memoised) and the totals row
