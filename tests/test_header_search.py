"""The header search (`headers.find_header` over the first 20 rows of every sheet, against every
kind) is cheap but decides as a plain search does: a containment is looked for only among the known
names that share the right characters with the header (`headers._candidate_names`), and a kind that
finds too few fields in a row is passed over before its match is built. Compared here with the plain
search: every known name, every row against every kind, through `match_headers`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation import headers
from automation.headers import FAMILIES, HEADER_SCAN_ROWS, find_header, match_headers
from automation.schema import schemas
from automation.sheets.source import open_source

KNOWN = sorted({n for s in schemas().values() for c in s.columns for n in (c.header, *c.aliases)}
               | {n for names in FAMILIES.values() for n in names})
CHARS = "".join(sorted({ch for n in KNOWN for ch in n})) + "0123456789ab_ （）()kg"


def plain_find_header(rows, candidates, sheet_name="", min_fields=2, own=None):
    """The search without its shortcuts: every row with enough cells, against every kind."""
    best = None
    for row_index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if sum(1 for c in row if c not in (None, "")) < min_fields:
            continue
        for schema in candidates:
            match = match_headers(list(row), schema, (own or {}).get(schema.kind, ()))
            if match.score < min_fields:
                continue
            fit = headers._fit(match, schema, sheet_name)
            if best is None or fit > best[0]:
                best = (fit, row_index, schema, match)
    return None if best is None else best[1:]


def _every_name(monkeypatch):
    monkeypatch.setattr(headers, "_candidate_names", lambda bare, lookup: range(len(lookup.names)))
    headers._CACHE.clear()  # the memo of decisions made with the index


header_like = st.one_of(
    st.sampled_from(KNOWN),
    st.builds(lambda a, b, c: a + b + c, st.text(CHARS, max_size=3), st.sampled_from(KNOWN), st.text(CHARS, max_size=3)),
    st.builds(lambda name, cut: name[cut:] or name, st.sampled_from(KNOWN), st.integers(0, 3)),
    st.text(CHARS, min_size=1, max_size=10),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=100)
@given(st.lists(header_like, min_size=1, max_size=30))
def test_a_containment_is_decided_as_against_every_known_name(monkeypatch, texts):
    lookups = [headers._build_lookup(s) for s in schemas().values()]
    indexed = [[headers._decide(t, lookup) for t in texts] for lookup in lookups]
    _every_name(monkeypatch)
    assert indexed == [[headers._decide(t, lookup) for t in texts] for lookup in lookups]


def test_every_fragment_and_extension_of_a_known_name_is_decided_as_against_every_known_name(monkeypatch):
    """What containment is for: a known name with more around it, a piece of one (`递单号` of 快递单号)."""
    texts = sorted({t for n in KNOWN for t in (n[1:], n[2:], n[:-1], n[1:-1], f"{n}1", f"新{n}", f"{n}(kg)") if len(t) >= 2})
    lookups = [headers._build_lookup(s) for s in schemas().values()]
    indexed = [[headers._decide(t, lookup) for t in texts] for lookup in lookups]
    _every_name(monkeypatch)
    reference = [[headers._decide(t, lookup) for t in texts] for lookup in lookups]
    assert indexed == reference
    assert sum(isinstance(d, tuple) and d and isinstance(d[0], headers.Unsure) for row in reference for d in row) > 100


def test_a_header_row_with_any_fragment_or_extension_is_matched_as_by_the_plain_search(monkeypatch):
    """Beside two real headers, a cell only containment can place (kept as unsure, or taken)."""
    texts = sorted({t for n in KNOWN for t in (n[1:], n[2:], n[:-1], n[1:-1], f"{n}1", f"新{n}") if len(t) >= 2})
    heads = [[["2026年10月 订单"], ["订单编号", "联系手机", t], ["5121910154426000001", "13800000000", "x"]] for t in texts[::2]]
    found = [find_header(rows, list(schemas().values()), "订单") for rows in heads]
    assert sum(bool(f[2].unsure) for f in found) > 100 and all(f[0] == 1 for f in found)
    _every_name(monkeypatch)
    assert found == [plain_find_header(rows, list(schemas().values()), "订单") for rows in heads]


cell = st.one_of(header_like, st.none(), st.just(""), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                 st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)),
                 st.text(max_size=20))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], max_examples=60, deadline=None)
@given(st.lists(st.lists(cell, max_size=12), max_size=8), st.sampled_from(["", "订单", "发货登记", "Sheet1"]), st.integers(1, 2))
def test_the_header_search_finds_what_the_plain_search_finds(monkeypatch, rows, sheet_name, min_fields):
    candidates = list(schemas().values())
    own = {"orders": (("我们的单号", "order_id"),)}
    found = find_header(rows, candidates, sheet_name, min_fields, own)
    _every_name(monkeypatch)
    assert found == plain_find_header(rows, candidates, sheet_name, min_fields, own)


def test_a_taobao_export_head_is_found_as_by_the_plain_search(tmp_path: Path, monkeypatch):
    """The first 20 rows of a real order export (a title row, the header, data rows of ids, phones,
    addresses and times), against every kind."""
    from benchmarks.bench_validate import make_orders

    path = tmp_path / "订单.xlsx"
    make_orders(path, 40)
    head = open_source(path).head("订单", HEADER_SCAN_ROWS)
    header_index, kind, match = find_header(head, list(schemas().values()), "订单")
    assert (header_index, kind.kind, len(match.fields)) == (0, "orders", 20)
    _every_name(monkeypatch)
    assert plain_find_header(head, list(schemas().values()), "订单") == (header_index, kind, match)
