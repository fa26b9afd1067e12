"""`shopbook demo [DIR]`: build the demo shop (2026-10) with its answer key, then run every pipeline step."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table as RichTable

from ..click_zh import help_text
from ..demo import DEFAULT_SEED, KEY_NAME, Demo, build_demo
from ..errors import UserError
from ..i18n import pick, register

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


def run_steps(folder: Path, console: Console) -> list[tuple[str, list[Path], str | None, float]]:
    """Every `demo_step(shop_dir, console)` of the command modules, in COMMAND_MODULES order."""
    from ..cli import command_modules

    results = []
    for name, module in command_modules():
        step = getattr(module, "demo_step", None)
        if step is None:
            continue
        started = time.perf_counter()
        try:
            paths = [Path(p) for p in (step(folder, console) or [])]
            results.append((name, paths, None, time.perf_counter() - started))
        except Exception as exc:  # one failing step must not hide the others' results
            if os.environ.get(STRICT_ENV) == "1":
                raise
            results.append((name, [], f"{type(exc).__name__}: {exc}", time.perf_counter() - started))
    return results


def _summary(console: Console, demo: Demo, steps: list, seconds: float) -> None:
    """Counts, planted problems per area, the couriers' money, expected points, every path written."""
    key = demo.key
    console.print(pick(f"[bold green]演示店铺已生成[/]：{demo.folder}（{key['month']}，种子 {key['seed']}，{seconds:.1f} 秒）",
                       f"[bold green]Demo shop written[/]: {demo.folder} ({key['month']}, seed {key['seed']}, {seconds:.1f} s)"))
    files = RichTable(title=pick("表格", "Sheets"), show_header=True, header_style="bold")
    for label in (pick("表格", "kind"), pick("文件", "file"), pick("工作表", "sheet"), pick("表头行", "header row"), pick("行数", "rows")):
        files.add_column(label)
    for kind, info in key["sheets"].items():
        files.add_row(kind, info["file"], info["sheet"], str(info["header_row"]), str(info["rows"]))
    for courier, path in key["bills"].items():
        files.add_row("bill", path, courier, "", str(key["courier"][courier]["lines"]))
    console.print(files)
    areas = key["counts"]["problems"]
    console.print(pick("埋入的问题：", "Planted problems: ") + "，".join(f"{a} {n}" for a, n in areas.items())
                  + pick(f"；无问题订单 {key['clean_orders']} / {key['counts']['orders']}",
                         f"; clean orders {key['clean_orders']} / {key['counts']['orders']}"))
    for courier, money in key["courier"].items():
        console.print(f"  {courier}: " + pick(f"账单 {money['bill_total']} 元，应付 {money['expected_total']} 元，差额 {money['difference']} 元",
                                              f"bill {money['bill_total']}, expected {money['expected_total']}, difference {money['difference']}"))
    points = "，".join(f"{p} {v}" for p, v in key["penalties"].items() if v != "0")
    console.print(pick("应扣分：", "Expected points: ") + points)
    for name, paths, error, seconds in steps:
        if error:
            console.print(f"[red]{name}[/]: {pick('步骤失败', 'step failed')} — {error}")
        else:
            console.print(f"[bold]{name}[/] ({seconds:.1f} s)")
        for path in paths:
            console.print(f"  {path}")
    console.print(pick("已写入：", "Written: "))
    for path in demo.written:
        console.print(f"  {path}")


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
    demo = build_demo(folder, seed)
    seconds = time.perf_counter() - started
    steps = run_steps(folder, console)
    _summary(console, demo, steps, seconds)
    if any(error for _, _, error, _ in steps):  # a broken step must not look like a green demo
        raise SystemExit(1)
