"""The 控制台 console: every job from one 运行 button, through the xlwings double, on the demo shop.

Each job must write what its CLI command writes (same files, same place) and fill the status cells;
a bad month or a wrong target must end as one plain Chinese line in the error cell.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from automation import console
from automation.console import ACTION_CELL, CONSOLE_SHEET, MONTH_CELL, OUTPUT_ROW, STATUS_ROWS, TARGET_CELL
from automation.demo import DEFAULT_SEED, build_demo
from tests.doubles import fake_xlwings
from tests.doubles.fake_xlwings import App, Book, Sheet, book_from_xlsx

MONTH = "2026-10"  # the demo's month


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("console") / "demo-shop", DEFAULT_SEED).folder


def _companion(shop: Path, platform: str = "windows") -> Book:
    """The console workbook open in Excel, sitting in the shop folder."""
    book = Book(name="shopbook按钮.xlsm", fullname=str(shop / "shopbook按钮.xlsm"), app=App(platform))
    sheet = Sheet(book, CONSOLE_SHEET)
    book.sheets._items.append(sheet)
    sheet.fill_rows([["shopbook 控制台"]])
    return book


@pytest.fixture
def companion(shop) -> Book:
    """The shop-folder jobs touch Excel only through single status cells: Windows is enough."""
    return _companion(shop)


@pytest.fixture(params=fake_xlwings.PLATFORMS)
def companion_both(request, tmp_path) -> Book:
    """校验 / 旗帜 mark a workbook: on Excel for Windows and Excel for Mac."""
    return _companion(tmp_path, request.param)


def _press(book: Book, action: str, month: object = MONTH, target: object = None) -> dict[str, object]:
    sheet = book.sheets[CONSOLE_SHEET]
    sheet.fill_rows([[action], [month], [target]], top=3, left=2)
    for cell, value in ((ACTION_CELL, action), (MONTH_CELL, month), (TARGET_CELL, target)):
        if value in (None, ""):
            sheet.cells.pop((int(cell[1:]), 2), None)
    console.press(book)
    status = {key: sheet.value_at(f"B{row}") for key, row in STATUS_ROWS.items()}
    status["links"] = [sheet.formulas[(r, 2)] for r in range(OUTPUT_ROW, OUTPUT_ROW + console.MAX_OUTPUTS)
                       if (r, 2) in sheet.formulas]
    return status


def _linked(status: dict) -> list[Path]:
    return [Path(re.match(r'=HYPERLINK\("(.*?)","', link).group(1)) for link in status["links"]]


def _done(status: dict) -> None:
    assert status["error"] is None, status["error"]
    assert status["progress"] == "完成"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", status["started"])
    assert status["finished"] >= status["started"] and status["counts"]


def _files(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("action,cli_args", [
    ("底单核对", ["stubs", "--month", MONTH]),
    ("月度对账", ["reconcile", "--month", MONTH]),
    ("扣分报表", ["report", "penalties", "--month", MONTH]),
    ("销售报表", ["report", "sales", "--month", MONTH]),
])
def test_console_jobs_write_what_the_cli_writes(companion, shop, cli, action, cli_args):
    status = _press(companion, action)
    _done(status)
    outputs = _linked(status)
    assert outputs and all(p.is_file() for p in outputs)
    assert not re.search(r"[A-Z]{3}\d{3}|Traceback", status["counts"])  # plain Chinese, no internal codes
    before = _files(shop)
    command, options = (cli_args[:2], cli_args[2:]) if cli_args[0] == "report" else (cli_args[:1], cli_args[1:])
    result = cli(*command, str(shop), *options)
    assert result.exit_code == 0, result.output
    rewritten = {p for p, stamp in _files(shop).items() if before.get(p) != stamp}
    assert rewritten == set(outputs)  # the same files in the same place: the CLI's code ran


def test_console_monthly_email_lands_in_the_outbox_as_the_cli_writes_it(companion, shop):
    """The CLI run is left out here (it rebuilds every section, ~13 s): the job calls its write_monthly."""
    import email

    status = _press(companion, "生成月报邮件")
    _done(status)
    eml, preview = _linked(status)
    assert eml.parent.name == "outbox" and eml.suffix == ".eml" and preview.suffix == ".html"
    message = email.message_from_bytes(eml.read_bytes())
    assert "2026" in str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert "未发送" in status["counts"]


def test_console_validate_and_flags_mark_the_workbook_live(companion_both, tmp_path):
    from tests.test_live_excel import _problem_orders

    companion, shop = companion_both, tmp_path
    orders = _problem_orders(tmp_path / "订单.xlsx")
    target = book_from_xlsx(orders, app=companion.app, opened=False)
    companion.app.books.files[str(orders)] = target
    status = _press(companion, "校验", target=str(orders))
    _done(status)
    assert status["counts"].startswith("发现 ") and "校验结果" in target.sheets.names()
    marked = target.sheets["订单"]
    assert marked.notes_by_cell and marked.colors
    assert status["links"] == []  # nothing written to disk: the marks are in the open workbook
    status = _press(companion, "旗帜", target=str(orders))
    _done(status)
    assert status["counts"].startswith("订单 ")
    assert not (shop / "订单.checked.xlsx").exists()


def test_a_blank_target_means_the_consoles_folder_and_a_blank_month_last_month(companion, shop, monkeypatch):
    import datetime as dt

    monkeypatch.setattr("automation.courier.months.last_month", lambda today=None: MONTH)
    status = _press(companion, "底单核对", month=None, target=None)
    _done(status)
    assert all(shop in p.parents for p in _linked(status))
    status = _press(companion, "底单核对", month=dt.datetime(2026, 10, 1))  # Excel turned "2026-10" into a date
    _done(status)


@pytest.mark.parametrize("action,month,target,words", [
    ("扣分报表", "2026-13", None, "2026-13"),
    ("", MONTH, None, "选择要运行的操作"),
    ("校验", MONTH, "{shop}", "工作簿"),
    ("月度对账", MONTH, "{shop}/没有这个文件夹", "找不到"),
    ("校验", MONTH, "{shop}/没有.xlsx", "找不到"),
])
def test_bad_input_ends_as_one_chinese_line_in_the_error_cell(companion, shop, action, month, target, words):
    status = _press(companion, action, month=month, target=target.format(shop=shop) if target else None)
    assert status["progress"] == "失败" and status["counts"] is None and status["links"] == []
    assert status["error"].startswith("错误：") and words in status["error"]
    assert "Traceback" not in status["error"] and "\n" not in status["error"]


def test_an_unexpected_failure_names_the_log_and_a_rerun_clears_old_status(companion, shop, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    broken = console.Job("stubs", ("底单核对", "Stub check"), False, lambda *a: 1 / 0)
    monkeypatch.setattr(console, "JOBS", (broken,))
    status = _press(companion, "底单核对")
    assert "shopbook-button.log" in status["error"] and "ZeroDivisionError" not in status["error"]
    assert "ZeroDivisionError" in (tmp_path / "shopbook-button.log").read_text(encoding="utf-8")
    monkeypatch.undo()
    status = _press(companion, "底单核对")
    assert status["error"] is None and status["progress"] == "完成"


def test_the_console_workbook_ships_with_init_and_the_demo(cli, tmp_path):
    import openpyxl

    from automation.cli import command_modules
    from automation.commands import xlwings_cmd

    assert cli("init", str(tmp_path / "新店")).exit_code == 0
    made = tmp_path / "新店" / xlwings_cmd.COMPANION_NAME
    book = openpyxl.load_workbook(made, keep_vba=True)
    assert book.sheetnames[0] == CONSOLE_SHEET and book["说明"]["B3"].value == str((tmp_path / "新店" / "订单.xlsx").resolve())
    assert book[CONSOLE_SHEET][TARGET_CELL].value == str((tmp_path / "新店" / "订单.xlsx").resolve())
    assert cli("init", str(tmp_path / "新店"), "--force").exit_code == 0  # kept, not rewritten
    steps = [name for name, module in command_modules() if hasattr(module, "demo_step")]
    assert "xlwings_cmd" in steps  # `shopbook demo` runs it: the demo folder gets the console workbook
    demo = tmp_path / "演示"
    demo.mkdir()
    (demo / "订单.xlsx").write_bytes((tmp_path / "新店" / "订单.xlsx").read_bytes())
    assert xlwings_cmd.demo_step(demo, None).outputs == [demo / xlwings_cmd.COMPANION_NAME]


@pytest.mark.parametrize("action,steps", [
    ("底单核对", ["读取表格", "检查规则", "写入结果"]),
    ("扣分报表", ["读取表格", "计算扣分", "写入结果"]),
])
def test_the_progress_cell_receives_every_step_then_the_summary(companion, shop, action, steps):
    """Issue 10 §7: the console's progress cell says which step the job is in as it runs; the counts
    cell gets the final summary (the job's figures)."""
    status = _press(companion, action)
    _done(status)
    sheet = companion.sheets[CONSOLE_SHEET]
    progress = [value for key, value in sheet.history if key == (STATUS_ROWS["progress"], 2) and value]
    assert progress[0].startswith(f"正在运行：{action}（{MONTH}）")
    shown = [text.split(" · ", 1)[1] for text in progress[1:-1]]
    assert [re.sub(r"（第 \d+ 步）$", "", text) for text in shown] == steps
    assert [re.search(r"第 (\d+) 步", text).group(1) for text in shown] == [str(i) for i in range(1, len(steps) + 1)]
    assert progress[-1] == "完成"
    if action == "扣分报表":
        assert status["counts"].startswith("扣分：") and "分，" in status["counts"]
    else:
        assert "缺底单" in status["counts"] and "┃" not in status["counts"]


def test_validate_from_the_console_reports_reading_rules_writing(companion_both, tmp_path):
    from tests.test_live_excel import _problem_orders

    orders = _problem_orders(tmp_path / "订单.xlsx")
    target = book_from_xlsx(orders, app=companion_both.app, opened=False)
    companion_both.app.books.files[str(orders)] = target
    status = _press(companion_both, "校验", target=str(orders))
    _done(status)
    progress = [v for key, v in companion_both.sheets[CONSOLE_SHEET].history if key == (STATUS_ROWS["progress"], 2) and v]
    assert [text.split(" · ")[1].split("（")[0] for text in progress[1:-1]] == ["读取表格", "检查规则", "写入结果"]
    assert status["counts"].startswith("发现 ")
