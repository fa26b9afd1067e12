"""`shopbook flags` types only the order fields it reads (`flags.FIELDS`, `tables.read_as_columns(fields=…)`):
the .flags copy it writes is byte for byte the one a full read gives, on a Taobao-shaped workbook
built here; every field the run reads is in FIELDS; a table typed in some fields holds the full
table's values and problems for those fields; and the read cache never hands such a table to a
caller that did not ask for those fields."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation import sheetcache, tables
from automation.commands import flags
from automation.config import load_config
from automation.courier import arrow
from automation.sheets.writers import apply_edit
from automation.shop import Shop
from automation.tables import Record, find_kinds, open_for_reading, read_as_columns
from test_courier_arrow import _write, sheets
from test_read_columns import ORDER_HEADERS, holds_fields

@pytest.fixture(autouse=True)
def _arrow_at_any_size(monkeypatch):
    """The workbooks here are small; the Arrow read (with fields=) is what is tested."""
    monkeypatch.setattr(tables, "ARROW_MIN_ROWS", 0)


SHOP_TOML = """
[[staff]]
name = "张三"
role = "客服"

[[staff]]
name = "李四"
role = "客服"
rest_day = "周二"

[[promotions]]
name = "双十一"
start = 2026-11-11
end = 2026-11-11
"""

# A Taobao export with the shop's own columns: every field flags reads, and many it does not.
HEADER = ["订单编号", "买家会员名", "收货人姓名", "收货地址", "联系手机", "订单状态", "订单创建时间", "订单付款时间", "发货时间",
          "确认收货时间", "物流公司", "物流单号", "宝贝标题", "宝贝总数量", "原价", "买家应付货款", "买家应付邮费", "总金额",
          "退款金额", "买家留言", "客服", "订单备注", "旗帜", "我们的记录"]
REMARKS = [("", None), ("", None), ("张三：要发顺丰，送小样", "红"), ("黄旗 李四", None), ("10.12 快递截单 王五", "绿"),
           ("10.14 换货：白色L换黑色XL 差价0 运费买家承担12元 新单号SF1234567890123 李四", "紫"), ("10.15 退款：质量问题 张三", "蓝"),
           ("李四", "黄"), ("顾客说周末在家", None), ("=要发顺丰", "红"), ("10.16 退款", "蓝"), ("换货 张三", "紫")]
STATUSES = ["交易成功", "卖家已发货，等待买家确认", "等待买家付款", "交易关闭", "买家已付款，等待卖家发货"]


def order_rows(n: int) -> list[list[object]]:
    rows = []
    for i in range(n):
        created = dt.datetime(2026, 10, 8, 9) + dt.timedelta(hours=7 * i, minutes=i)
        if i % 9 == 4:
            created = dt.datetime(2026, 11, 11, 10) + dt.timedelta(minutes=i)  # in the promotion
        status = STATUSES[i % len(STATUSES)]
        paid = None if status == "等待买家付款" else created + dt.timedelta(minutes=3)
        remark, flag = REMARKS[i % len(REMARKS)]
        rows.append([str(5121910154426000000 + i), f"tb_{i}", "王晓明", f"浙江省 杭州市 西湖区 文三路{i}号", f"138{i:08d}", status,
                     created, paid, paid + dt.timedelta(hours=5) if paid and i % 3 else None,
                     paid + dt.timedelta(days=4) if paid and i % 4 == 0 else None, "中通", f"78{i:012d}", "纯棉圆领T恤 白色 L",
                     1.0 + i % 3, 99.0, 99.0 + i % 7, 0.0 if i % 5 else 12.0, 99.0 + i % 7, 20.0 if flag == "蓝" else None,
                     "请尽快发货" if i % 6 == 0 else None, ("张三、李四" if i % 11 == 0 else "李四") if i % 7 == 3 else None,
                     remark or None, flag, "自己记的" if i % 10 == 0 else None])
    rows.insert(13, [None] * len(HEADER))  # an empty line between orders
    rows.insert(20, [None] * 12 + ["只写了宝贝标题"] + [None] * (len(HEADER) - 13))  # a row with only a column flags does not type
    return rows


def write_orders(path, rows: list[list[object]]) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("订单")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write(0, 0, "2026年10月 订单登记")
    sheet.write_row(1, 0, HEADER)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, stamp)
            elif isinstance(value, float):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, value)
    book.close()


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "shop.toml").write_text(SHOP_TOML, encoding="utf-8")
    write_orders(tmp_path / "订单.xlsx", order_rows(150))
    return tmp_path / "订单.xlsx"


def _flags_copy(path, out):
    """`shopbook flags FILE` as the command runs it, its copy moved to `out`; and the orders table it used."""
    sheetcache.forget_all()
    orders, found, attributions, edit = flags.run(path)
    written = apply_edit(orders.source, edit, suffix=".flags", on_notice=lambda message: None)
    written.rename(out)
    return orders, found, attributions


def _parts(path) -> dict[str, bytes]:
    """Every part of the copy but the record's item properties (a fresh uuid on every write)."""
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist() if not name.startswith("customXml/itemProps")}


def test_the_flags_copy_is_the_one_a_full_read_gives_byte_for_byte(shop, tmp_path, monkeypatch):
    loads = []
    load = arrow.load_cells
    monkeypatch.setattr(arrow, "load_cells", lambda *a, **k: loads.append(a[1]) or load(*a, **k))
    orders, found, attributions = _flags_copy(shop, tmp_path / "fields.xlsx")
    assert loads == ["订单"]  # the Arrow read took the sheet
    assert set(orders.columns) <= flags.FIELDS and "address" not in orders.columns  # typed in FIELDS only
    assert set(orders.columns) == flags.FIELDS & set(orders.match.fields)
    monkeypatch.setattr(flags, "FIELDS", None)  # as before: every column typed
    full, full_found, full_attributions = _flags_copy(shop, tmp_path / "full.xlsx")
    assert "address" in full.columns and full.records[0].extra == {"我们的记录": "自己记的"}
    assert [r.row for r in orders.records] == [r.row for r in full.records]  # the row with only 宝贝标题 is an order in both
    assert [(f.remark, f.canonical, f.promotion) for f in found] == [(f.remark, f.canonical, f.promotion) for f in full_found]
    assert attributions == full_attributions

    assert _parts(tmp_path / "fields.xlsx") == _parts(tmp_path / "full.xlsx")  # every part, every byte
    book = openpyxl.load_workbook(tmp_path / "fields.xlsx")  # and the copy holds what flags writes
    sheet = book["订单"]
    assert sheet.cell(2, len(HEADER) + 1).value == "规范备注"
    assert sheet.cell(5, 1).fill.fgColor.rgb.endswith(flags.FLAG_FILLS["红"])  # row 5: the third order, 红
    assert {"换货登记", "退款登记", "异常订单", "催付催单", "订单归属"} <= set(book.sheetnames)
    assert book["订单归属"].max_row > len(orders.records)  # shared orders give a line per agent
    refunds = [row for row in book["退款登记"].iter_rows(min_row=2, values_only=True)]
    assert refunds and {row[5] for row in refunds} == {20}  # 退款金额, a field flags types


class _Watched(Record):
    """A record that notes every field asked of it."""

    __slots__ = ()
    asked: set = set()

    def get(self, key, default=None):
        _Watched.asked.add(key)
        return dict.get(self, key, default)

    def __getitem__(self, key):
        _Watched.asked.add(key)
        return dict.__getitem__(self, key)


def test_every_field_the_flags_run_reads_is_in_FIELDS(shop):
    source, _ = open_for_reading(shop)
    orders = read_as_columns(source, find_kinds(source, "orders")[0])  # every column typed
    watched = []
    for record in orders.records:
        copy = _Watched(record.row, record)
        copy._extra = record._extra
        watched.append(copy)
    orders.records = watched
    _Watched.asked = set()
    found, attributions, edit = flags.analyse(orders, load_config(shop.parent / "shop.toml"))
    flags.summarise(found, attributions)
    [flags._order_json(f) for f in found]
    assert _Watched.asked and _Watched.asked <= flags.FIELDS, sorted(_Watched.asked - flags.FIELDS)
    assert {"remark", "flag", "agent", "order_id", "refund_amount", "signed_at"} <= _Watched.asked


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_table_typed_in_some_fields_holds_the_full_tables_values_and_problems_for_them(tmp_path_factory, data):
    top, body = data.draw(sheets(ORDER_HEADERS))
    path = _write(tmp_path_factory.mktemp("orders") / "订单.xlsx", "订单", ORDER_HEADERS, top, body)
    source, _ = open_for_reading(path)
    found = find_kinds(source, "orders")[0]
    fields = data.draw(st.sets(st.sampled_from(sorted(found.match.fields))))
    some, full = read_as_columns(source, found, fields=fields), read_as_columns(source, found)
    holds_fields(some, full, fields)


def test_dates_without_a_year_take_the_year_of_the_columns_not_typed(tmp_path):
    headers = ["订单编号", "订单状态", "订单付款时间", "发货时间"]
    body = [[str(5121910154426000000 + i), "交易成功", "10/15", dt.datetime(2025, 10, 16, 9)] for i in range(5)]
    path = _write(tmp_path / "订单.xlsx", "订单", headers, 0, body)
    source, _ = open_for_reading(path)
    found = find_kinds(source, "orders")[0]
    some = read_as_columns(source, found, fields={"order_id", "paid_at"})
    assert "shipped_at" not in some.columns
    assert {r["paid_at"].year for r in some.records} == {2025}  # the year comes from 发货时间, typed or not
    assert some.records[0]["paid_at"] == read_as_columns(source, found).records[0]["paid_at"]


def test_the_read_cache_never_hands_a_partly_typed_table_to_others(shop, monkeypatch):
    loads = []
    load = arrow.load_cells
    monkeypatch.setattr(arrow, "load_cells", lambda *a, **k: loads.append(a[1]) or load(*a, **k))
    sheetcache.forget_all()
    some = Shop.open(shop).require("orders", read=read_as_columns, fields=flags.FIELDS)
    assert Shop.open(shop).require("orders", read=read_as_columns, fields=flags.FIELDS) is some  # read once for those fields
    full = Shop.open(shop).require("orders", read=read_as_columns)  # validate, the reports: every field
    assert full is not some and "address" in full.columns and full.records[0]["address"]
    assert Shop.open(shop).require("orders") is full
    other = Shop.open(shop).require("orders", fields={"order_id"})  # a full table serves any fields
    assert other is full and len(loads) == 2

    sheetcache.forget_all()
    full = Shop.open(shop).require("orders", read=read_as_columns)
    assert flags.read_orders(Shop.open(shop)) is full and len(loads) == 3  # read in full earlier: no second read


def test_a_sheet_the_arrow_read_does_not_take_is_read_whole(tmp_path):
    rows = order_rows(12)
    rows[3][0] = 5121910154426000003.0  # an order id stored as a number: the column mixes kinds
    write_orders(tmp_path / "订单.xlsx", rows)
    source, _ = open_for_reading(tmp_path / "订单.xlsx")
    some = read_as_columns(source, find_kinds(source, "orders")[0], fields=flags.FIELDS)
    assert "address" in some.columns and [p.code for p in some.problems if p.field == "order_id"] == ["coerce.id_damaged"]
    assert some.records[0]["total"] == Decimal("99.00")
