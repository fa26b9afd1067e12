"""Whatever the cells hold, the rules never crash: findings or a clear UserError, never a traceback."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation.config import ShopConfig
from automation.errors import UserError
from automation.headers import match_headers
from automation.rules.engine import run_rules
from automation.schema import schema
from automation.tables import build_table
from automation.workdays import WorkCalendar

KINDS = ("orders", "stock", "movements", "handover", "reviews", "returns", "shipments")
cell = st.one_of(
    st.none(), st.text(max_size=30), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(dt.datetime(2026, 9, 1), dt.datetime(2026, 11, 30)), st.dates(dt.date(2026, 9, 1), dt.date(2026, 11, 30)),
    st.sampled_from(["交易成功", "买家已付款，等待卖家发货", "红", "紫", "=1+1", "13812345678", "中通", "入库", "差评", "换货",
                     "广东省 广州市 (000000)", "10.12 换货 李四", "YT1234567890123", "否", "是", "白班", "晚班"]),
)


def _table(kind: str, rows: list[list[object]]):
    header = [c.header for c in schema(kind).columns]
    grid = [header, *[(row + [None] * len(header))[: len(header)] for row in rows]]
    return build_table("x.xlsx", schema(kind).zh, grid, 0, schema(kind), match_headers(header, schema(kind)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KINDS), st.lists(st.lists(cell, max_size=40), max_size=6), min_size=1))
def test_rules_never_crash(sheets):
    tables = [_table(kind, rows) for kind, rows in sheets.items()]
    context = {t.kind: t for t in tables}
    try:
        findings = run_rules(tables, context, ShopConfig(path=None), WorkCalendar, as_of=dt.date(2026, 10, 31))
    except UserError:
        return
    for f in findings:
        assert f.row >= 2 and f.cell and f.message and f.severity in ("error", "warning", "info")
