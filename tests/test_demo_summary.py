"""Issue 10 §6: `shopbook demo` ends with one summary, no loose lines before it. Its jobs table has
a row per job with its figures (the penalty and sales figures too) and the files it wrote, and the
whole output reads in Chinese at 80 columns."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from automation.cli import cli
from console_tables import squeezed, table_rows

JOBS = ("校验", "旗帜备注", "底单核对", "月度对账", "扣分报表", "销售报表", "月报邮件", "Excel控制台")
OUR_WORDS = {"xlsx", "xlsm", "html", "eml", "toml", "json", "checked", "flags", "reports", "out", "outbox", "Excel",
             "shopbook", "answer", "key", "shop", "tmp"}  # file names and paths, not English sentences


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-summary") / "demo-shop"
    result = CliRunner().invoke(cli, ["demo", str(folder)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    key = json.loads((folder / "answer_key.json").read_text(encoding="utf-8"))
    return folder, result.stdout, key


def _jobs(stdout: str) -> dict[str, list[str]]:
    return {row[0]: row for row in table_rows(stdout) if len(row) == 3 and row[0].startswith(JOBS)}


def test_nothing_loose_before_the_summary_and_no_tab_separated_lines(run):
    folder, stdout, _ = run
    lines = [line for line in stdout.splitlines() if line.strip()]
    assert lines[0].startswith("演示店铺已生成") and str(folder) in lines[0]
    assert not any("\t" in line for line in lines)
    assert all(len(line) <= 80 for line in lines[1:-1]), "a table wider than the terminal"


def test_one_row_per_job_with_its_figures_and_files(run):
    folder, stdout, key = run
    jobs = _jobs(stdout)
    assert [name for name in JOBS if any(j.startswith(name) for j in jobs)] == list(JOBS)
    penalties = next(row for job, row in jobs.items() if job.startswith("扣分报表"))
    for person, points in key["penalties"].items():
        if points != "0":
            assert f"{person}{points}分" in penalties[1], (person, points, penalties[1])
    sales = next(row for job, row in jobs.items() if job.startswith("销售报表"))
    assert re.search(r"销售额[\d,]+\.\d\d元", sales[1]) and "月末付款未发货" in sales[1]
    validate = next(row for job, row in jobs.items() if job.startswith("校验"))
    assert re.search(r"错误\d+，警告\d+，提示\d+", validate[1])
    reconcile = next(row for job, row in jobs.items() if job.startswith("月度对账"))
    for courier, money in key["courier"].items():
        assert f"差额{money['difference']}元" in reconcile[1]
    written = {p.name for p in folder.rglob("*") if p.is_file()}
    for row in jobs.values():
        names = re.findall(r"[^/\s]+?\.(?:xlsx|xlsm|html|eml)", row[2])
        assert names and set(names) <= written, row


def test_the_summary_reads_in_chinese(run):
    folder, stdout, _ = run
    text = stdout.replace(str(folder), "")
    words = set(re.findall(r"[A-Za-z]{2,}", text))
    assert words <= OUR_WORDS, sorted(words - OUR_WORDS)
    assert squeezed("演示店铺的表格") in squeezed(stdout) and "orders" not in stdout


# ---- issue 10 §5: every workbook the demo's jobs generate is readable ------------------------------

OUR_SHEETS = {"校验结果", "换货登记", "退款登记", "异常订单", "催付催单", "订单归属"}  # added to copies of the shop's workbooks


def _generated(folder):
    """Every workbook the jobs wrote: the reports folder whole; of the annotated copies only the
    sheets we add (the rest is the shop's own sheet, kept as it was)."""
    reports = sorted((folder / "reports").rglob("*.xlsx"))
    copies = [folder / "订单.flags.xlsx", folder / "交接本.checked.xlsx", folder / "售后.checked.xlsx"]
    return [(path, None) for path in reports] + [(path, OUR_SHEETS) for path in copies]


def test_every_generated_workbook_is_readable(run):
    from test_report_readability import check_readable

    folder, _, _ = run
    found = _generated(folder)
    names = {p.name for p, _ in found}
    assert {"快递对账_2026-10.xlsx", "申诉清单_中通_2026-10.xlsx", "底单核对_2026-10-01_2026-10-31.xlsx",
            "扣分报表_2026-10.xlsx", "销售报表_2026-10.xlsx", "订单.flags.xlsx"} <= names
    checked = [sheet for path, sheets in found for sheet in check_readable(path, sheets=sheets)]
    assert {"换货登记", "退款登记", "催付催单", "订单归属", "校验结果"} <= set(checked)


def test_templates_have_widths_formats_frozen_header_and_filter(tmp_path):
    import openpyxl

    from automation.templates import write_templates
    from automation.textwidth import display_width
    from test_templates import _dimension

    for path, _ in write_templates(tmp_path):
        for sheet in openpyxl.load_workbook(path):
            assert sheet.freeze_panes == "A2", (path.name, sheet.title)
            if sheet.title == "下拉选项":  # the dropdown lists, not a table
                continue
            assert sheet.auto_filter.ref, (path.name, sheet.title)
            for cell in sheet[1]:
                width = _dimension(sheet, cell.column - 1).width
                assert width >= display_width(cell.value) + 2, (path.name, sheet.title, cell.value)
