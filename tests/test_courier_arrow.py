"""The shipment log and stubs read straight to Arrow columns (automation/courier/arrow.py) give what the
usual read gives on real workbooks: the same courier frames, and, when another job asks, the same
records and problems, built from that one read. Sheets the Arrow read does not take (a column mixing
kinds of cell, merged ranges, error cells) take the usual read."""

from __future__ import annotations

import collections
import datetime as dt

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation import sheetcache
from automation.courier import arrow
from automation.courier.arrow import ArrowTable, read_columns
from automation.courier.frames import shipments_frame, stubs_frame
from automation.courier.settings import load_settings
from automation.sheets import source as sources
from automation.shop import Shop
from courier_helpers import write_shop

SHIP_HEADERS = ["发货日期", "订单编号", "快递公司", "快递单号", "目的省份", "重量(kg)", "打包人"]
STUB_HEADERS = ["揽收日期", "快递公司", "快递单号", "底单重量(kg)", "运费", "底单状态", "已归档", "揽收员"]

texts = st.sampled_from(["", " ", "中通快递", " 中通 ", "ZTO", "圆通", "浙江", "上海市", "正常", "丢了", "破损", "退回", "是", "否",
                         "77310003210005", " 77310003210005 ", "7.7310003E+13", "773312000099999.0", "'77310003210005",
                         "YT8618312346766", "ＹＴ８６１８３１２３４６７６６", "abc-123", "7E10", '="7731"', "#N/A", "—", "无",
                         "2026-10-05", "10/15", "2026年10月5日", "1.25kg", "四元", "¥5.00", "小刘"])
numbers = st.one_of(st.sampled_from([0.0, 1.0, 1.25, 0.1, 2.5, 12.345, 0.0005, 5.0, 77310003210005.0, 7.73312e14, -3.0, 1e7]),
                    st.decimals(0, 50, places=3).map(float))
stamps = st.one_of(st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)).map(lambda d: dt.datetime.combine(d, dt.time())),
                   st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2027, 12, 31)).map(lambda t: t.replace(microsecond=0)))
KINDS = {"text": texts, "number": numbers, "stamp": stamps, "bool": st.booleans()}


@st.composite
def sheets(draw, headers):
    """A sheet as staff keep it: maybe a title block, then the header, then rows whose cells in each
    column are of one kind (text, number, date-time or true/false) or empty; some rows empty."""
    top = draw(st.integers(0, 3))
    kinds = [draw(st.sampled_from(sorted(KINDS))) for _ in headers]
    height = draw(st.integers(0, 30))
    body = []
    for _ in range(height):
        if draw(st.integers(0, 9)) == 0:
            body.append([None] * len(headers))
            continue
        body.append([draw(st.one_of(st.none(), KINDS[k])) if draw(st.integers(0, 4)) else None for k in kinds])
    return top, body


def _write(path, sheet, headers, top, body, lead_column=False):
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    ws = book.add_worksheet(sheet)
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    shift = 1 if lead_column else 0
    if top:
        ws.write(0, shift, "2026年10月 发货登记（仓库）")
    ws.write_row(top, shift, headers)
    for r, row in enumerate(body, start=top + 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                ws.write_datetime(r, c + shift, value, stamp)
            elif isinstance(value, bool):
                ws.write_boolean(r, c + shift, value)
            elif isinstance(value, float):
                ws.write_number(r, c + shift, value)
            else:
                ws.write_string(r, c + shift, value)
    book.close()
    return path


def _both(path, kind):
    """(the usual read, the Arrow read) of the file's table of `kind`, each from a fresh cache."""
    sheetcache.forget_all()
    usual = Shop.open(path).table(kind)
    sheetcache.forget_all()
    columnar = Shop.open(path).table(kind, read=read_columns)
    return usual, columnar


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from([("shipments", "发货登记", SHIP_HEADERS, shipments_frame), ("stubs", "快递底单", STUB_HEADERS, stubs_frame)]),
       st.data(), st.booleans())
def test_the_arrow_read_gives_the_usual_frames_records_and_problems(tmp_path, case, data, lead_column):
    kind, sheet, headers, frame = case
    top, body = data.draw(sheets(headers))
    path = _write(tmp_path / f"{kind}.xlsx", sheet, headers, top, body, lead_column)
    usual, columnar = _both(path, kind)
    if usual is None:
        assert columnar is None
        return
    assert isinstance(columnar, ArrowTable)  # one kind of cell per column: the Arrow read takes it
    settings_ = load_settings(Shop.open(path).config)
    assert frame(columnar, settings_).equals(frame(usual, settings_))
    assert len(columnar.records) == len(usual.records)  # known before any Record is built
    assert list(columnar.records) == list(usual.records)
    assert list(columnar.problems) == list(usual.problems)
    assert (columnar.header_row, columnar.columns, columnar.headers, columnar.unmapped) == \
        (usual.header_row, usual.columns, usual.headers, usual.unmapped)


def test_a_plain_log_is_read_to_arrow_and_builds_no_record_for_the_match(tmp_path):
    path = _write(tmp_path / "发货.xlsx", "发货登记", SHIP_HEADERS, 0,
                  [[dt.datetime(2026, 10, 1 + i % 28), f"O{i}", "中通", f"7731{i:010d}", "浙江", 1.25, "小刘"] for i in range(50)])
    sheetcache.forget_all()
    table = Shop.open(path).table("shipments", read=read_columns)
    assert isinstance(table, ArrowTable)
    frame = shipments_frame(table, load_settings(Shop.open(path).config))
    assert frame["ship_weight_g"].to_list() == [1250] * 50 and frame["ship_row"].to_list() == list(range(2, 52))
    assert table.records._items is None and len(table.records) == 50  # counted, not built
    assert Shop.open(path).table("shipments") is table  # the read cache shares it with every later job
    assert table.records[0].data["weight"] == __import__("decimal").Decimal("1.25") and table.records._items is not None


@pytest.mark.parametrize("spoil", ["mixed", "merged"])
def test_a_sheet_the_arrow_read_does_not_take_gets_the_usual_read(tmp_path, spoil):
    rows = [[dt.datetime(2026, 10, 1), "O1", "中通", "77310000000001", "浙江", 1.0, "小刘"],
            [dt.datetime(2026, 10, 2), "O2", "中通", 77310000000002.0 if spoil == "mixed" else "77310000000002", "浙江", 2.0, "小刘"]]
    path = _write(tmp_path / "发货.xlsx", "发货登记", SHIP_HEADERS, 0, rows)
    if spoil == "merged":
        import openpyxl

        book = openpyxl.load_workbook(path)
        book.active.merge_cells("G2:G3")
        book.save(path)
    usual, columnar = _both(path, "shipments")
    assert not isinstance(columnar, ArrowTable)
    assert [r.data for r in columnar.records] == [r.data for r in usual.records]
    assert columnar.problems == usual.problems and columnar.merged == usual.merged


def test_reconcile_first_then_stubs_and_validate_read_each_sheet_once(tmp_path, monkeypatch):
    """The Arrow read is a full read like calamine's: counted together, each sheet once in the run, and the
    reconciliation is the one the usual read gives."""
    from click.testing import CliRunner

    from automation.cli import cli
    from automation.courier.run import reconcile_month

    folder = write_shop(tmp_path / "shop")
    counts: collections.Counter = collections.Counter()
    read, load = sources.CalamineSource._read, arrow.load_cells

    def counted_read(self, sheet):
        counts[(self.path.name, sheet)] += 1
        return read(self, sheet)

    def counted_load(path, sheet, first_row, *text):
        counts[(path.name, sheet)] += 1
        return load(path, sheet, first_row, *text)

    monkeypatch.setattr(sources.CalamineSource, "_read", counted_read)
    monkeypatch.setattr(arrow, "load_cells", counted_load)
    sheetcache.forget_all()
    columnar = reconcile_month(Shop.open(folder), "2026-10")
    assert isinstance(Shop.open(folder).table("shipments"), ArrowTable)
    runner = CliRunner()
    for args in (["stubs", str(folder), "--month", "2026-10"], ["validate", str(folder), "--no-write"]):
        result = runner.invoke(cli, ["--lang", "en", *args])
        assert result.exit_code in (0, 1), result.output
    shop_sheets = {k: n for k, n in counts.items() if not k[0].startswith("中通_")}
    assert shop_sheets[("发货.xlsx", "发货登记")] == 1 and shop_sheets[("底单.xlsx", "快递底单")] == 1
    assert max(shop_sheets.values()) == 1, counts
    monkeypatch.setattr(arrow, "guarded_file_sheet", lambda source, sheet: False)  # the usual read, for comparison
    sheetcache.forget_all()
    usual = reconcile_month(Shop.open(folder), "2026-10")
    for a, b in zip(columnar.results, usual.results):
        assert a.categories == b.categories and a.lines.equals(b.lines)


BILL_HEADERS = ["序号", "运单编号", "揽收时间", "目的省份", "结算重量", "快递运费", "其他费用", "合计", "备注"]
waybills = st.one_of(st.integers(0, 10 ** 9).map(lambda i: f"7731{i:010d}"),
                     st.sampled_from(["YT8618312346766", "SF1412345678901", " 77310003210005 ", "7.7310003E+13", "abc-123",
                                      "773312000099999.0", "ＹＴ８６１８３１２３４６７６６", ""]))
amounts = st.one_of(st.decimals(-20, 200, places=2).map(float), st.sampled_from([0.0, 4.0, 6.74, 1e300, 0.005, 12.345, 1e7]))
line_kinds = {"序号": st.integers(1, 10 ** 6).map(float), "运单编号": waybills, "揽收时间": stamps, "目的省份": texts,
              "结算重量": numbers, "快递运费": amounts, "其他费用": st.one_of(st.none(), amounts), "合计": amounts,
              "备注": st.one_of(st.none(), texts)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.fixed_dictionaries(line_kinds), max_size=25), st.integers(0, 3), st.booleans(), st.sampled_from([0, 1]),
       st.one_of(st.none(), amounts))
def test_the_bill_read_to_arrow_gives_the_usual_bill(tmp_path, lines, top, lead_column, label_column, stated):
    """Title block, lines, then 合计 (in 序号 or in the waybill column) and a signature line under the
    table: the bill read straight to Arrow is the bill the usual read gives, cell problems included."""
    from automation.config import ShopConfig
    from automation.courier.bill import _bill_tables, read_bill

    body = [[line[h] for h in BILL_HEADERS] for line in lines]
    total = [None] * len(BILL_HEADERS)
    total[label_column], total[7] = "合计", stated
    body += [[None] * len(BILL_HEADERS), total, ["制表人：王五"] + [None] * (len(BILL_HEADERS) - 1)]
    path = _write(tmp_path / "中通_2026-10.xlsx", "对账单", BILL_HEADERS, top, body, lead_column)
    config = load_settings(ShopConfig(path=None))
    columnar = read_bill(path, "中通", config)
    [table] = _bill_tables(path, {"bill": config.bill_aliases("中通")})
    assert table.cells is not None  # one kind of cell in each of the bill's columns: the Arrow read took it
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrow, "guarded_file_sheet", lambda source, sheet: False)
        usual = read_bill(path, "中通", config)
    assert columnar.lines.equals(usual.lines)
    assert columnar.problems == usual.problems
    assert columnar.stated_total == usual.stated_total and columnar.sheet == usual.sheet


def test_a_bill_signed_under_its_date_column_takes_the_usual_read(tmp_path):
    from courier_helpers import write_bill

    from automation.config import ShopConfig
    from automation.courier.bill import _bill_tables

    path = write_bill(tmp_path / "中通_2026-10.xlsx")  # 审核： under 揽收时间: that column mixes text and dates
    config = load_settings(ShopConfig(path=None))
    [table] = _bill_tables(path, {"bill": config.bill_aliases("中通")})
    assert table.cells is None and table.height > 0
