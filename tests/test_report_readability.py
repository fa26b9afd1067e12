"""Issue 10 §3–§5 on the report workbooks and pages: Chinese rule names instead of codes, numbers
that explain themselves, and columns wide enough for every value as shown (frozen header, filter)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from automation.cli import cli
from automation.sales.section import shop_sales_report
from automation.shop import Shop
from automation.textwidth import display_width
from penalties_helpers import D
from test_penalties_report import report_shop
from test_sales import PROMO, SHOP_TOML, _order, make_shop, sales_shop

CODE = re.compile(r"M-[A-Z]+(-[A-Z0-9]+)*")


def _shown(cell) -> str:
    """A cell as Excel shows it with the formats our writers use."""
    value, fmt = cell.value, cell.number_format or "General"
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M" if "hh" in fmt else "%Y-%m-%d")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "%" in fmt:
            return f"{value * 100:.2f}%"
        if "#,##0.00" in fmt:
            return f"{value:,.2f}"
        if "0.000" in fmt:
            return f"{value:.3f}"
        return f"{value:.2f}".rstrip("0").rstrip(".") if "." in fmt else f"{value:.0f}" if fmt != "General" else str(value)
    return max(str(value).splitlines() or [""], key=display_width)


def check_readable(path, skip_rows: int = 0, sheets=None) -> list[str]:
    """Every column at least as wide as its widest formatted value (or the 60 cap, where text wraps);
    the header frozen and filtered. `sheets`: only these (the ones we add to a copy of the shop's
    workbook). Returns the sheets checked."""
    book = openpyxl.load_workbook(path)
    checked = []
    for sheet in book:
        if sheet.max_row <= 2 or sheets is not None and sheet.title not in sheets:
            continue
        checked.append(sheet.title)
        assert sheet.freeze_panes is not None, f"{path.name}/{sheet.title}: header not frozen"
        assert sheet.auto_filter.ref, f"{path.name}/{sheet.title}: no autofilter"
        top, bottom = (int(n) for n in re.findall(r"\d+", sheet.auto_filter.ref))  # the table (notes below it overflow freely)
        for row in sheet.iter_rows(min_row=top, max_row=bottom):
            for cell in row:  # a date stored without a date format shows as a serial number (46300)
                if isinstance(cell.value, dt.datetime):
                    assert "yy" in cell.number_format, f"{path.name}/{sheet.title} {cell.coordinate}: date shown as {cell.number_format}"
        for column in sheet.iter_cols(min_row=top, max_row=bottom):
            letter = column[0].column_letter
            width = sheet.column_dimensions[letter].width
            widest = max((display_width(_shown(c)) for c in column), default=0)
            assert width >= min(widest, 60), f"{path.name}/{sheet.title} column {letter}: width {width} < {widest}"
    return checked


def test_penalty_workbook_names_rules_in_chinese_and_is_readable(tmp_path):
    folder = report_shop(tmp_path)
    assert CliRunner().invoke(cli, ["report", "penalties", str(folder), "--month", "2026-10", "--as-of", "2026-11-20T09:00"]).exit_code == 0
    path = folder / "reports/out/2026-10/扣分报表_2026-10.xlsx"
    check_readable(path)
    book = openpyxl.load_workbook(path)
    by_rule = book["按规则"]
    headers = [c.value for c in by_rule[2]]
    assert "离开超过1分钟未修改在线状态" in headers and not any(CODE.search(h or "") for h in headers)
    assert any(CODE.search(c.comment.text) for c in by_rule[2] if c.comment)  # the code is in the header's note
    titles = [ws["A1"].value for ws in book]
    assert not any(CODE.search(t or "") for t in titles)
    summary = {r[0]: r for r in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["陈静"][7] == "咨询单第二日未跟踪回访（当月第3次起加倍）"  # 重复违规 by name, not M-PEN-FOLLOW
    detail = book["扣分明细"]
    header = [c.value for c in detail[2]]
    assert header[-1] == "依据" and header[2] == "规则"
    assert detail.column_dimensions["J"].width <= 16  # a narrow 依据 column


def test_no_previous_month_says_so_instead_of_a_change(tmp_path):
    folder = make_shop(tmp_path / "shop", {
        "订单": [["5000000000000000001", "交易成功", Decimal("100.00"), D("2026-10-09 15:00"), D("2026-10-12 09:00"), "连衣裙", 1,
                  "红", "陈静：要大码", None, None, "13812345678"]],
        "扣分登记": [[D("2026-10-12"), "陈静", "M-PEN-AWAY", 1, "离开未改状态", "王芳"]],
    }, SHOP_TOML)
    result = CliRunner().invoke(cli, ["report", "penalties", str(folder), "--month", "2026-10", "--as-of", "2026-11-20T09:00"])
    assert result.exit_code == 0, result.output
    assert "无上月数据" in result.output and "+1" not in result.output
    page = (folder / "reports/out/2026-10/扣分报表_2026-10.html").read_text(encoding="utf-8")
    assert "无上月数据" in page
    summary = openpyxl.load_workbook(folder / "reports/out/2026-10/扣分报表_2026-10.xlsx")["汇总"]
    row = next(r for r in summary.iter_rows(min_row=3, values_only=True) if r[0] == "陈静")
    assert row[3] == "无上月数据" and row[4] == "无上月数据"


def test_sales_counts_whole_orders_own_refunds_and_explains_unattributed(tmp_path):
    folder = make_shop(tmp_path / "shop", {"订单": [
        _order(1, "交易成功", Decimal("100.00"), "2026-10-09 10:00", "2026-10-09 16:00", "陈静", refund=Decimal("30.00")),
        _order(2, "交易成功", Decimal("60.00"), "2026-10-20 10:00", "2026-10-20 16:00", refund=Decimal("60.00")),  # promotion: shared
        _order(3, "交易成功", Decimal("58.00"), "2026-10-14 10:00", "2026-10-14 16:00"),  # unattributed
        _order(4, "交易成功", Decimal("40.00"), "2026-10-15 10:00", "2026-10-15 16:00", "张伟"),
    ]}, SHOP_TOML + PROMO)
    report = shop_sales_report(Shop.open(folder), "2026-10")
    agents = {m.agent: m.figures for m in report.agents}
    assert agents["陈静"].refunds == Decimal("30.00") and agents["张伟"].refunds == 0  # each agent's own orders only
    assert agents["陈静"].whole_orders == 1 and agents["陈静"].shared == Decimal("0.5")
    assert report.shared_refunds == Decimal("60.00")
    assert CliRunner().invoke(cli, ["report", "sales", str(folder), "--month", "2026-10"]).exit_code == 0
    path = folder / "reports/out/2026-10/销售报表_2026-10.xlsx"
    check_readable(path)
    monthly = openpyxl.load_workbook(path)["月度汇总"]
    header = [c.value for c in monthly[2]]
    assert "整单数" in header and "共享订单份额" in header and "订单数" not in header
    whole = header.index("整单数")
    assert all(isinstance(r[whole], int) for r in monthly.iter_rows(min_row=3, max_row=5, values_only=True) if r[1])
    text = "\n".join(str(c.value) for row in monthly.iter_rows() for c in row if isinstance(c.value, str))
    assert "未归属 1 单" in text and "卖家备注" in text and "共享订单的退款 60.00 元不计入任何个人" in text
    assert not CODE.search(monthly["A1"].value)
    page = (folder / "reports/out/2026-10/销售报表_2026-10.html").read_text(encoding="utf-8")
    assert "未归属 1 单" in page and "如何" not in page or "卖家备注" in page
    assert not CODE.search(re.sub(r"<[^>]+>", "", page))


def test_demo_like_sales_workbook_is_readable(tmp_path):
    folder = sales_shop(tmp_path)
    assert CliRunner().invoke(cli, ["report", "sales", str(folder), "--month", "2026-10"]).exit_code == 0
    check_readable(folder / "reports/out/2026-10/销售报表_2026-10.xlsx")


def test_courier_workbooks_are_readable(tmp_path):
    import courier_helpers as month_data

    root = month_data.write_shop(tmp_path / "shop")
    runner = CliRunner()
    assert runner.invoke(cli, ["reconcile", str(root), "--month", "2026-10"]).exit_code == 0
    assert runner.invoke(cli, ["stubs", str(root), "--month", "2026-10"]).exit_code == 0
    out = root / "reports/out/2026-10"
    for name in ("快递对账_2026-10.xlsx", "申诉清单_中通_2026-10.xlsx", "底单核对_2026-10-01_2026-10-31.xlsx"):
        check_readable(out / name)


@pytest.mark.libreoffice
def test_a_report_rendered_by_libreoffice_shows_no_hashes(tmp_path, soffice_convert):
    import subprocess

    folder = sales_shop(tmp_path)
    assert CliRunner().invoke(cli, ["report", "sales", str(folder), "--month", "2026-10"]).exit_code == 0
    pdf = soffice_convert(folder / "reports/out/2026-10/销售报表_2026-10.xlsx", "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "整单数" in text and "陈静" in text and "3,006.61" in text
    assert "###" not in text  # no column too narrow for its number


def test_stubs_without_date_checks_the_latest_day_in_the_sheets(tmp_path):
    import courier_helpers as month_data

    root = month_data.write_shop(tmp_path / "shop")
    result = CliRunner().invoke(cli, ["stubs", str(root)])
    assert result.exit_code == 0, result.output
    assert "核对表格中最近的一天：2026-10-31" in result.output
    assert (root / "reports/out/2026-10/底单核对_2026-10-31.xlsx").exists()
    assert "M-CUR" not in result.output  # the console names checks, the workbook's 依据 column carries the ids


def test_our_own_outputs_are_never_inputs(tmp_path):
    import shutil

    import courier_helpers as month_data

    root = month_data.write_shop(tmp_path / "shop")
    shutil.copyfile(root / "订单.xlsx", root / "订单.checked.xlsx")
    shutil.copyfile(root / "订单.xlsx", root / "订单.flags.xlsx")
    shop = Shop.open(root)
    assert {p.name for p in shop.skipped} == {"订单.checked.xlsx", "订单.flags.xlsx"}
    assert not any(".checked." in p.name or ".flags." in p.name for p in shop.files)
    result = CliRunner().invoke(cli, ["validate", str(root / "订单.checked.xlsx")])
    assert result.exit_code == 2 and "shopbook 自己生成的文件，不作为输入" in result.output and "订单.xlsx" in result.output
    assert not (root / "订单.checked.checked.xlsx").exists()
    result = CliRunner().invoke(cli, ["validate", str(root)])
    assert "已跳过 shopbook 自己生成的文件（不作为输入）：订单.checked.xlsx、订单.flags.xlsx" in result.output
    assert not (root / "订单.checked.checked.xlsx").exists()
