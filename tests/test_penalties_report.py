"""The penalty and sales reports end to end: CLI, workbooks read back (values, native charts),
LibreOffice opens them, the HTML sections (inline PNG charts with CJK labels, no scripts, masked)."""

from __future__ import annotations

import subprocess
import warnings
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from automation.commands.report import command as report_group
from automation.monthly import Section
from automation.penalties.section import monthly_section as penalties_section
from automation.sales.charts import bar_chart, cjk_font
from automation.sales.section import monthly_section as sales_section
from automation.shop import Shop
from penalties_helpers import SHOP_TOML, D, make_shop

TOML = SHOP_TOML + "\n[penalties]\nfail_points = 3\nfail_months = 2\n"


def report_shop(tmp_path):
    return make_shop(tmp_path / "shop", {
        "订单": [["5000000000000000001", "交易成功", Decimal("100.00"), D("2026-10-09 15:00"), D("2026-10-12 09:00"), "连衣裙", 1,
                  "红", "陈静：要大码", None, None, "13812345678"]],
        "回访表": [[D(f"2026-10-{d}"), "陈静", f"b{d}", None, None] for d in (12, 13, 14)],
        "评价登记": [[D("2026-10-20"), "5000000000000000002", "张伟", "差评", "太差了", "是", "批评", "未处理"]],
        "扣分登记": [
            [D("2026-09-10"), "陈静", "M-PEN-QUOTE", 5, "九月报错价", "王芳"],
            [D("2026-10-12"), "陈静", "M-PEN-AWAY", 1, "离开未改状态", "王芳"],
            [D("2026-10-21"), "张伟", "M-PEN-BADREV", 9, "订单 5000000000000000002", "李娜"],
        ],
    }, TOML)


# Hand-computed for report_shop, October:
# 陈静  SHIP 3 + FOLLOW 0.5 + 0.5 + 1 (3rd doubled) + AWAY 1 = 6 (September 5: failing two months -> flagged)
# 张伟  BADREV with text 5 (recorded 9 is out of range: counted 5, once)
# 李娜  AWAY linked 2
EXPECTED = {"陈静": 6, "张伟": 5, "李娜": 2, "王芳": 0}


def _run(*args):
    result = CliRunner().invoke(report_group, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_penalties_cli_workbook_values_and_evidence(tmp_path):
    folder = report_shop(tmp_path)
    _run("penalties", str(folder), "--month", "2026-10", "--as-of", "2026-11-20T09:00")
    path = folder / "reports/out/2026-10/扣分报表_2026-10.xlsx"
    book = openpyxl.load_workbook(path)
    summary = book["汇总"]
    header = [c.value for c in summary[2]]
    rows = {r[0]: dict(zip(header, r)) for r in summary.iter_rows(min_row=3, values_only=True) if r[0] in EXPECTED}
    assert {name: Decimal(str(r["本月扣分"])) for name, r in rows.items()} == {k: Decimal(v) for k, v in EXPECTED.items()}
    assert rows["陈静"]["上月扣分"] == 5 and rows["陈静"]["变化"] == 1 and rows["陈静"]["提醒负责人"] == "是"
    assert rows["李娜"]["其中连带扣分"] == 2
    detail = book["扣分明细"]
    header = [c.value for c in detail[2]]
    lines = [dict(zip(header, r)) for r in detail.iter_rows(min_row=3, values_only=True)]
    assert len(lines) == 7  # SHIP, 3 × FOLLOW, AWAY, AWAY linked, BADREV — nothing twice
    follow3 = next(x for x in lines if x["依据"].startswith("M-PEN-FOLLOW\n") and x["加倍"] == "是")
    assert follow3["扣分"] == 1 and "回访表 · 第4行" in follow3["证据位置"]
    badrev = next(x for x in lines if x["依据"].startswith("M-PEN-BADREV\n"))
    assert badrev["来源"] == "登记+检测" and "评价登记 · 第2行" in badrev["证据位置"] and "扣分登记 · 第4行" in badrev["证据位置"]
    assert any("3–5" in (r[1] or "") for r in book["需核对"].iter_rows(min_row=3, values_only=True))
    assert book["提醒负责人"]["A3"].value == "陈静" and book["提醒负责人"]["B3"].value == "李娜"
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())
        assert not any(b"13812345678" in z.read(n) for n in z.namelist())


def test_penalty_section_html_text_and_chart(tmp_path):
    shop = Shop.open(report_shop(tmp_path))
    section = penalties_section(shop, "2026-10")
    assert isinstance(section, Section) and section.attachments[0].exists()
    (cid, png), = section.images.items()
    assert png.startswith(b"\x89PNG") and f'src="cid:{cid}"' in section.html
    assert "<script" not in section.html and "13812345678" not in section.html + section.text
    assert "陈静" in section.text and "提醒负责人" in section.html
    assert "M-PEN-" not in section.html + section.text  # issue 10 §3: rule names for staff, never codes


def test_sales_section_has_three_inline_charts(tmp_path):
    section = sales_section(Shop.open(report_shop(tmp_path)), "2026-10")
    assert len(section.images) == 3 and all(p.startswith(b"\x89PNG") for p in section.images.values())
    assert all(f"cid:{cid}" in section.html for cid in section.images)
    with zipfile.ZipFile(section.attachments[0]) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 3


def test_chart_labels_have_a_cjk_font():
    installed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip() \
        if __import__("shutil").which("fc-list") else ""
    if not installed:
        pytest.skip("no CJK font installed (Debian: fonts-wqy-microhei or fonts-noto-cjk)")
    assert cjk_font() is not None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bar_chart("每人扣分", ["陈静", "张伟"], [Decimal("6"), Decimal("5")], " 分")
    assert not [w for w in caught if "Glyph" in str(w.message)], "CJK labels would render as boxes"


def test_a_new_empty_shop_gives_no_data_reports_not_zeros(tmp_path, cli):
    """Issue 10 §1: a month that is not there is reported as 无数据 (exit 2), never as a table of zeros."""
    assert cli("init", str(tmp_path / "new")).exit_code == 0
    assert (tmp_path / "new" / "扣分规则.toml").exists()
    for args, name in ((("penalties",), "扣分报表_2026-10"), (("sales",), "销售报表_2026-10")):
        result = cli("report", *args, str(tmp_path / "new"), "--month", "2026-10")
        assert result.exit_code == 2, result.output
        assert "无数据" in result.output and "订单表中没有 2026-10 的订单" in result.output
        book = openpyxl.load_workbook(tmp_path / f"new/reports/out/2026-10/{name}.xlsx")
        cells = [c.value for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
        assert "无数据" in cells and not any(isinstance(v, (int, float)) for v in cells)
        page = (tmp_path / f"new/reports/out/2026-10/{name}.html").read_text(encoding="utf-8")
        assert "无数据" in page and "<table" not in page


@pytest.mark.libreoffice
def test_workbooks_open_in_libreoffice(tmp_path, soffice_convert):
    folder = report_shop(tmp_path)
    _run("penalties", str(folder), "--month", "2026-10", "--as-of", "2026-11-20T09:00")
    _run("sales", str(folder), "--month", "2026-10")
    for name in ("扣分报表_2026-10.xlsx", "销售报表_2026-10.xlsx"):
        pdf = soffice_convert(folder / "reports/out/2026-10" / name, "pdf")
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
