"""`shopbook demo [DIR]`: build the demo shop (2026-10) with its answer key, then run every pipeline step."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from ..click_zh import help_text
from ..demo import DEFAULT_SEED, KEY_NAME, Demo
from ..demo.cache import demo_shop
from ..errors import UserError
from ..i18n import lang, pick, register
from ..outcome import Outcome
from ..termtable import wrapping_table

register({
    "demo.exists": ("{path} 已存在且不是演示店铺文件夹。请换一个文件夹，或加 --force 在其中生成。",
                    "{path} exists and is not a demo shop folder. Choose another folder or pass --force."),
    "demo.not_dir": ("{path} 不是文件夹。请给出一个文件夹路径。", "{path} is not a folder. Give a folder path."),
})

STRICT_ENV = "SHOPBOOK_DEMO_STRICT"  # set to 1 to let a failing pipeline step raise (tests, debugging)


def is_previous_demo(folder: Path) -> bool:
    key = folder / KEY_NAME
    try:
        return "problems" in json.loads(key.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


def check_target(folder: Path, force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise UserError("demo.not_dir", path=folder)
    if folder.is_dir() and any(folder.iterdir()) and not force and not is_previous_demo(folder):
        raise UserError("demo.exists", path=folder)


AREAS = {"validation": ("校验", "validation"), "courier": ("快递", "courier"), "people": ("人员考核", "people")}


def prepare_steps() -> None:
    """Import every job and the charts the report jobs draw (matplotlib: the slowest import of all),
    so that they are ready when the steps start; run while the demo's workbooks are being written."""
    from ..cli import command_modules
    from ..sales.charts import cjk_font

    list(command_modules())
    cjk_font()


def run_steps(folder: Path, console: Console) -> list[tuple[Outcome, float, str | None]]:
    """Every `demo_step(shop_dir, console)` of the command modules, in COMMAND_MODULES order: each
    job's outcome, the seconds it took and the error that stopped it (None when it ran)."""
    from ..cli import command_modules

    results = []
    for name, module in command_modules():
        step = getattr(module, "demo_step", None)
        if step is None:
            continue
        started = time.perf_counter()
        try:
            outcomes = _outcomes(name, step(folder, console))
            seconds = (time.perf_counter() - started) / len(outcomes)
            results += [(outcome, seconds, None) for outcome in outcomes]
        except Exception as exc:  # one failing step must not hide the others' results
            if os.environ.get(STRICT_ENV) == "1":
                raise
            results.append((Outcome(name), time.perf_counter() - started, f"{type(exc).__name__}: {exc}"))
    return results


def _outcomes(name: str, returned) -> list[Outcome]:
    """A step returns an Outcome, several (the reports), or just the paths it wrote."""
    if isinstance(returned, Outcome):
        return [returned]
    items = list(returned or [])
    if items and all(isinstance(item, Outcome) for item in items):
        return items
    return [Outcome(name, [], [Path(p) for p in items])]


def _shown(path: Path, folder: Path) -> str:
    """A written file relative to the demo folder (the folder itself is named above the tables)."""
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)


def _sheets_table(key: dict) -> RichTable:
    from ..schema import schema

    grid = wrapping_table([pick("表格", "Kind"), pick("文件", "File"), pick("工作表", "Sheet"), pick("表头行", "Header row"),
                           pick("行数", "Rows")], title=pick("演示店铺的表格", "The demo shop's sheets"), right=(3, 4))
    for kind, info in key["sheets"].items():
        grid.add_row(schema(kind).title(lang()), info["file"], info["sheet"], str(info["header_row"]), str(info["rows"]))
    for courier, path in key["bills"].items():
        grid.add_row(schema("bill").title(lang()), path, courier, "", str(key["courier"][courier]["lines"]))
    return grid


def _jobs_table(folder: Path, steps: list) -> RichTable:
    """One row per job: what it found (the reports' figures too) and the files it wrote."""
    grid = wrapping_table([pick("步骤", "Job"), pick("结果", "Result"), pick("写出的文件", "Files written")],
                          title=pick("运行结果", "What each job did"))
    grid.show_lines = True  # a job's lines stay together
    for outcome, seconds, error in steps:
        job = f"{escape(outcome.job)}\n[dim]{seconds:.1f} {pick('秒', 's')}[/dim]"
        result = f"[red]{pick('步骤失败', 'step failed')}：{escape(error)}[/red]" if error else escape("\n".join(outcome.figures))
        grid.add_row(job, result, escape("\n".join(_by_folder(outcome.outputs, folder))))
    return grid


def _by_folder(paths: list[Path], folder: Path) -> list[str]:
    """Each folder once (`reports/out/2026-10/`), its files indented below it, so names stay whole;
    a folder with one file is shown as one path."""
    groups: dict[Path, list[str]] = {}
    for path in paths:
        groups.setdefault(Path(_shown(path, folder)).parent, []).append(path.name)
    lines: list[str] = []
    for parent, names in groups.items():
        if parent == Path(".") or len(names) == 1:
            lines += [(parent / name).as_posix() for name in names]
        else:
            lines += [f"{parent.as_posix()}/", *(f"  {name}" for name in names)]
    return lines


def _summary(console: Console, demo: Demo, steps: list, seconds: float) -> None:
    """The demo shop (its sheets, planted problems, the couriers' money, expected points), then one
    table of the jobs run on it, then the files the demo wrote."""
    key = demo.key
    console.print(pick(f"[bold green]演示店铺已生成[/]：{escape(str(demo.folder))}（{key['month']}，种子 {key['seed']}，{seconds:.1f} 秒）",
                       f"[bold green]Demo shop written[/]: {escape(str(demo.folder))} ({key['month']}, seed {key['seed']}, {seconds:.1f} s)"))
    console.print(_sheets_table(key))
    areas = key["counts"]["problems"]
    console.print(pick("埋入的问题：", "Planted problems: ") + "，".join(f"{pick(*AREAS.get(a, (a, a)))} {n}" for a, n in areas.items())
                  + pick(f"；无问题订单 {key['clean_orders']} / {key['counts']['orders']}",
                         f"; clean orders {key['clean_orders']} / {key['counts']['orders']}"))
    for courier, money in key["courier"].items():
        console.print(f"  {courier}：" + pick(f"账单 {money['bill_total']} 元，应付 {money['expected_total']} 元，差额 {money['difference']} 元",
                                              f"bill {money['bill_total']}, expected {money['expected_total']}, difference {money['difference']}"))
    points = "，".join(f"{p} {v}" for p, v in key["penalties"].items() if v != "0")
    console.print(pick("应扣分：", "Expected points: ") + points)
    console.print(_jobs_table(demo.folder, steps))
    console.print(pick("演示店铺的文件：", "The demo shop's files: ") + "、".join(_shown(p, demo.folder) for p in demo.written))


@click.command("demo")
@click.argument("folder", required=False, default="demo-shop", type=click.Path(path_type=Path))
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help=help_text("随机种子：同一个种子生成同样的店铺。", "Random seed: the same seed gives the same shop."))
@click.option("--force", is_flag=True, help=help_text("写入一个非空且不是旧演示店铺的文件夹。", "Write into a non-empty folder that is not a previous demo."))
def command(folder: Path, seed: int, force: bool) -> None:
    """Build the demo shop (October 2026) with planted problems and answer_key.json, then run every
    check. Exit code 0 when every step ran, 1 when a step failed (its error is listed), 2 for bad
    input.

    生成演示店铺（2026年10月，含国庆假期与10月10日调休）、埋入的问题与答案 answer_key.json，
    并运行全部检查。退出码：0 每一步都已运行，1 有一步失败（会列出其错误），2 输入有误。
    """
    check_target(folder, force)
    console = Console(soft_wrap=True)  # paths stay whole, whatever the terminal width
    started = time.perf_counter()
    demo = demo_shop(folder, seed, meanwhile=prepare_steps)
    seconds = time.perf_counter() - started
    steps = run_steps(folder, console)
    _summary(console, demo, steps, seconds)
    if any(error for _, _, error in steps):  # a broken step must not look like a green demo
        raise SystemExit(1)
