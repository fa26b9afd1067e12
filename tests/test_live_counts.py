"""Issue 12: the live backends cost a constant number of calls, however long the sheet.

The same problems on an order sheet of 100 and of 10 000 rows: the xlwings double (live Excel)
and the Sheets API double (Google Sheets) must record exactly as many calls for both. Each call is
a COM/AppleScript round trip or an HTTP request against a 60-a-minute quota.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from automation import button
from automation.commands import gsheet
from automation.config import load_config
from automation.shop import Shop
from tests.doubles import fake_xlwings
from tests.doubles.fake_sheets_api import FakeSheetsServer, loopback_client
from tests.doubles.fake_xlwings import Book, Sheet

HEADER = ["订单编号", "买家会员名", "买家应付货款", "订单状态", "收货人姓名", "收货地址", "联系手机",
          "订单创建时间", "订单付款时间", "宝贝总数量", "商家备注"]
PLANTED = {  # row index -> what is wrong with it (the same rows at every size)
    1: ("联系手机", None),  # no phone
    3: ("订单付款时间", "不是日期"),
    5: ("商家备注", "紫旗 10.12 换货 白色L换黑色XL 差价0 运费买家承担12元 李四"),
    7: ("商家备注", "红旗 张三：要发顺丰"),
    8: ("商家备注", "蓝旗 10.13 退款 质量问题 运费卖家出 王五"),
}


def order_rows(count: int) -> list[list[object]]:
    """`count` orders: the planted ones first, the rest alike and clean."""
    rows = []
    for i in range(count):
        created = dt.datetime(2026, 10, 3, 9, 0) + dt.timedelta(minutes=i % 600)
        row = [f"'5121910154426{i:06d}", f"买家{i}", 25.0, "交易成功", f"收货人{i % 50}",
               f"浙江省 杭州市 西湖区 文三路{i % 90 + 1}号", f"'139{i:08d}", created, created + dt.timedelta(minutes=5),
               1, ""]
        if i in PLANTED:
            field, value = PLANTED[i]
            row[HEADER.index(field)] = value
        rows.append(row)
    return rows


def _xlwings_book(count: int) -> Book:
    book = Book("订单.xlsx")
    sheet = Sheet(book, "订单")
    book.sheets._items.append(sheet)
    sheet.fill_rows([HEADER] + order_rows(count))
    return book


@pytest.mark.parametrize("platform", fake_xlwings.PLATFORMS)
@pytest.mark.parametrize("action", ["validate", "flags"])
def test_live_excel_calls_do_not_grow_with_the_sheet(action, platform, monkeypatch):
    monkeypatch.setattr(fake_xlwings, "DEFAULT_PLATFORM", platform)
    calls, summaries = {}, {}
    for count in (100, 10_000):
        book = _xlwings_book(count)
        summaries[count] = button.run_action(action, book)
        calls[count] = list(book.app.calls)
    assert summaries[100].replace("100 ", "N ") == summaries[10_000].replace("10000 ", "N ")  # the same problems at both sizes
    assert len(calls[100]) == len(calls[10_000]), _diff(calls[100], calls[10_000])
    assert 0 < len(calls[100]) < 200


def _diff(small: list, big: list) -> str:
    ops = lambda calls: sorted({c[0] for c in calls})
    count = lambda calls, op: sum(1 for c in calls if c[0] == op)
    return "; ".join(f"{op}: {count(small, op)} vs {count(big, op)}" for op in ops(small + big) if count(small, op) != count(big, op))


@pytest.mark.parametrize("action", ["validate", "flags"])
def test_google_sheets_requests_do_not_grow_with_the_sheet(action):
    requests, derived = {}, {}
    for count in (100, 10_000):
        with FakeSheetsServer() as server:
            server.book.add_sheet("订单", [HEADER] + [[_plain(v) for v in row] for row in order_rows(count)],
                                  columns=len(HEADER))
            result = gsheet.run_on_spreadsheet(action, loopback_client(server), "fake-key",
                                               Shop(Path("."), load_config(None), []))
            requests[count] = list(server.log)
            assert result["write_batches"] >= 1
            derived[count] = {s.title: s for s in server.book.sheets if s.title != "订单"}
    # open, metadata, one batchGet of every sheet, (validate) the notes of the marked cells,
    # one batchUpdate, one RAW values:batchUpdate of the sheets we add
    assert len(requests[100]) <= 6
    assert requests[100] == requests[10_000]
    if action == "flags":  # every order is in 订单归属 at both sizes, its last one linked to its row
        for count, sheets in derived.items():
            attribution = sheets["订单归属"]
            last = attribution.rows - 1
            assert attribution.rows == count + 1 and attribution.read(last, 0) == f"5121910154426{count - 1:06d}"
            assert attribution.formulas[(last, 5)].endswith(f'&range=A{count + 1}","A{count + 1}")')


def _plain(value: object) -> object:
    """What a Google Sheets cell holds for what we typed in Excel (no apostrophe prefix there)."""
    return value[1:] if isinstance(value, str) and value.startswith("'") else value
