"""What the workbook's buttons run (through xlwings' RunPython): 校验 → `validate()`, 旗帜 → `flags()`.

The button runs the same command logic as `shopbook validate` / `shopbook flags`, reading the open
workbook through `XlwingsSource` and marking it live with `apply_edit_live` (no file is written:
the clerk sees the marks at once and saves when they like). The workbook checked is the calling
workbook itself, or — when the button sits in the companion `shopbook按钮.xlsm` — the workbook
whose path is written in its 说明 sheet (`TARGET_CELL`), opened in the same Excel if it is not
already.

Nothing here may end in a traceback dialog: a `UserError` becomes a message box with its one line,
anything unexpected a message box naming the log file that holds the details.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from .config import CONFIG_NAME, load_config
from .errors import UserError
from .i18n import pick, register
from .sheets.edit import WorkbookEdit
from .sheets.excel_live import XlwingsSource, apply_edit_live
from .shop import Shop
from .tables import Table, own_aliases, read_tables

GUIDE_SHEET = "说明"
TARGET_CELL = "B3"  # the companion workbook's "workbook to check" path
LOG_NAME = "shopbook-button.log"

register({
    "button.target_missing": ("{cell} 中写的工作簿找不到：{path}。请在“{sheet}”表 {cell} 填写要检查的工作簿的完整路径。",
                              "The workbook named in {cell} was not found: {path}. Write the full path of the workbook to check in {sheet}!{cell}."),
})
TITLES = {"validate": ("校验", "Check"), "flags": ("旗帜", "Flags")}


def validate() -> None:
    """VBA: RunPython "import automation.button; automation.button.validate()"."""
    press("validate")


def flags() -> None:
    """VBA: RunPython "import automation.button; automation.button.flags()"."""
    press("flags")


def press(action: str, book=None) -> str:
    """Run `action` for the calling workbook; every outcome ends in a message box, never a traceback."""
    if book is None:
        import xlwings

        book = xlwings.Book.caller()
    title = "shopbook · " + pick(*TITLES[action])
    mode = "critical"
    try:
        message, mode = run_action(action, target_book(book)), "info"
    except UserError as exc:
        message = pick("错误：", "Error: ") + str(exc)
    except Exception:  # noqa: BLE001  the clerk gets a message box and a log, never a traceback dialog
        log = _log_failure()
        message = pick(f"出现意外错误，详情已记录在 {log}。请把该文件发给维护 shopbook 的同事。",
                       f"Something unexpected went wrong; details are in {log}. Send that file to whoever maintains shopbook.")
    book.app.alert(message, title=title, mode=mode)
    return message


def target_book(book):
    """The workbook to work on: the path in the companion's 说明!B3, else the calling workbook."""
    names = [sheet.name for sheet in book.sheets]
    if GUIDE_SHEET not in names:
        return book
    raw = book.sheets[GUIDE_SHEET].range(TARGET_CELL).value
    if not isinstance(raw, str) or not raw.strip():
        return book
    return open_workbook(book.app, Path(raw.strip().strip('"')), TARGET_CELL, GUIDE_SHEET)


def open_workbook(app, path: Path, cell: str, sheet: str):
    """The workbook at `path` in this Excel: as it is on screen when already open, else opened."""
    wanted = os.path.normcase(str(path))
    for candidate in app.books:
        if os.path.normcase(candidate.fullname) == wanted or candidate.name == path.name:
            return candidate
    if not path.is_file():
        raise UserError("button.target_missing", cell=cell, sheet=sheet, path=path)
    return app.books.open(str(path))


def run_action(action: str, book) -> str:
    """Read the open workbook, run the command's logic on its tables, mark the workbook; returns the summary."""
    from .progress import READING, RULES, WRITING, step

    step(READING)
    shop = shop_for(book)
    tables = read_tables(XlwingsSource(book), own=own_aliases(shop.config.section("headers")))
    step(RULES)
    summary, edit = engine(action)(tables, shop)
    step(WRITING)
    apply_edit_live(book, edit, clear_previous=action == "validate")
    return summary_text(summary, edit)


def shop_for(book) -> Shop:
    """The shop settings for an open workbook: the shop.toml beside it when it is saved, else defaults."""
    path = Path(book.fullname)
    root = path.parent if path.is_absolute() and path.parent.exists() else None
    config = load_config(root / CONFIG_NAME if root else None)
    return Shop(root or Path.cwd(), config, [])


def validate_tables(tables: list[Table], shop: Shop) -> tuple[list, WorkbookEdit]:
    """`shopbook validate` on tables already read: the findings and the marks they make."""
    from .rules.annotate import findings_edit
    from .rules.engine import check_rules, load_selection
    from .tables import largest_by_kind

    done = check_rules(tables, largest_by_kind(tables), shop.config, lambda: shop.calendar, load_selection(shop.config))
    return done.findings, findings_edit(done.findings, done.not_checked)


def flags_tables(tables: list[Table], shop: Shop) -> tuple[dict, WorkbookEdit]:
    """`shopbook flags` on tables already read: the summary and the edit (规范备注, row colours, sheets)."""
    from .commands.flags import analyse, summarise
    from .tables import largest_by_kind

    orders = largest_by_kind(tables).get("orders")
    if orders is None:
        from .schema import schema

        raise UserError("err.no_table", kind=schema("orders").zh, where=tables[0].source if tables else "")
    flags_found, attributions, edit = analyse(orders, shop.config)
    return summarise(flags_found, attributions), edit


ENGINES: dict[str, Callable[[list[Table], Shop], tuple[object, WorkbookEdit]]] = {
    "validate": validate_tables, "flags": flags_tables}


def engine(action: str) -> Callable[[list[Table], Shop], tuple[object, WorkbookEdit]]:
    """The command logic behind an action, shared by the button and `shopbook gsheet`."""
    return ENGINES[action]


def summary_text(summary: object, edit: WorkbookEdit) -> str:
    """The message box text: what was found and what was marked."""
    cells = len({(m.sheet, m.row, m.column) for m in edit.marks})
    sheets = "、".join(s.name for s in edit.new_sheets)
    text = pick(f"完成：标注了 {cells} 个单元格，{len(edit.row_fills)} 行着色，写入 {len(edit.writes)} 个单元格。",
                f"Done: {cells} cells marked, {len(edit.row_fills)} rows coloured, {len(edit.writes)} cells written.")
    if sheets:
        text += pick(f"结果见工作表：{sheets}。", f" See the sheets: {sheets}.")
    return _found_text(summary) + text


def _found_text(summary: object) -> str:
    if isinstance(summary, list):  # validate's findings
        count = {s: sum(1 for f in summary if getattr(f, "severity", None) == s) for s in ("error", "warning", "info")}
        return pick(f"发现 {len(summary)} 个问题（错误 {count['error']}，警告 {count['warning']}，提示 {count['info']}）。",
                    f"{len(summary)} findings ({count['error']} errors, {count['warning']} warnings, {count['info']} info). ")
    if isinstance(summary, dict) and "orders" in summary:  # flags' summary
        return pick(f"订单 {summary['orders']} 行，备注不完整 {summary.get('incomplete', 0)} 行。",
                    f"{summary['orders']} orders, {summary.get('incomplete', 0)} incomplete remarks. ")
    return ""


def _log_failure() -> Path:
    """The traceback in a log the clerk can send on; phone numbers masked (M-CONFIDENTIAL)."""
    from .privacy import mask_text

    log = Path(tempfile.gettempdir()) / LOG_NAME
    with log.open("a", encoding="utf-8") as out:
        out.write(f"--- {dt.datetime.now():%Y-%m-%d %H:%M:%S}\n{mask_text(traceback.format_exc())}\n")
    return log
