"""The Google Sheets backend against a fake Sheets v4 server on loopback, through real gspread."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from automation.commands import gsheet
from automation.config import load_config
from automation.errors import UserError
from automation.sheets import gsheets
from automation.sheets.edit import CellMark, CellWrite, NewSheet, RowFill, WorkbookEdit
from automation.sheets.excel_live import NOTE_HEADER
from automation.sheets.gsheets import GSheetSource, apply_edit_gsheets, split_requests
from automation.sheets.writers import NOTE_SEPARATOR
from automation.shop import Shop
from automation.tables import column_letter, read_tables
from tests.doubles.engines import missing_phone_engine
from tests.doubles.fake_sheets_api import FakeSheetsServer, loopback_client
from tests.sheet_builders import xlsx

HEADER = ["订单编号", "买家会员名", "买家应付货款", "订单状态", "收货人姓名", "收货地址", "联系手机", "订单付款时间", "宝贝总数量"]


def _rows() -> list[list[object]]:
    rows = []
    for i in range(5):
        rows.append([f"51219101544260140{i:02d}", f"买家{i}", 10 + i * 2.5, "买家已付款，等待卖家发货",
                     f"收货人{i}", f"浙江省 杭州市 西湖区 {i}号", None if i == 2 else f"1392513016{i}",
                     dt.datetime(2026, 10, 3, 9 + i, 30), i + 1])
    rows[3][0] = 5121910154426014049.0  # stored as a number: digits lost, reported
    return rows


def _default_shop() -> Shop:
    return Shop(Path("."), load_config(None), [])


@pytest.fixture
def server():
    with FakeSheetsServer() as running:
        yield running


def _orders_spreadsheet(server) -> None:
    server.book.add_sheet("订单", [["十月订单"], [], HEADER] + _rows())
    server.book.add_sheet("备忘", [["随便写写"]])


def test_gsheet_source_reads_all_sheets_in_one_request_and_matches_calamine(server, tmp_path):
    _orders_spreadsheet(server)
    client = loopback_client(server)
    spreadsheet = client.open_by_key("fake-key")
    live = read_tables(GSheetSource(spreadsheet))
    saved = read_tables(xlsx(tmp_path / "订单.xlsx", {"订单": [["十月订单"], [], HEADER] + _rows(), "备忘": [["随便写写"]]}))
    snap = lambda tables: [(t.sheet, t.kind, t.header_row, t.columns, [(r.row, r.data, r.extra) for r in t.records],
                            [(p.row, p.column, p.code) for p in t.problems]) for t in tables]
    assert snap(live) == snap(saved)
    orders = live[0]
    assert orders.records[0].data["paid_at"] == dt.datetime(2026, 10, 3, 9, 30)
    assert [p.code for p in orders.problems] == ["coerce.id_damaged"]
    assert server.count("/values:batchGet") == 1
    assert server.count("/v4/spreadsheets/fake-key") == 2  # gspread's open + our one cached metadata read


def test_validate_marks_land_as_fills_notes_and_a_findings_sheet_in_one_batch(server, monkeypatch):
    _orders_spreadsheet(server)
    server.book.sheet("订单").notes[(5, 6)] = "客户说手机换号了"  # the user's own note on G6
    monkeypatch.setattr(gsheet, "engine", lambda action: missing_phone_engine)
    result = gsheet.run_on_spreadsheet("validate", loopback_client(server), "fake-key", _default_shop())
    orders = server.book.sheet("订单")
    assert orders.colour_at("G6") == (0xFF, 0xC7, 0xCE)
    assert orders.notes[(5, 6)] == "客户说手机换号了" + NOTE_SEPARATOR + "ORD001 缺少手机号"
    assert orders.colour_at("G5") is None and orders.colour_at("F6") is None
    findings = server.book.sheet("校验结果")
    assert [findings.at("A1"), findings.at("B1"), findings.at("C1")] == ["代码", "单元格", "值"]
    assert findings.formulas[(1, 1)] == f'=HYPERLINK("#gid={orders.sheet_id}&range=G6","G6")'
    assert findings.at("C2") == "=cmd|' /C calc'!A0" and (1, 2) not in findings.formulas  # stays text
    assert (0, 0) in findings.bold and findings.frozen_rows == 1
    assert findings.colour_at("A2") == (0xFF, 0xC7, 0xCE)
    assert result["marked_cells"] == 1 and result["write_batches"] == 2
    assert server.count("fake-key:batchUpdate") == 1 and server.count("/values:batchUpdate") == 1
    assert server.count("/values:batchGet") == 1
    assert len(server.log) == 6  # open, metadata, values, existing notes of the marked cells, one write, our sheet's values

    # a second run replaces our note and the findings sheet, never the user's note
    gsheet.run_on_spreadsheet("validate", loopback_client(server), "fake-key", _default_shop())
    assert server.book.sheet("订单").notes[(5, 6)] == "客户说手机换号了" + NOTE_SEPARATOR + "ORD001 缺少手机号"
    assert [s.title for s in server.book.sheets] == ["订单", "备忘", "校验结果"]


def test_writes_row_fills_and_notes_without_user_notes(server):
    _orders_spreadsheet(server)
    spreadsheet = loopback_client(server).open_by_key("fake-key")
    source = GSheetSource(spreadsheet)
    edit = WorkbookEdit(
        writes=[CellWrite("订单", 4 + i, 9, v) for i, v in enumerate(["=1+1", "+86", "0012", "普通"])],
        row_fills=[RowFill("订单", 4, "C6EFCE"), RowFill("订单", 5, "C6EFCE")],
        marks=[CellMark("订单", r, 0, note=f"第{r}行") for r in (4, 6)])
    assert apply_edit_gsheets(spreadsheet, edit, source) == 1
    orders = server.book.sheet("订单")
    assert [orders.at(f"J{r}") for r in range(4, 8)] == ["=1+1", "+86", "0012", "普通"] and not orders.formulas
    assert orders.colour_at("A4") == (0xC6, 0xEF, 0xCE) and orders.colour_at("I5") == (0xC6, 0xEF, 0xCE)
    assert orders.colour_at("J4") == (0xC6, 0xEF, 0xCE)  # the written column is part of the used row now
    assert orders.colour_at("K4") is None and orders.colour_at("A6") is None
    assert orders.notes[(3, 0)] == NOTE_HEADER + "第4行"


def test_large_edits_are_split_under_the_payload_limit(server, monkeypatch):
    server.book.add_sheet("订单", [HEADER] + [[f"o{i}"] for i in range(3000)])
    spreadsheet = loopback_client(server).open_by_key("fake-key")
    edit = WorkbookEdit(marks=[CellMark("订单", r, 1, note="很长的说明" * 5) for r in range(2, 3002)])
    monkeypatch.setattr(gsheets, "MAX_BODY_BYTES", 100_000)
    batches = apply_edit_gsheets(spreadsheet, edit)
    assert batches == server.count(":batchUpdate") > 1
    assert len(server.book.sheet("订单").notes) == 3000
    chunks = list(split_requests([{"x": "y" * 1000}] * 50, limit=10_000))
    assert all(len(json.dumps({"requests": c})) < 10_000 for c in chunks) and sum(map(len, chunks)) == 50


def test_a_big_derived_sheet_goes_as_raw_values_split_under_the_payload_limit(server, monkeypatch):
    orders = server.book.add_sheet("订单", [HEADER] + [[f"o{i}"] for i in range(3000)])
    spreadsheet = loopback_client(server).open_by_key("fake-key")
    rows = [[f"o{i}", "=1+1" if i % 2 else 2.5, None, f"A{i + 2}"] for i in range(3000)]
    new = NewSheet("订单归属", ["订单编号", "值", "空", "订单行"], rows,
                   links={(i, 3): ("订单", f"A{i + 2}") for i in range(3000)}, fills={5: "FFF2CC", 6: "FFF2CC"})
    monkeypatch.setattr(gsheets, "MAX_BODY_BYTES", 30_000)
    batches = apply_edit_gsheets(spreadsheet, WorkbookEdit(job="flags", new_sheets=[new]))
    values_calls = server.count("/values:batchUpdate")
    assert values_calls > 1 and batches == values_calls + server.count("fake-key:batchUpdate")
    sheet = server.book.sheet("订单归属")
    assert [sheet.at(f"A{r}") for r in (1, 2, 3001)] == ["订单编号", "o0", "o2999"]
    assert sheet.at("B3") == "=1+1" and (2, 1) not in sheet.formulas and sheet.at("B2") == 2.5  # text stays text
    assert sheet.formulas[(3000, 3)] == f'=HYPERLINK("#gid={orders.sheet_id}&range=A3001","A3001")'
    assert sheet.colour_at("A7") == sheet.colour_at("D8") == (0xFF, 0xF2, 0xCC) and sheet.colour_at("A9") is None
    assert (0, 0) in sheet.bold and (1, 0) not in sheet.bold


def test_quota_429_is_retried_then_succeeds(server):
    _orders_spreadsheet(server)
    client = loopback_client(server)
    spreadsheet = client.open_by_key("fake-key")
    server.fail_next(429, times=2)
    apply_edit_gsheets(spreadsheet, WorkbookEdit(marks=[CellMark("订单", 4, 0, fill="FFC7CE")]))
    assert server.book.sheet("订单").colour_at("A4") == (0xFF, 0xC7, 0xCE)
    assert client.http_client.sleeps == [2, 4]


def test_quota_429_forever_gives_a_clear_error_after_the_cap(server):
    _orders_spreadsheet(server)
    client = loopback_client(server)
    spreadsheet = client.open_by_key("fake-key")
    before = len(server.log)
    server.fail_next(429, times=100)
    with pytest.raises(UserError) as caught:
        GSheetSource(spreadsheet)
    assert caught.value.key == "gsheets.quota" and "60" in str(caught.value)
    assert len(server.log) - before == len(gsheets.RETRY_WAITS) + 1
    assert client.http_client.timeout == gsheets.TIMEOUT


def test_not_shared_and_wrong_key_are_clear_errors(server):
    _orders_spreadsheet(server)
    client = loopback_client(server, account="bot@shop.iam.gserviceaccount.com")
    with pytest.raises(UserError) as wrong:
        client.open_by_key("no-such-key")
    assert wrong.value.key == "gsheets.not_found" and "no-such-key" in str(wrong.value)
    server.fail_next(403)
    with pytest.raises(UserError) as forbidden:
        client.open_by_key("fake-key")
    assert "bot@shop.iam.gserviceaccount.com" in str(forbidden.value)


def test_cli_needs_credentials_from_the_environment(cli, monkeypatch):
    for variable in gsheet.CREDENTIAL_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    result = cli("gsheet", "validate", "fake-key")
    assert result.exit_code == 2 and "SHOPBOOK_GSHEET_CREDENTIALS" in result.output


def test_cli_refuses_a_broken_key_file_and_a_network_failure(cli, tmp_path, monkeypatch):
    key_file = tmp_path / "sa.json"
    key_file.write_text("{}", encoding="utf-8")
    monkeypatch.setenv("SHOPBOOK_GSHEET_CREDENTIALS", str(key_file))
    result = cli("gsheet", "validate", "fake-key")
    assert result.exit_code == 2 and "sa.json" in result.output

    with FakeSheetsServer() as gone:
        client = loopback_client(gone)
    with pytest.raises(UserError) as caught:  # the server has shut down: connection refused
        client.open_by_key("fake-key")
    assert caught.value.key == "gsheets.network"


def test_cli_validate_marks_the_spreadsheet(cli, server, tmp_path, monkeypatch):
    _orders_spreadsheet(server)
    key_file = tmp_path / "sa.json"
    key_file.write_text(json.dumps({"client_email": "bot@shop.iam.gserviceaccount.com"}), encoding="utf-8")
    monkeypatch.setenv("SHOPBOOK_GSHEET_CREDENTIALS", str(key_file))
    monkeypatch.setattr(gsheet, "make_client", lambda path: loopback_client(server))
    monkeypatch.setattr(gsheet, "engine", lambda action: missing_phone_engine)
    result = cli("gsheet", "validate", "fake-key", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["spreadsheet"] == "店铺订单" and payload["marked_cells"] == 1
    assert server.book.sheet("订单").colour_at("G6") == (0xFF, 0xC7, 0xCE)


def test_cli_validate_with_the_real_rules_marks_what_shopbook_validate_finds(cli, server, tmp_path, monkeypatch):
    from automation.commands.validate import validate

    rows = [HEADER] + _rows()
    server.book.add_sheet("订单", rows)
    key_file = tmp_path / "sa.json"
    key_file.write_text("{}", encoding="utf-8")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    monkeypatch.delenv("SHOPBOOK_GSHEET_CREDENTIALS", raising=False)
    monkeypatch.setattr(gsheet, "make_client", lambda path: loopback_client(server))
    result = cli("gsheet", "validate", "fake-key")

    expected = validate(xlsx(tmp_path / "订单.xlsx", {"订单": rows}))
    assert expected.errors and result.exit_code == 1, result.output
    from automation.rules.annotate import note_text

    want: dict[tuple[int, int], list[str]] = {}
    for f in sorted(expected.findings, key=lambda f: ("error", "warning", "info").index(f.severity)):
        want.setdefault((f.row - 1, f.column_index), []).append(note_text(f))
    notes = server.book.sheet("订单").notes
    assert notes == {k: NOTE_HEADER + "\n".join(dict.fromkeys(v)) for k, v in want.items()}
    assert server.book.sheet("校验结果").rows == len(expected.not_checked) + len(expected.findings) + 1


def test_flags_on_a_tight_grid_adds_the_column_and_matches_the_file_command(server, tmp_path):
    from automation.commands.flags import run
    from automation.sheets.writers import apply_edit

    header = HEADER + ["卖家备注", "旗帜"]
    remarks = [["红旗 张三：要发顺丰", None], ["紫旗 10.12 换货 白色L换黑色XL 差价0 运费买家承担12元 李四", "紫"],
               ["", None], ["蓝旗 10.13 退款 质量问题 运费卖家出 王五", "蓝"], ["黄旗", None]]
    rows = [header] + [row + remark for row, remark in zip(_rows(), remarks)]
    server.book.add_sheet("订单", rows, columns=len(header))  # the grid ends at the last used column
    chart = server.book.add_sheet("图表")
    chart.sheet_type = "OBJECT"
    result = gsheet.run_on_spreadsheet("flags", loopback_client(server), "fake-key", _default_shop())
    assert result["write_batches"] == 2  # one batchUpdate, one RAW values:batchUpdate of the derived sheets

    path = xlsx(tmp_path / "订单.xlsx", {"订单": rows})
    copy = openpyxl.load_workbook(apply_edit(path, run(path)[3], suffix=".flags"))
    orders = server.book.sheet("订单")
    assert orders.columns == len(header) + 1
    expected = [[c.value for c in row] for row in copy["订单"].iter_rows()]
    got = [[orders.read(r, c) or None for c in range(len(expected[0]))] for r in range(len(expected))]
    assert [row[-1] for row in got] == [row[-1] for row in expected] and expected[0][-1] == "规范备注"
    derived = [name for name in copy.sheetnames if name != "订单"]
    assert derived and all(name in [s.title for s in server.book.sheets] for name in derived)
    for cell in ("A2", f"{column_letter(len(header))}2"):  # the new 规范备注 cell is coloured with its row
        fill = copy["订单"][cell].fill.fgColor.rgb[-6:]
        assert "%02X%02X%02X" % orders.colour_at(cell) == fill, cell
