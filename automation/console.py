"""The 控制台 (console) sheet of the companion workbook: every job from one 运行 button.

The clerk picks a job in the dropdown (`ACTION_CELL`), may write a month (`MONTH_CELL`, default
last month) and a target (`TARGET_CELL`: a workbook, or the shop folder; default the folder the
companion sits in), and presses 运行, which runs `RunPython "import automation.console;
automation.console.run()"`. Each job calls the same functions as its CLI command, so a job writes
its files where the command would; the run fills the status cells: started, progress, finished,
the counts, the output files as links, or the error in plain Chinese.

校验 and 旗帜 mark a workbook live, exactly as the 校验 / 旗帜 buttons do (`button.run_action`);
the other jobs work on the shop folder (a workbook as target means the folder it is in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError
from .i18n import pick, register
from .outcome import Outcome
from .progress import READING, step, steps
from .sheets.excel_live import excel_value

CONSOLE_SHEET = "控制台"
ACTION_CELL, MONTH_CELL, TARGET_CELL = "B3", "B4", "B5"
STATUS_ROWS = {"started": 8, "progress": 9, "finished": 10, "counts": 11, "error": 12}
OUTPUT_ROW = 14  # the first output link; up to MAX_OUTPUTS below it
MAX_OUTPUTS = 8
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")

register({
    "console.no_action": ("请先在 {cell} 选择要运行的操作：{actions}。", "Pick the job to run in {cell} first: {actions}."),
    "console.needs_workbook": ("“{job}”要对一个工作簿运行：请在 {cell} 填写工作簿（.xlsx）的完整路径，而不是文件夹 {path}。",
                               "'{job}' runs on a workbook: write the full path of a workbook (.xlsx) in {cell}, not the folder {path}."),
    "console.no_target": ("{cell} 中写的位置找不到：{path}。请填写店铺文件夹或工作簿的完整路径。",
                          "The place written in {cell} was not found: {path}. Write the full path of the shop folder or a workbook."),
})


@dataclass(frozen=True)
class Job:
    key: str
    label: tuple[str, str]  # (zh, en): the dropdown entry
    on_workbook: bool  # True: marks an open workbook; False: works on the shop folder
    run: Callable[..., Outcome]


def _marks(action: str) -> Callable[..., Outcome]:
    def run(app, target: Path, month: str) -> Outcome:
        from .button import open_workbook, run_action

        book = open_workbook(app, target, TARGET_CELL, CONSOLE_SHEET)
        return Outcome(action, [run_action(action, book)])
    return run


def _stubs(app, target: Path, month: str) -> Outcome:
    from .commands.stubs import figures, period, run
    from .shop import Shop

    start, end = period(None, month)
    check, written = run(Shop.open(target), start, end)
    return Outcome("stubs", figures(check), [written])


def _reconcile(app, target: Path, month: str) -> Outcome:
    from .commands.reconcile import figures
    from .courier.run import reconcile_month, write_month
    from .progress import RULES, WRITING
    from .shop import Shop

    step(READING)
    shop = Shop.open(target)
    step(RULES)
    matched = reconcile_month(shop, month)
    step(WRITING)
    done = write_month(shop, matched)
    return Outcome("reconcile", figures(done), list(done.written))


def _penalties(app, target: Path, month: str) -> Outcome:
    from .commands.report import run_penalties
    from .shop import Shop

    step(READING)
    return run_penalties(Shop.open(target), month, echo=False)


def _sales(app, target: Path, month: str) -> Outcome:
    from .commands.report import run_sales
    from .shop import Shop

    step(READING)
    return run_sales(Shop.open(target), month, echo=False)


def _monthly(app, target: Path, month: str) -> Outcome:
    from .commands.monthly import COMPOSING
    from .monthly import write_monthly
    from .shop import Shop

    step(READING)
    shop = Shop.open(target)
    step(COMPOSING)
    mail = write_monthly(shop, month)
    return Outcome("monthly", [pick("已写入发件箱（未发送；发送请用 shopbook monthly --send）",
                                    "Written to the outbox (not sent; send with shopbook monthly --send)")], [mail.eml, mail.preview])


JOBS: tuple[Job, ...] = (
    Job("validate", ("校验", "Check"), True, _marks("validate")),
    Job("flags", ("旗帜", "Flags"), True, _marks("flags")),
    Job("stubs", ("底单核对", "Stub check"), False, _stubs),
    Job("reconcile", ("月度对账", "Monthly reconciliation"), False, _reconcile),
    Job("penalties", ("扣分报表", "Penalty report"), False, _penalties),
    Job("sales", ("销售报表", "Sales report"), False, _sales),
    Job("monthly", ("生成月报邮件", "Monthly e-mail"), False, _monthly),
)


def job_labels() -> list[str]:
    return [pick(*job.label) for job in JOBS]


def run() -> None:
    """VBA: RunPython "import automation.console; automation.console.run()"."""
    import xlwings

    press(xlwings.Book.caller())


def press(book) -> str:
    """Run the job the console sheet names; every outcome ends in the status cells, never a traceback."""
    from .button import _log_failure

    sheet = book.sheets[CONSOLE_SHEET]
    status = Status(sheet)
    status.clear()
    status.write("started", _now())
    try:
        job = _job(sheet.range(ACTION_CELL).value)
        month = _month(sheet.range(MONTH_CELL).value)
        target = _target(sheet.range(TARGET_CELL).value, book, job)
        running = pick(f"正在运行：{pick(*job.label)}（{month}）", f"Running: {pick(*job.label)} ({month})")
        status.write("progress", running + "…")
        with steps(pick(*job.label), enabled=False, sink=lambda label: status.step(running, label)):
            outcome = job.run(book.app, target, month)
    except UserError as exc:
        return status.fail(pick("错误：", "Error: ") + str(exc))
    except Exception:  # noqa: BLE001  the clerk gets a plain line and a log, never a traceback
        log = _log_failure()
        return status.fail(pick(f"出现意外错误，详情已记录在 {log}。请把该文件发给维护 shopbook 的同事。",
                                f"Something unexpected went wrong; details are in {log}. Send that file to whoever maintains shopbook."))
    status.write("counts", outcome.counts or pick(f"生成 {len(outcome.outputs)} 个文件", f"{len(outcome.outputs)} files written"))
    status.links(outcome.outputs)
    status.write("progress", pick("完成", "Done"))
    status.write("finished", _now())
    return outcome.counts


def _now() -> str:
    return f"{dt.datetime.now():%Y-%m-%d %H:%M:%S}"


def _job(raw: object) -> Job:
    text = str(raw or "").strip()
    for job in JOBS:
        if text in job.label or text == job.key:
            return job
    raise UserError("console.no_action", cell=f"{CONSOLE_SHEET}!{ACTION_CELL}", actions=" / ".join(job_labels()))


def _month(raw: object) -> str:
    """The month cell: `2026-10` as text, or the date Excel made of it; blank means last month."""
    from .courier.months import check_month, last_month

    if isinstance(raw, (dt.date, dt.datetime)):
        return f"{raw:%Y-%m}"
    text = str(raw or "").strip()
    return check_month(text) if text else last_month()


def _target(raw: object, book, job: Job) -> Path:
    """The target cell: a workbook or a folder; blank means the folder the console workbook is in."""
    text = str(raw or "").strip().strip('"')
    path = Path(text) if text else Path(book.fullname).parent
    if not path.exists() and not (job.on_workbook and text):
        raise UserError("console.no_target", cell=f"{CONSOLE_SHEET}!{TARGET_CELL}", path=path)
    if job.on_workbook and path.is_dir():
        raise UserError("console.needs_workbook", job=pick(*job.label), cell=f"{CONSOLE_SHEET}!{TARGET_CELL}", path=path)
    if not job.on_workbook and path.is_file():
        return path.parent  # a workbook named: its shop folder, where the CLI would also look
    return path


class Status:
    """The status cells in column B; one call per cell (a handful per run)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.steps: list[str] = []

    def write(self, key: str, text: str) -> None:
        self.sheet.range((STATUS_ROWS[key], 2)).value = excel_value(text)

    def step(self, running: str, label: str) -> None:
        """The job's current step in the progress cell: 正在运行：校验（2026-10） · 读取表格（第 1 步）."""
        self.steps.append(label)
        self.write("progress", pick(f"{running} · {label}（第 {len(self.steps)} 步）", f"{running} · {label} (step {len(self.steps)})"))

    def clear(self) -> None:
        first, last = min(STATUS_ROWS.values()), OUTPUT_ROW + MAX_OUTPUTS - 1
        self.sheet.range((first, 2)).options(ndim=2).value = [[None] for _ in range(first, last + 1)]

    def links(self, paths: list[Path]) -> None:
        rows = [[link_formula(path)] for path in paths[:MAX_OUTPUTS]]
        if rows:
            self.sheet.range((OUTPUT_ROW, 2)).options(ndim=2).value = rows

    def fail(self, message: str) -> str:
        self.write("error", message)
        self.write("progress", pick("失败", "Failed"))
        self.write("finished", _now())
        return message


def link_formula(path: Path) -> str:
    """A link to an output file that Excel opens on click (HYPERLINK to the file's full path)."""
    target = str(path.resolve()).replace('"', '""')
    return f'=HYPERLINK("{target}","{path.name.replace(chr(34), chr(34) * 2)}")'


__all__ = ["CONSOLE_SHEET", "JOBS", "press", "run", "job_labels"]
