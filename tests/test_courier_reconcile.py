"""Bill import and the three-way match on a small hand-made month (tests/courier_helpers.py)."""

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import courier_helpers as month_data
from automation.cli import cli
from automation.courier.bill import read_bill
from automation.courier.run import reconcile_month, write_month
from automation.courier.settings import load_settings
from automation.errors import UserError
from automation.shop import Shop


@pytest.fixture(scope="module")
def shop_dir(tmp_path_factory):
    return month_data.write_shop(tmp_path_factory.mktemp("shop"))


@pytest.fixture(scope="module")
def done(shop_dir):
    shop = Shop.open(shop_dir)
    return write_month(shop, reconcile_month(shop, "2026-10"))


def test_bill_with_title_block_totals_row_and_signatures(shop_dir):
    settings = load_settings(Shop.open(shop_dir).config)
    bill = read_bill(shop_dir / "账单" / "中通_2026-10.xlsx", None, settings)
    assert bill.courier == "中通"
    assert bill.lines.height == len(month_data.BILL_LINES)  # no title, totals or signature row taken as a line
    assert bill.lines["bill_row"].to_list()[0] == 5  # header on row 4 under the title block
    assert bill.stated_total == month_data.BILL_TOTAL == bill.total


def test_float_and_scientific_waybills_are_detected(shop_dir):
    bill = read_bill(shop_dir / "账单" / "中通_2026-10.xlsx", None, load_settings(Shop.open(shop_dir).config))
    codes = {(p.row, p.code) for p in bill.problems if p.field == "waybill"}
    assert (14, "coerce.id_as_number") in codes  # 773312000099999.0 kept, but reported
    assert (15, "coerce.id_damaged") in codes    # 7.73312E+14: digits lost
    damaged = bill.lines.filter(bill.lines["damaged"])
    assert damaged["shown"].to_list() == ["7.73312E+14"] and damaged["waybill"].to_list() == [None]
    assert month_data.FLOAT_WAYBILL in bill.lines["waybill"].to_list()


def test_every_category_found_with_its_difference(done):
    res, = done.results
    got = {slug: (c.count, c.difference) for slug, c in res.categories.items()}
    assert got == month_data.PLANTED
    lines = res.lines
    assert lines.filter(lines["category"] == "duplicate")["bill_row"].to_list() == [9]  # the second line of W4
    assert lines.filter(lines["category"] == "lost_billed")["action"].to_list() == ["claim"]  # 丢件: M-CUR-CLAIM
    assert lines.filter(lines["category"] == "not_billed")["expected_c"].to_list() == [600]


def test_totals_close_to_the_cent(done):
    res, = done.results
    assert res.bill_total == month_data.BILL_TOTAL
    assert res.difference == sum((c.difference for c in res.categories.values()), Decimal("0.00"))
    assert res.difference == sum((d for _, d in month_data.PLANTED.values()), Decimal(0))
    assert all(isinstance(c.difference, Decimal) for c in res.categories.values())


def test_reconciliation_workbook_reads_back(done):
    book = openpyxl.load_workbook(done.workbook)
    summary = book["汇总"]
    assert summary.freeze_panes == "A4"
    assert summary["A4"].value == "中通" and summary["B4"].value == 94 and summary["C4"].value == 58 and summary["D4"].value == 36
    assert summary["B4"].number_format == "#,##0.00"
    cells = [c.value for row in summary.iter_rows() for c in row]
    assert "773312000099999" in cells and "7.73312E+14" in cells  # waybills stored as numbers are listed
    weight = book["计费重量超出容差"]
    assert weight.freeze_panes == "A2"
    header = [c.value for c in weight[1]]
    row = dict(zip(header, [c.value for c in weight[2]]))
    assert row["运单号"] == month_data.W(2) and row["订单编号"] == "O1002"
    assert row["账单重量(kg)"] == 2.6 and row["我方重量(kg)"] == 1.5 and row["差额"] == 3 and row["建议处理"] == "申诉"
    assert weight.cell(2, header.index("差额") + 1).number_format == "#,##0.00"
    assert {"重复计费", "与上月账单重复", "非我方发货", "缺少底单", "核对无误"} <= set(book.sheetnames)


def test_dispute_list_holds_only_lines_to_send_back(done):
    path = next(p for p in done.written if p.name.startswith("申诉清单_中通"))
    sheet = openpyxl.load_workbook(path).active
    waybills = [r[0] for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] and r[0] != "合计"]
    assert month_data.W(1) not in waybills and month_data.W(8) not in waybills  # ok and missing stub: nothing to dispute
    assert {month_data.W(2), month_data.W(3), month_data.W(6), month_data.W(7), "7.73312E+14"} <= set(waybills)
    total = [r for r in sheet.iter_rows(values_only=True) if r[6] == "合计"][0][7]
    assert total == 42 == done.results[0].recoverable


def test_unknown_bill_layout_names_the_missing_columns(tmp_path):
    path = tmp_path / "韵达_2026-10.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["运单号", "重量", "备注"])
    book.active.append(["431234567890123", 1.2, ""])
    book.save(path)
    with pytest.raises(UserError) as err:
        read_bill(path, None, load_settings(Shop.open(tmp_path).config))
    assert "快递运费" in str(err.value) and "bill_columns" in str(err.value) and "运单号" in str(err.value)


def test_courier_profile_maps_their_own_columns(tmp_path):
    (tmp_path / "shop.toml").write_text('[couriers."极兔"]\nbill_columns = { waybill = "面单号", total = "应付金额" }\n',
                                        encoding="utf-8")
    path = tmp_path / "极兔_2026-10.xlsx"
    book = openpyxl.Workbook()
    for row in (["极兔速递 对账单"], ["面单号", "应付金额"], ["JT0012345678901", 5.5], ["JT0012345678902", 6], ["总计", 11.5]):
        book.active.append(row)
    book.save(path)
    bill = read_bill(path, None, load_settings(Shop.open(tmp_path).config))
    assert bill.courier == "极兔" and bill.lines["waybill"].to_list() == ["JT0012345678901", "JT0012345678902"]
    assert bill.total == Decimal("11.50") == bill.stated_total


def test_cli_reconcile_json_and_missing_bill(shop_dir, tmp_path):
    import json

    result = CliRunner().invoke(cli, ["reconcile", str(shop_dir), "--month", "2026-10", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["couriers"]["中通"]["closes"] is True and data["couriers"]["中通"]["difference"] == "36.00"
    assert [(n["row"], n["code"]) for n in data["couriers"]["中通"]["waybill_notes"]] == \
        [(14, "coerce.id_as_number"), (15, "coerce.id_damaged")]
    month_data.write_shop(tmp_path / "nobills", with_bills=False)
    result = CliRunner().invoke(cli, ["reconcile", str(tmp_path / "nobills"), "--month", "2026-10"])
    assert result.exit_code == 2 and "账单" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["reconcile", str(shop_dir), "--month", "2026-13"])
    assert result.exit_code == 2 and "2026-10" in result.output


def test_explicit_bill_file_still_finds_previous_month(shop_dir):
    shop = Shop.open(shop_dir)
    done = reconcile_month(shop, "2026-10", [shop_dir / "账单" / "中通_2026-10.xlsx"])
    assert done.results[0].categories["duplicate_prev"].count == 1


@pytest.mark.parametrize("lines, category_of_first, difference", [
    ([("77000000000001", 400), ("77000000000001", 400)], "lost_billed", Decimal("8.00")),   # lost AND billed twice
    ([("77000000000001", 400), ("77000000000001", -400)], "ok", Decimal("0.00")),           # deducted by a credit line
    ([("77000000000001", 400), ("77000000000001", -100)], "lost_billed", Decimal("3.00")),  # deducted only in part
])
def test_lost_parcel_lines_close(lines, category_of_first, difference):
    from automation.courier.rates import parse_rate_card
    from automation.courier.reconcile import reconcile
    from automation.courier.settings import Tolerances

    card = parse_rate_card("中通", {"zones": [{"name": "全国", "provinces": ["*"], "first": 4, "additional": 1}]})
    bill, ships, stubs = month_data.bill_frames(lines, ["77000000000001"], [("77000000000001", "丢件")])
    res = reconcile(bill, ships, stubs, card, Tolerances(), "2026-10")
    assert res.lines["category"][0] == category_of_first
    assert res.difference == difference == sum((c.difference for c in res.categories.values()), Decimal("0.00"))


def test_many_correct_lines_are_counted_in_the_summary_not_listed(shop_dir, tmp_path, monkeypatch):
    """Above MAX_OK_ROWS the 核对无误 sheet is left out; the summary keeps its count and says so."""
    from automation.courier import workbook

    shop = Shop.open(shop_dir)
    done = reconcile_month(shop, "2026-10")
    ok = done.results[0].categories["ok"].count
    monkeypatch.setattr(workbook, "MAX_OK_ROWS", ok - 1)
    book = openpyxl.load_workbook(workbook.write_reconciliation(done.results, "2026-10", tmp_path / "对账.xlsx"))
    assert "核对无误" not in book.sheetnames
    assert {"重复计费", "计费重量超出容差", "缺少底单", "已发货未计费（结转下月）"} <= set(book.sheetnames)
    rows = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    assert ["核对无误", "中通", ok] == rows[next(i for i, r in enumerate(rows) if r[0] == "核对无误")][:3]
    assert any(str(r[0]).startswith(f"核对无误的 {ok} 笔未逐笔列出") for r in rows)
    monkeypatch.setattr(workbook, "MAX_OK_ROWS", ok)  # at the limit the lines are listed
    book = openpyxl.load_workbook(workbook.write_reconciliation(done.results, "2026-10", tmp_path / "对账2.xlsx"))
    assert book["核对无误"].max_row == ok + 1
    assert not any(str(r[0]).startswith("核对无误的") for r in book["汇总"].iter_rows(values_only=True))
