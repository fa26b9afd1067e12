"""The live Excel backend (xlwings) against a recording test double: reading, marking, the button."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from automation import button
from automation.errors import UserError
from automation.sheets.edit import CellMark, CellWrite, NewSheet, RowFill, WorkbookEdit
from automation.sheets.excel_live import NOTE_HEADER, XlwingsSource, apply_edit_live
from automation.sheets.writers import NOTE_SEPARATOR
from automation.tables import column_letter, read_tables
from tests.doubles.engines import missing_phone_engine
from tests.doubles import fake_xlwings
from tests.doubles.fake_xlwings import Book, Sheet, book_from_xlsx

ORDER_HEADER = ["订单编号", "买家会员名", "买家应付货款", "订单状态", "收货人姓名", "收货地址", "联系手机",
                "订单创建时间", "订单付款时间", "宝贝总数量", "自己的备注"]


@pytest.fixture(autouse=True, params=fake_xlwings.PLATFORMS)
def excel_platform(request, monkeypatch) -> str:
    """Every test here runs against Excel for Windows and Excel for Mac, as xlwings 0.37.8 drives them."""
    monkeypatch.setattr(fake_xlwings, "DEFAULT_PLATFORM", request.param)
    return request.param


def _orders_rows(n: int = 6) -> list[list[object]]:
    rows = []
    for i in range(n):
        rows.append([
            f"51219101544260140{i:02d}",
            f"买家{i}",
            12.5 + i,
            "买家已付款，等待卖家发货" if i % 2 else "交易成功",
            f"收货人{i}",
            f"广东省 广州市 越秀区 黄花岗街道{i}号(510080)",
            f"'1392513016{i}",
            dt.datetime(2026, 10, 3, 14, 5 + i),
            dt.datetime(2026, 10, 3, 15, 0) if i != 3 else None,
            i + 1,
            "加急" if i == 2 else None,
        ])
    rows[4][0] = 5121910154426014049  # an id Excel stored as a number: damaged, must be reported
    rows[5][8] = "不是日期"  # a coercion problem
    return rows


def _workbook(path: Path) -> Path:
    """Orders starting at C4 under a title (so the used range is not at A1), plus a stock sheet."""
    book = openpyxl.Workbook()
    orders = book.active
    orders.title = "订单"
    orders["C2"] = "十月订单"
    for c, header in enumerate(ORDER_HEADER, start=3):
        orders.cell(4, c, header)
    for r, row in enumerate(_orders_rows(), start=5):
        for c, value in enumerate(row, start=3):
            if value is not None:
                orders.cell(r, c, value)
    stock = book.create_sheet("库存")
    stock.append(["商家编码", "商品名称", "颜色", "尺码", "页面库存", "实际库存", "补货点", "盘点日期"])
    stock.append(["A-1", "卫衣", "黑", "L", 10, 8, 3, dt.date(2026, 10, 1)])
    stock.append(["A-2", "卫衣", "白", "M", 0, 0, 2, dt.date(2026, 10, 2)])
    stock["D3"].number_format = "yyyy-mm-dd"
    book.create_sheet("空白")
    book.save(path)
    return path


def _snapshot(tables) -> list[tuple]:
    return [(t.sheet, t.kind, t.header_row, t.columns, t.headers, t.unmapped,
             [(r.row, r.data, r.extra) for r in t.records],
             [(p.row, p.column, p.field, p.code) for p in t.problems]) for t in tables]


def test_live_source_reads_the_same_records_as_calamine_on_the_saved_file(tmp_path):
    path = _workbook(tmp_path / "订单.xlsx")
    book = book_from_xlsx(path)
    live = read_tables(XlwingsSource(book))
    saved = read_tables(path)
    assert _snapshot(live) == _snapshot(saved)
    orders = next(t for t in live if t.kind == "orders")
    assert orders.header_row == 4 and orders.records[0].row == 5
    assert orders.records[0].data["order_id"] == "5121910154426014000"
    assert orders.records[1].data["created_at"] == dt.datetime(2026, 10, 3, 14, 6)
    assert {p.code for p in orders.problems} >= {"coerce.id_damaged", "coerce.bad_date"}
    # one bulk value read per sheet, never per cell
    assert book.app.count("get value") == 3
    assert book.app.count("range") == 0


def test_live_source_pads_so_row_one_is_grid_zero():
    book = Book()
    sheet = Sheet(book, "订单")
    book.sheets._items.append(sheet)
    sheet.fill_rows([["订单编号", "订单状态"], ["123", "交易成功"]], top=3, left=2)
    grid = XlwingsSource(book).grid("订单")
    assert grid[:2] == [[], []]
    assert grid[2] == ["", "订单编号", "订单状态"]
    assert grid[3] == ["", "123", "交易成功"]
    empty = Sheet(book, "空")
    book.sheets._items.append(empty)
    assert XlwingsSource(book).grid("空") == []


def _blank_orders_book(rows: int) -> tuple[Book, Sheet]:
    book = Book()
    sheet = Sheet(book, "订单")
    book.sheets._items.append(sheet)
    sheet.fill_rows([ORDER_HEADER] + [[f"o{i}", f"b{i}", 1.0, "交易成功"] for i in range(rows)])
    return book, sheet


def test_ten_thousand_marks_cost_one_colour_call_per_group_not_per_cell():
    book, sheet = _blank_orders_book(10_001)
    colours = ["FFC7CE", "FFEB9C", "DDEBF7"]
    marks = [CellMark("订单", row, 2 + row % 2, fill=colours[row % 3]) for row in range(2, 10_002)]
    notes = [CellMark("订单", row, 0, fill="FFC7CE", note=f"ORD001 缺少手机号 {row}") for row in range(2, 102)]
    apply_edit_live(book, WorkbookEdit(marks=marks + notes))

    for mark in marks:
        assert sheet.colors[(mark.row, mark.column + 1)] == tuple(int(mark.fill[i:i + 2], 16) for i in (0, 2, 4))
    assert sheet.colors[(50, 1)] == (0xFF, 0xC7, 0xCE)
    assert sheet.notes_by_cell[(50, 1)] == NOTE_HEADER + "ORD001 缺少手机号 50"
    assert (2, 2) not in sheet.colors and (102, 1) not in sheet.colors  # nothing but the marked cells

    colour_calls = book.app.count("set color")
    assert colour_calls <= 10_100 // 20, colour_calls  # grouped multi-area ranges, not 10 100 calls
    assert all(len(call[2]) <= 255 for call in book.app.calls if call[0] == "set color")
    note_calls = sum(book.app.count(op) for op in ("get note", "add note", "set note.text", "get note.text"))
    assert note_calls <= 3 * 100
    assert len(book.app.calls) < 1_000


def test_user_notes_are_kept_and_a_second_run_replaces_only_our_text():
    book, sheet = _blank_orders_book(5)
    sheet.notes_by_cell[(3, 2)] = "客户要求周五发"
    first = WorkbookEdit(marks=[CellMark("订单", 3, 1, fill="FFC7CE", note="旧的问题"), CellMark("订单", 4, 1, note="另一个")])
    apply_edit_live(book, first)
    apply_edit_live(book, WorkbookEdit(marks=[CellMark("订单", 3, 1, note="新的问题"), CellMark("订单", 4, 1, note="第二次")]))
    assert sheet.notes_by_cell[(3, 2)] == "客户要求周五发" + NOTE_SEPARATOR + "新的问题"
    assert sheet.notes_by_cell[(4, 2)] == NOTE_HEADER + "第二次"


def test_writes_stay_text_and_a_column_run_is_one_call():
    book, sheet = _blank_orders_book(10)
    values = ["=HYPERLINK(\"http://evil\")", "+86 139", "5121910154426014049", "10-12", "TRUE", "@sum", "普通备注", "-5"]
    writes = [CellWrite("订单", 2 + i, 11, v) for i, v in enumerate(values)]
    writes.append(CellWrite("订单", 20, 11, "远处的一格"))
    apply_edit_live(book, WorkbookEdit(writes=writes))
    for i, v in enumerate(values):
        assert sheet.cells[(2 + i, 12)] == v, v
    assert not sheet.formulas
    assert sheet.cells[(20, 12)] == "远处的一格"
    assert book.app.count("set value") == 2  # rows 2-9 in one call, row 20 in another


def test_row_fills_cover_the_table_width_grouped_by_colour(excel_platform):
    book, sheet = _blank_orders_book(30)
    fills = [RowFill("订单", r, "FFC7CE" if r % 2 else "C6EFCE") for r in range(2, 32)]
    apply_edit_live(book, WorkbookEdit(row_fills=fills))
    width = len(ORDER_HEADER)
    for fill in fills:
        for c in range(1, width + 1):
            assert sheet.colors[(fill.row, c)] == tuple(int(fill.fill[i:i + 2], 16) for i in (0, 2, 4))
    assert (2, width + 1) not in sheet.colors and (1, 1) not in sheet.colors
    # Windows: two multi-area calls; macOS cannot take multi-area ranges with ":" (one call per row)
    assert book.app.count("set color") == (2 if excel_platform == "windows" else 30)


def test_row_fills_stop_at_the_tables_last_column_not_at_a_formatted_cell_beyond_it():
    book, sheet = _blank_orders_book(5)
    sheet.colors[(1, 30)] = (255, 255, 0)  # a yellow cell on AD1: Excel's UsedRange now reaches AD
    assert sheet.used_range.shape[1] == 30
    apply_edit_live(book, WorkbookEdit(row_fills=[RowFill("订单", 3, "FFC7CE")]))
    assert sheet.colors[(3, len(ORDER_HEADER))] == (0xFF, 0xC7, 0xCE)
    assert (3, len(ORDER_HEADER) + 1) not in sheet.colors


def test_the_macos_double_cuts_multi_area_addresses_as_xlwings_0_37_8_does():
    """The double's fidelity: what `_xlmac.Sheet.range` does to a string address."""
    assert fake_xlwings.mac_address("A4:I4,A6:I7") == "A4"
    assert fake_xlwings.mac_address("B2:B5,D7") == "B2:B5,D7"
    assert fake_xlwings.mac_address("A4,C7,D9") == "A4,C7,D9"
    mac = Book(app=fake_xlwings.App("macos"))
    sheet = Sheet(mac, "订单")
    mac.sheets._items.append(sheet)
    sheet.range("A4:I4,A6:I7").color = (1, 2, 3)
    assert set(sheet.colors) == {(4, 1)}  # what the old grouped call coloured on a Mac
    windows = Book(app=fake_xlwings.App("windows"))
    other = Sheet(windows, "订单")
    windows.sheets._items.append(other)
    other.range("A4:I4,A6:I7").color = (1, 2, 3)
    assert len(other.colors) == 27


def test_every_mark_lands_on_a_mac_with_mixed_areas_and_the_next_check_clears_them():
    book, sheet = _blank_orders_book(40)
    cells = [(r, c) for r in range(2, 40) for c in (0, 2, 3) if (r * 7 + c) % 3]  # runs and lone cells
    marks = [CellMark("订单", r, c, fill="FFC7CE", note=f"问题 {r}") for r, c in cells]
    apply_edit_live(book, WorkbookEdit(marks=marks))
    assert {k for k in sheet.colors} == {(r, c + 1) for r, c in cells}
    apply_edit_live(book, WorkbookEdit(), clear_previous=True)
    assert not sheet.colors and not sheet.notes_by_cell


def test_new_sheet_is_replaced_whole_with_links_fills_and_one_value_write():
    book, sheet = _blank_orders_book(5)
    old = book.sheets.add("校验结果", after=sheet)
    old.fill_rows([["旧"], ["旧的一行"], ["旧的第二行"]])
    new = NewSheet("校验结果", ["代码", "单元格", "值"],
                   [["ORD001", "B3", "=1+1"], ["ORD002", "C4", 12.5]],
                   links={(0, 1): ("订单", "B3"), (1, 1): ("订单", "C4")},
                   widths={2: 30}, fills={0: "FFC7CE"})
    calls_before = book.app.count("set value")
    apply_edit_live(book, WorkbookEdit(new_sheets=[new]))
    assert book.sheets.names() == ["订单", "校验结果"]
    result = book.sheets["校验结果"]
    assert result is not old
    assert result.value_at("A1") == "代码" and result.value_at("C2") == "=1+1" and result.value_at("C3") == 12.5
    assert result.value_at("A4") is None  # nothing of the old sheet left
    assert result.formulas[(2, 2)] == "=HYPERLINK(\"#'订单'!B3\",\"B3\")"
    assert result.value_at("B2") == "B3"
    assert (1, 1) in result.bold and (1, 3) in result.bold
    assert result.colors[(2, 1)] == (0xFF, 0xC7, 0xCE) and (3, 1) not in result.colors
    assert result.widths[3] == 30
    assert book.app.count("set value") - calls_before == 1


def test_screen_updating_and_calculation_are_restored_even_on_error():
    book, _ = _blank_orders_book(3)
    with pytest.raises(UserError):
        apply_edit_live(book, WorkbookEdit(marks=[CellMark("没有这个表", 2, 0, fill="FFC7CE")]))
    assert book.app.screen_updating is True and book.app.calculation == "automatic"
    assert ("set screen_updating", None, False) in book.app.calls


# --- the button ---------------------------------------------------------------------------

def test_button_marks_the_calling_workbook_and_shows_a_summary(tmp_path, monkeypatch):
    path = tmp_path / "订单.xlsx"
    rows = _orders_rows()
    rows[1][6] = None
    openpyxl_book = openpyxl.Workbook()
    ws = openpyxl_book.active
    ws.title = "订单"
    for row in [ORDER_HEADER] + rows:
        ws.append(row)
    openpyxl_book.save(path)
    book = book_from_xlsx(path)
    book.set_mock_caller()
    monkeypatch.setattr(button, "engine", lambda action: missing_phone_engine)
    monkeypatch.setattr("xlwings.Book", Book)
    button.validate()
    sheet = book.sheets["订单"]
    assert sheet.notes_by_cell[(3, 7)].endswith("ORD001 缺少手机号")
    assert sheet.colors[(3, 7)] == (0xFF, 0xC7, 0xCE)
    result = book.sheets["校验结果"]
    assert result.value_at("B2") == "G3" and result.formulas[(2, 2)] == "=HYPERLINK(\"#'订单'!G3\",\"G3\")"
    assert result.value_at("C2") == "=cmd|' /C calc'!A0" and (2, 3) not in result.formulas  # buyer text stays text
    assert book.app.alerts[-1]["prompt"].startswith("完成") and "校验结果" in book.app.alerts[-1]["prompt"]
    assert book.app.alerts[-1]["mode"] == "info"


def test_button_shows_user_errors_and_unexpected_errors_as_message_boxes(tmp_path, monkeypatch):
    book = Book(name="乱.xlsx")
    sheet = Sheet(book, "Sheet1")
    book.sheets._items.append(sheet)
    sheet.fill_rows([["这不是", "表头"], ["1", "2"]])
    message = button.press("validate", book)
    assert message.startswith("错误：") and "表头" in message
    assert book.app.alerts[-1]["prompt"] == message and book.app.alerts[-1]["mode"] == "critical"

    good, _ = _blank_orders_book(3)

    def broken(tables, shop):
        raise RuntimeError("boom 13925130161")

    monkeypatch.setattr(button, "engine", lambda action: broken)
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    message = button.press("flags", good)
    assert button.LOG_NAME in message and "boom" not in message
    log = (tmp_path / button.LOG_NAME).read_text(encoding="utf-8")
    assert "RuntimeError: boom 139****0161" in log and "13925130161" not in log
    assert good.app.alerts[-1]["title"] == "shopbook · 旗帜"


def test_companion_button_works_on_the_workbook_named_in_its_guide_sheet(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "店铺订单.xlsx")
    companion = Book(name="shopbook按钮.xlsm", fullname=str(tmp_path / "shopbook按钮.xlsm"))
    guide = Sheet(companion, button.GUIDE_SHEET)
    companion.sheets._items.append(guide)
    guide.fill_rows([["shopbook"], [], ["要检查的工作簿", str(path)]])
    target = book_from_xlsx(path, app=companion.app, opened=False)
    companion.app.books.files[str(path)] = target
    monkeypatch.setattr(button, "engine", lambda action: missing_phone_engine)
    message = button.press("validate", companion)
    assert message.startswith("完成")
    assert "校验结果" in target.sheets.names() and "校验结果" not in companion.sheets.names()

    guide.fill_rows([["要检查的工作簿", str(tmp_path / "不存在.xlsx")]], top=3)
    message = button.press("validate", companion)
    assert "不存在.xlsx" in message and message.startswith("错误")


# --- the button with the real command logic: the same marks as the file commands write ---------

def _problem_orders(path: Path) -> Path:
    rows = _orders_rows()
    rows[1][6] = None  # a paid order without a mobile number
    rows[2][6] = "'12345"  # not a mobile number
    rows[3][0] = rows[2][0]  # a duplicated order id
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "订单"
    ws.append(ORDER_HEADER + ["备注", "旗帜"])
    for i, row in enumerate(rows):
        ws.append(row + [["红旗 张三：要发顺丰", "紫旗 10.12 换货 白色L换黑色XL", "", "蓝", "黄旗", ""][i],
                         [None, "紫", None, "蓝", None, None][i]])
    book.save(path)
    return path


def test_button_validate_marks_what_shopbook_validate_writes(tmp_path):
    from automation.commands.validate import validate, write_annotations

    path = _problem_orders(tmp_path / "订单.xlsx")
    book = book_from_xlsx(path)
    message = button.press("validate", book)

    result = validate(path)
    assert result.errors >= 2
    checked = openpyxl.load_workbook(write_annotations(result)[0])
    live = book.sheets["订单"]
    expected_notes = {(c.row, c.column): c.comment.text for row in checked["订单"].iter_rows() for c in row if c.comment}
    assert expected_notes and {k: v.removeprefix(NOTE_HEADER) for k, v in live.notes_by_cell.items()} == expected_notes
    for (r, c) in expected_notes:
        assert "%02X%02X%02X" % live.colors[(r, c)] == checked["订单"].cell(r, c).fill.fgColor.rgb[-6:]
    sheet_name = next(n for n in checked.sheetnames if n != "订单")
    expected = [[c.value for c in row] for row in checked[sheet_name].iter_rows()]
    findings = book.sheets[sheet_name]
    got = [[findings.value_at(f"{column_letter(c)}{r}") for c in range(len(expected[0]))] for r in range(1, len(expected) + 1)]
    assert got == expected
    assert message.startswith(f"发现 {len(result.findings)} 个问题")


def test_button_flags_writes_what_shopbook_flags_writes(tmp_path):
    from automation.commands.flags import run
    from automation.sheets.writers import apply_edit

    path = _problem_orders(tmp_path / "订单.xlsx")
    book = book_from_xlsx(path)
    message = button.press("flags", book)
    assert message.startswith("订单 6 行")

    copy = openpyxl.load_workbook(apply_edit(path, run(path)[3], suffix=".flags"))
    for name in copy.sheetnames:
        expected = [[c.value for c in row] for row in copy[name].iter_rows()]
        live = book.sheets[name]
        got = [[live.value_at(f"{column_letter(c)}{r}") for c in range(len(expected[0]))] for r in range(1, len(expected) + 1)]
        assert got == [[None if v == "" else v for v in row] for row in expected], name
    orders = copy["订单"]
    for r in range(2, 8):
        fill = orders.cell(r, 1).fill
        want = fill.fgColor.rgb[-6:] if fill.fill_type == "solid" else None
        got = book.sheets["订单"].colors.get((r, 1))
        assert (None if got is None else "%02X%02X%02X" % got) == want, r


def test_pressing_validate_again_after_a_fix_clears_the_old_marks(tmp_path):
    path = _problem_orders(tmp_path / "订单.xlsx")
    book = book_from_xlsx(path)
    sheet = book.sheets["订单"]
    sheet.notes_by_cell[(4, 7)] = "客户的备注"  # the user's own note on G4, which gets a finding too
    button.press("validate", book)
    assert (3, 7) in sheet.notes_by_cell and NOTE_SEPARATOR in sheet.notes_by_cell[(4, 7)]
    sheet.cells[(3, 7)] = "13925130161"  # the clerk fixes the missing mobile number
    sheet.cells[(4, 7)] = "13925130162"  # and the wrong one
    button.press("validate", book)
    assert (3, 7) not in sheet.notes_by_cell and (3, 7) not in sheet.colors
    assert sheet.notes_by_cell[(4, 7)] == "客户的备注" and (4, 7) not in sheet.colors
    assert any(note.startswith(NOTE_HEADER) for note in sheet.notes_by_cell.values())  # what is still wrong
    book.app.calls.clear()
    button.press("flags", book)  # the flags button leaves the check's marks alone
    assert book.app.count("delete note") == 0 and any(n.startswith(NOTE_HEADER) for n in sheet.notes_by_cell.values())
