"""`shopbook button WORKBOOK`: a companion macro workbook (shopbook按钮.xlsm): the 控制台 console and 校验 / 旗帜 buttons.

The 控制台 sheet (automation/console.py) runs every job — 校验, 旗帜, 底单核对, 月度对账, 扣分报表,
销售报表, 生成月报邮件 — from one 运行 button; `shopbook init` and `shopbook demo` put this workbook
in the shop folder.

Why a companion and not a macro copy of the user's workbook: the only way to write an .xlsm without
Excel is XlsxWriter, which writes new files and cannot copy an existing workbook's sheets (styles,
validation, formulas, charts would all be rebuilt or lost). The companion holds only the buttons,
the path of the workbook to check (说明!B3) and an `xlwings.conf` sheet; the user's workbook is never
touched by this command, and the buttons mark it live through xlwings.

The VBA project is xlwings' own standalone quickstart project (its `xlwings` module defines
`RunPython`), taken from the installed xlwings package, so it always matches the xlwings version
Python runs. Each button's action is `'RunPython "import automation.button; …()"'` — Excel's form
for a macro called with an argument — so no VBA source of ours has to be compiled into the binary
(macros/shopbook.bas holds the same calls as readable subs for workbooks of one's own).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import click

from ..click_zh import help_text
from .. import console
from ..button import GUIDE_SHEET, TARGET_CELL  # where the button reads the workbook to check
from ..errors import UserError
from ..i18n import pick, register
from ..sheets.source import open_source
from ..sheets.writers import refuse_if_open

COMPANION_NAME = "shopbook按钮.xlsm"
WPS_LAUNCHER = "校验.cmd"  # macros/: drop a workbook on it in WPS (marks it in place once it is closed)
CONFIG_SHEET = "xlwings.conf"
QUICKSTART = "quickstart_standalone.xlsm"
QUOTES = {'"': "&quot;"}
ACTIONS = (("validate", ("校验", "Check")), ("flags", ("旗帜", "Flags")))
XLWINGS_REQUIREMENT = "xlwings>=0.37.5,<0.38"  # as pyproject.toml pins it (a test keeps the two equal)

register({
    "xlwings_cmd.no_xlwings": ("找不到 xlwings 自带的宏工程（{path}）。请安装 xlwings：pip install \"{requirement}\"。",
                               "xlwings' macro project was not found ({path}). Install xlwings: pip install \"{requirement}\"."),
})


CONSOLE_ACTION = "console"  # the 运行 button


def run_python(action: str) -> str:
    """The Python command a button runs (the same string as in macros/shopbook.bas)."""
    if action == CONSOLE_ACTION:
        return "import automation.console; automation.console.run()"
    return f"import automation.button; automation.button.{action}()"


def on_action(action: str) -> str:
    """A button's macro: xlwings' RunPython called with the command as its argument."""
    return f"'RunPython \"{run_python(action)}\"'"


def quickstart_vba_project() -> bytes:
    """vbaProject.bin of the installed xlwings' standalone quickstart workbook."""
    from importlib.util import find_spec

    spec = find_spec("xlwings")
    path = Path(spec.origin).parent / QUICKSTART if spec and spec.origin else Path(QUICKSTART)
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read("xl/vbaProject.bin")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise UserError("xlwings_cmd.no_xlwings", path=path, requirement=XLWINGS_REQUIREMENT) from exc


def interpreter_hints() -> list[tuple[str, str]]:
    """xlwings.conf rows: this machine's Python when it is the one Excel will use, and where shopbook lives."""
    package_root = str(Path(__file__).resolve().parents[2])
    rows = []
    if os.name == "nt":
        rows.append(("INTERPRETER_WIN", sys.executable))
    elif sys.platform == "darwin":
        rows.append(("INTERPRETER_MAC", sys.executable))
    rows.append(("PYTHONPATH", package_root))
    return rows


def build_companion(workbook: Path | None, target: Path | None = None) -> Path:
    """Write the companion .xlsm beside `workbook` (atomically); returns its path.

    Without a workbook (a new shop folder) `target` names the file and the 说明 sheet's B3 is blank."""
    if workbook is not None:
        workbook = workbook.resolve()
        open_source(workbook)  # a clear error now for a missing or unreadable workbook
    target = target or workbook.with_name(COMPANION_NAME)
    refuse_if_open(target)
    vba = quickstart_vba_project()
    handle, temp_name = tempfile.mkstemp(prefix=".shopbook-button.", suffix=".xlsm", dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        _write_xlsm(temp, workbook, vba)
        _set_button_actions(temp)
        os.replace(temp, target)
    except PermissionError as exc:
        temp.unlink(missing_ok=True)
        raise UserError("err.locked", path=target, lock=target.name) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def _write_xlsm(path: Path, workbook: Path | None, vba: bytes) -> None:
    from ..xlsxout import new_workbook

    book = new_workbook(path)
    book.set_vba_name("ThisWorkbook")
    book.add_vba_project(io.BytesIO(vba), is_stream=True)
    title = book.add_format({"bold": True, "font_size": 16})
    label = book.add_format({"bold": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    _console_sheet(book, workbook, title, label, wrap)
    guide = book.add_worksheet(GUIDE_SHEET)
    guide.set_vba_name("Sheet1")
    guide.set_column("A:A", 18)
    guide.set_column("B:B", 70)
    guide.write("A1", pick("shopbook 按钮", "shopbook buttons"), title)
    target_row = int(TARGET_CELL[1:]) - 1
    guide.write_string(target_row, 0, pick("要检查的工作簿", "Workbook to check"), label)
    guide.write_string(TARGET_CELL, str(workbook) if workbook else "")
    for i, line in enumerate(_guide_lines(), start=5):
        guide.write_string(i - 1, 1, line, wrap)
    for row, (action, caption) in zip((2, 5), ACTIONS):
        guide.insert_button(row, 3, {"macro": f"ShopbookButton_{action}", "caption": pick(*caption),
                                     "width": 110, "height": 36})
    conf = book.add_worksheet(CONFIG_SHEET)
    conf.set_vba_name("Sheet3")
    conf.set_column("A:A", 22)
    conf.set_column("B:B", 70)
    for r, (key, value) in enumerate(interpreter_hints()):
        conf.write_string(r, 0, key)
        conf.write_string(r, 1, value)
    book.close()


def _console_sheet(book, workbook: Path | None, title, label, wrap) -> None:
    """控制台: job dropdown, month, target, one 运行 button, the status cells the run fills in."""
    sheet = book.add_worksheet(console.CONSOLE_SHEET)
    sheet.set_vba_name("Sheet2")
    sheet.activate()
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # printed (or exported to PDF) one page wide
    sheet.set_column("A:A", 20)
    sheet.set_column("B:B", 72)
    sheet.set_column("C:C", 4)
    sheet.set_column("D:D", 18)
    text = book.add_format({"num_format": "@", "bg_color": "#FFF2CC", "border": 1})
    status = book.add_format({"bg_color": "#F2F2F2", "border": 1, "text_wrap": True, "valign": "top"})
    link = book.add_format({"font_color": "#0563C1", "underline": 1})
    sheet.write("A1", pick("shopbook 控制台", "shopbook console"), title)
    inputs = [(console.ACTION_CELL, pick("操作", "Job"), console.job_labels()[0]),
              (console.MONTH_CELL, pick("月份（如 2026-10）", "Month (e.g. 2026-10)"), ""),
              (console.TARGET_CELL, pick("对象：工作簿或店铺文件夹", "Target: workbook or shop folder"),
               str(workbook) if workbook else "")]
    for cell, caption, value in inputs:
        row = int(cell[1:]) - 1
        sheet.write_string(row, 0, caption, label)
        sheet.write_string(cell, value, text)
    sheet.data_validation(console.ACTION_CELL, {"validate": "list", "source": console.job_labels(),
                                                "error_title": "shopbook", "error_message": pick("请从列表中选择", "Pick from the list")})
    sheet.write_string(5, 1, pick("月份留空 = 上个月；对象留空 = 本工作簿所在的文件夹。校验、旗帜需要一个工作簿。",
                                  "Blank month = last month; blank target = this workbook's folder. 校验 and 旗帜 need a workbook."), wrap)
    captions = {"started": ("开始", "Started"), "progress": ("进度", "Progress"), "finished": ("完成", "Finished"),
                "counts": ("结果", "Counts"), "error": ("错误", "Error")}
    for key, row in console.STATUS_ROWS.items():
        sheet.write_string(row - 1, 0, pick(*captions[key]), label)
        sheet.write_blank(row - 1, 1, None, status)
    sheet.set_row(console.STATUS_ROWS["counts"] - 1, 48)
    sheet.write_string(console.OUTPUT_ROW - 1, 0, pick("输出文件（点击打开）", "Outputs (click to open)"), label)
    for r in range(console.MAX_OUTPUTS):
        sheet.write_blank(console.OUTPUT_ROW - 1 + r, 1, None, link)
    sheet.insert_button(2, 3, {"macro": f"ShopbookButton_{CONSOLE_ACTION}", "caption": pick("运行", "Run"),
                               "width": 110, "height": 44})


def wps_launcher() -> Path:
    """macros/校验.cmd as shipped (the WPS route: docs/live.md)."""
    from ..paths import data_dir

    return data_dir("macros") / WPS_LAUNCHER


def build_console(folder: Path) -> Path:
    """The console workbook for a shop folder (`shopbook init`, `shopbook demo`): 说明!B3 names its 订单.xlsx."""
    orders = folder / "订单.xlsx"
    return build_companion(orders if orders.exists() else None, folder / COMPANION_NAME)


def _guide_lines() -> list[str]:
    return [pick(
        "1. 这台电脑需要装好 Python 和 shopbook（含 xlwings），见 docs/live.md。",
        "1. This computer needs Python with shopbook (and xlwings) installed; see docs/live.md."), pick(
        "2. 在“xlwings.conf”表填写 INTERPRETER_WIN：Python 的完整路径，如 C:\\shopbook\\venv\\Scripts\\python.exe。",
        "2. In the xlwings.conf sheet set INTERPRETER_WIN to Python's full path, e.g. C:\\shopbook\\venv\\Scripts\\python.exe."), pick(
        "   Mac：先在终端运行一次 xlwings runpython install，再在 INTERPRETER_MAC 填写 Python 的完整路径。",
        "   Mac: run xlwings runpython install once in a terminal, then set INTERPRETER_MAC to Python's full path."), pick(
        "3. 在 B3 填写要检查的工作簿的完整路径（它可以已在 Excel 中打开）。",
        "3. Put the full path of the workbook to check in B3 (it may already be open in Excel)."), pick(
        "4. 点“校验”或“旗帜”。结果直接标在那个工作簿里，检查后请自行保存。",
        "4. Press 校验 (check) or 旗帜 (flags). The marks appear in that workbook; save it when you are happy."), pick(
        "5. 其他工作（底单核对、月度对账、报表、月报邮件）请用“控制台”表。",
        "5. For the other jobs (stub check, reconciliation, reports, monthly e-mail) use the 控制台 sheet."), pick(
        "WPS 不支持这些按钮：请把工作簿拖到 校验.cmd 上，或用命令行 shopbook validate。",
        "WPS cannot run these buttons: drop the workbook on 校验.cmd, or use the command line (shopbook validate)."),
    ]


def _set_button_actions(path: Path) -> None:
    """XlsxWriter names a plain macro ([0]!Name); give each button its RunPython call with the argument.

    The buttons also print (and show in a PDF of the sheet), so a printed console shows where 运行 is."""
    replacements = {f"<x:FmlaMacro>[0]!ShopbookButton_{action}</x:FmlaMacro>":
                    f"<x:FmlaMacro>{escape(on_action(action), QUOTES)}</x:FmlaMacro>"
                    for action in [CONSOLE_ACTION, *(a for a, _ in ACTIONS)]}
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            if info.filename.startswith("xl/drawings/") and info.filename.endswith(".vml"):
                text = data.decode("utf-8")
                for old, new in replacements.items():
                    text = text.replace(old, new)
                text = text.replace("<x:PrintObject>False</x:PrintObject>", "<x:PrintObject>True</x:PrintObject>")
                data = text.encode("utf-8")
            archive.writestr(info, data)


@click.command("button")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help=help_text(f"按钮工作簿写到哪里（默认：工作簿旁的 {COMPANION_NAME}）。",
                             f"Where to write the companion (default: {COMPANION_NAME} beside the workbook)."))
def command(workbook: Path, output: Path | None) -> None:
    """Write shopbook按钮.xlsm: 校验 / 旗帜 buttons that check WORKBOOK live in Excel (xlwings).

    生成带“校验”“旗帜”按钮的宏工作簿 shopbook按钮.xlsm，按下按钮即在 Excel 中直接标注 WORKBOOK（xlwings，
    不改动原文件结构）。
    """
    written = build_companion(workbook, output)
    click.echo(pick(f"已写出：{written}（在 Excel 中打开并启用宏；说明见“说明”表）",
                    f"Written: {written} (open it in Excel and enable macros; see its 说明 sheet)"))


def demo_step(shop_dir: Path, console_output):
    """`shopbook demo`: the console workbook in the demo shop folder."""
    from ..outcome import Outcome

    return Outcome(pick("Excel 控制台", "Excel console"),
                   [pick("在 Excel 中打开并启用宏", "open it in Excel and enable macros")], [build_console(shop_dir)])
