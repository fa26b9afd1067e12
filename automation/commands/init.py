"""`shopbook init DIR`: a new shop folder with the template workbooks, a commented shop.toml and the 控制台 workbook."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from ..click_zh import help_text
from ..config import CONFIG_NAME
from ..errors import UserError
from ..i18n import register, t
from ..paths import data_dir
from ..templates import write_templates

register({
    "init.exists": ("{path} 已存在且不为空。请换一个新文件夹，或加 --force 只补上缺少的文件（已有的工作簿和 shop.toml 一律保留）。",
                    "{path} exists and is not empty. Choose a new folder, or pass --force to add only the missing files "
                    "(existing workbooks and shop.toml are always kept)."),
    "init.not_folder": ("{path} 是一个文件，不是文件夹。请指定一个新文件夹的路径。", "{path} is a file, not a folder. Give the path of a new folder."),
    "init.created": ("新建：{path}", "Created: {path}"),
    "init.kept": ("已存在，保留原文件：{path}", "Already there, kept as is: {path}"),
    "init.done": ("店铺文件夹已建好：{path}\n下一步：在 shop.toml 中填写店名、人员与班次；把现有表格放进此文件夹，"
                  "或改用其中的模板；用 shopbook inspect <表格> 检查识别结果。",
                  "Shop folder ready: {path}\nNext: fill in the shop name, staff and shifts in shop.toml; put your own "
                  "sheets in this folder or use the templates; check them with shopbook inspect <workbook>."),
})


def snippet_paths() -> list[Path]:
    """The shop.toml snippets, in name order (00-shop.toml first; features add e.g. 30-courier.toml)."""
    return sorted((data_dir("workbook_templates") / "shop_toml").glob("*.toml"))


def compose_shop_toml() -> str:
    head = ("# shop.toml — 店铺设置 / shop settings（shopbook init 生成 / written by shopbook init）\n"
            "# 说明见 docs/shop-folder.md。以 # 开头的是注释；去掉行首的 # 即可启用那一行。\n"
            "# See docs/shop-folder.md. Lines starting with # are comments; remove the # to use a line.\n")
    parts = [p.read_text(encoding="utf-8").strip("\n") for p in snippet_paths()]
    return "\n\n".join([head.rstrip("\n"), *parts]) + "\n"


def _shop_files() -> list[tuple[Path, Path]]:
    """(source, path inside the shop) for every file shipped in workbook_templates/shop_files/."""
    root = data_dir("workbook_templates") / "shop_files"
    if not root.is_dir():
        return []
    return [(p, p.relative_to(root)) for p in sorted(root.rglob("*")) if p.is_file()]


def init_shop(target: Path, force: bool = False) -> list[tuple[Path, bool]]:
    """Create the shop folder; returns (path, created) for every file. Never overwrites a file."""
    if target.exists() and not target.is_dir():
        raise UserError("init.not_folder", path=target)
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UserError("init.exists", path=target)
    target.mkdir(parents=True, exist_ok=True)
    results = write_templates(target, replace=False)
    config = target / CONFIG_NAME
    results.append((config, _write_new(config, lambda: config.write_text(compose_shop_toml(), encoding="utf-8"))))
    for source, relative in _shop_files():
        dest = target / relative
        results.append((dest, _write_new(dest, lambda: shutil.copyfile(source, dest))))
    from .xlwings_cmd import COMPANION_NAME, WPS_LAUNCHER, build_console, wps_launcher  # the 控制台 workbook: every job from one button

    console = target / COMPANION_NAME
    results.append((console, _write_new(console, lambda: build_console(target))))
    launcher = target / WPS_LAUNCHER  # WPS cannot run the console: drop a workbook on this instead
    results.append((launcher, _write_new(launcher, lambda: shutil.copyfile(wps_launcher(), launcher))))
    return results


def _write_new(path: Path, write) -> bool:
    """Run `write` only when path does not exist yet; True when it wrote."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write()
    return True


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help=help_text("使用非空文件夹：只补上缺少的文件，已有文件一律保留。", "Use a folder that is not empty: add the missing files, keep every existing one."))
def command(directory: Path, force: bool) -> None:
    """Create a new shop folder: template workbooks, a commented shop.toml and the shop's rule files.
    Existing files are always kept.

    新建店铺文件夹：模板工作簿、带注释的 shop.toml 及规则文件。已有文件一律保留，不会被覆盖。
    """
    try:
        results = init_shop(directory, force)
    except OSError as exc:
        raise UserError("templates.cannot_write", path=directory, detail=exc.strerror or exc) from exc
    for path, created in results:
        click.echo(t("init.created" if created else "init.kept", path=path))
    click.echo(t("init.done", path=directory))
