"""The Sheets reading and error code on Google's real recorded answers, and the double held to them.

tests/fixtures/google_sheets/ holds trimmed responses Google sent to gspread's test suite (see its
README). Two kinds of test here: (1) shopbook's code fed the real bytes through a loopback replay
server; (2) our own double (`fake_sheets_api`) given the same cells must answer exactly what Google
answered, for every render option — so the double cannot drift from the real API unnoticed.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from automation.coerce import to_date
from automation.errors import UserError
from automation.sheets import gsheets
from automation.sheets.gsheets import GSheetSource, notes_in
from automation.tables import read_tables
from tests.doubles.fake_sheets_api import FakeSheetsServer, loopback_client
from tests.doubles.replay_sheets import (ReplaySheetsServer, as_batch_get, batch_get_request, fixture,
                                         metadata_request, notes_request)

RENDERINGS = [("UNFORMATTED_VALUE", "SERIAL_NUMBER"), ("UNFORMATTED_VALUE", "FORMATTED_STRING"),
              ("FORMATTED_VALUE", "SERIAL_NUMBER"), ("FORMATTED_VALUE", "FORMATTED_STRING")]
KEY = "1VYZV6IRnymjtcrTiKitjSdyIpBjiKTnzjBT-J87QLjI"  # the recorded spreadsheet's id


@pytest.fixture
def replay():
    with ReplaySheetsServer() as running:
        yield running


def _recorded_cells(server: FakeSheetsServer):
    """The cells gspread's test wrote (USER_ENTERED): =4/2, 2020-01-01, string, 53 / =3/2, 0.12, 1999-01-02."""
    sheet = server.book.add_sheet("Sheet1")
    sheet.fill_rows([[None, dt.date(2020, 1, 1), "string", 53.0], [None, 0.12, dt.date(1999, 1, 2)]])
    sheet.formulas.update({(0, 0): "=4/2", (1, 0): "=3/2"})
    sheet.results.update({(0, 0): 2.0, (1, 0): 1.5})  # Google computes the formulas
    sheet.set_format("B1", "DATE", "yyyy-MM-dd")
    sheet.set_format("C2", "DATE", "yyyy-MM-dd")
    return sheet


@pytest.mark.parametrize("value_option,date_option", RENDERINGS + [("FORMULA", "SERIAL_NUMBER")])
def test_the_double_answers_what_google_answered_for_every_render_option(value_option, date_option):
    name = "values_FORMULA.json" if value_option == "FORMULA" else f"values_{value_option}_{date_option}.json"
    recorded = fixture(name)["body"]["values"]
    with FakeSheetsServer() as server:
        _recorded_cells(server)
        spreadsheet = loopback_client(server).open_by_key("fake-key")
        answer = spreadsheet.values_batch_get(["'Sheet1'"], params={"valueRenderOption": value_option,
                                                                    "dateTimeRenderOption": date_option})
    assert answer["valueRanges"][0]["values"] == recorded


def test_the_double_defaults_to_formatted_values_like_google():
    recorded = fixture("values_default.json")["body"]["values"]
    with FakeSheetsServer() as server:
        _recorded_cells(server)
        answer = loopback_client(server).open_by_key("fake-key").values_batch_get(["'Sheet1'"])
    assert answer["valueRanges"][0]["values"] == recorded


def _open(replay: ReplaySheetsServer, values: str):
    replay.answer(metadata_request, fixture("metadata.json"))
    value_option, date_option = values.removeprefix("values_").removesuffix(".json").rsplit("_", 2)[0], None
    for v, d in RENDERINGS:
        if values == f"values_{v}_{d}.json":
            value_option, date_option = v, d
    replay.answer(batch_get_request(value_option, date_option), as_batch_get(values))
    return loopback_client(replay).open_by_key(KEY)


def test_source_reads_google_serial_dates_and_numbers_from_the_recorded_answer(replay):
    source = GSheetSource(_open(replay, "values_UNFORMATTED_VALUE_SERIAL_NUMBER.json"))
    assert source.sheet_names() == ["Sheet1"] and source.sheets["Sheet1"].columns == 26
    grid = source.grid("Sheet1")
    assert grid == [[2.0, 43831.0, "string", 53.0], [1.5, 0.12, 36162.0]]
    assert to_date(grid[0][1]) == (dt.date(2020, 1, 1), None) and to_date(grid[1][2]) == (dt.date(1999, 1, 2), None)
    batch = [q for m, p, q in replay.log if p.endswith("values:batchGet")]
    assert batch == [{"ranges": ["'Sheet1'"], "valueRenderOption": ["UNFORMATTED_VALUE"],
                      "dateTimeRenderOption": ["SERIAL_NUMBER"], "majorDimension": ["ROWS"]}]


def test_source_no_longer_asks_for_formatted_strings(replay):
    """Only the serial-number answer is routed: asking for FORMATTED_STRING again gets no answer."""
    replay.answer(metadata_request, fixture("metadata.json"))
    replay.answer(batch_get_request("UNFORMATTED_VALUE", "FORMATTED_STRING"), as_batch_get("values_UNFORMATTED_VALUE_FORMATTED_STRING.json"))
    source = GSheetSource(loopback_client(replay).open_by_key(KEY))
    with pytest.raises(UserError) as caught:
        source.grid("Sheet1")
    assert caught.value.key == "gsheets.api" and "599" in str(caught.value)


def test_a_date_shown_in_us_format_reads_as_its_date_not_as_bad_date():
    """The issue's case: an en_US sheet shows 10/3/2026 9:30:00; FORMATTED_STRING gave coerce.bad_date."""
    header = ["订单编号", "订单状态", "订单付款时间", "订单创建时间"]
    with FakeSheetsServer() as server:
        sheet = server.book.add_sheet("订单", [header, ["5121910154426014001", "交易成功",
                                                       dt.datetime(2026, 10, 3, 9, 30), dt.datetime(2026, 10, 3, 9, 5)]])
        sheet.set_format("C2", "DATE_TIME", "M/d/yyyy H:mm:ss")
        sheet.set_format("D2", "DATE_TIME", "yyyy年M月d日 H时mm分")
        assert sheet.render(1, 2, "UNFORMATTED_VALUE", "FORMATTED_STRING") == "10/3/2026 9:30:00"
        tables = read_tables(GSheetSource(loopback_client(server).open_by_key("fake-key")))
    orders = tables[0]
    assert orders.records[0].data["paid_at"] == dt.datetime(2026, 10, 3, 9, 30)
    assert orders.records[0].data["created_at"] == dt.datetime(2026, 10, 3, 9, 5)
    assert not [p for p in orders.problems if p.code == "coerce.bad_date"]


@pytest.mark.parametrize("name,titles,expected", [
    ("notes_sheet.json", ["Sheet1"], {("Sheet1", 1, 0): "read my note", ("Sheet1", 2, 1): "Or don't",
                                       ("Sheet1", 3, 0): "another note", ("Sheet1", 3, 2): "test"}),
    ("notes_empty_row.json", ["worksheet 2"], {("worksheet 2", 1, 0): "the first time", ("worksheet 2", 3, 1): "two sheets"}),
    ("notes_none.json", ["Sheet1"], {}),
])
def test_notes_are_read_from_googles_recorded_answers(name, titles, expected):
    assert notes_in(fixture(name)["body"], titles) == expected


def test_existing_notes_request_on_the_replayed_answer(replay):
    spreadsheet = _open(replay, "values_UNFORMATTED_VALUE_SERIAL_NUMBER.json")
    replay.answer(notes_request, fixture("notes_sheet.json"))
    source = GSheetSource(spreadsheet)
    found = gsheets.existing_notes(spreadsheet, source, [("Sheet1", 1, 0), ("Sheet1", 3, 2)])
    assert found[("Sheet1", 1, 0)] == "read my note" and found[("Sheet1", 3, 2)] == "test"


def _error(replay: ReplaySheetsServer, name: str, times: int | None = None) -> UserError:
    replay.answer(lambda m, p, q: True, fixture(name), times)
    with pytest.raises(UserError) as caught:
        loopback_client(replay, account="bot@shop.iam.gserviceaccount.com").open_by_key(KEY)
    return caught.value


def test_recorded_404_names_the_key(replay):
    error = _error(replay, "error_404.json")
    assert error.key == "gsheets.not_found" and KEY in str(error)


def test_recorded_403_permission_denied_says_share_with_the_service_account(replay):
    error = _error(replay, "error_403.json")
    assert error.key == "gsheets.forbidden" and "bot@shop.iam.gserviceaccount.com" in str(error)


def test_403_service_disabled_says_enable_the_api_with_the_project_number(replay):
    error = _error(replay, "error_403_service_disabled.json")
    assert error.key == "gsheets.api_disabled"
    assert "123456789012" in str(error) and "Google Sheets API" in str(error) and "共享" not in str(error)


def test_429_is_retried_and_then_reported(replay):
    recorded = fixture("error_429.json")
    replay.answer(lambda m, p, q: True, recorded, times=2)
    replay.answer(metadata_request, fixture("metadata.json"))
    client = loopback_client(replay)
    assert client.open_by_key(KEY).title == "Test WorksheetTest test_get_all_values_date_time_render_options"
    assert client.http_client.sleeps == [2, 4]
    replay.routes.clear()
    error = _error(replay, "error_429.json")
    assert error.key == "gsheets.quota"
    assert len(replay.log) == 3 + len(gsheets.RETRY_WAITS) + 1


def test_fixtures_name_their_source():
    from tests.doubles.replay_sheets import FIXTURES

    for path in FIXTURES.glob("*.json"):
        recorded = json.loads(path.read_text(encoding="utf-8"))
        assert recorded["source"].startswith(("burnash/gspread (MIT) tests/cassettes/", "RECONSTRUCTED")), path.name
        assert set(recorded) >= {"request", "status", "body"}
