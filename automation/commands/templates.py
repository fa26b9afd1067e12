"""`shopbook templates [DIR]`: (re)generate the template workbooks from the schemas."""

from __future__ import annotations

from pathlib import Path

import click

from ..click_zh import help_text
from ..config import CONFIG_NAME, load_config
from ..errors import UserError
from ..i18n import pick, t
from ..paths import data_dir
from ..templates import Lists, write_templates


def checked_in_dir() -> Path:
    """Where the project keeps its generated templates (workbook_templates/xlsx/)."""
    return data_dir("workbook_templates") / "xlsx"


def shop_lists(shop: Path | None) -> Lists:
    """Courier and staff lists from a shop folder's shop.toml (or a shop.toml path); defaults without."""
    if shop is None:
        return Lists()
    config_path = shop / CONFIG_NAME if shop.is_dir() else shop
    if not config_path.exists():
        raise UserError("err.missing_file", path=config_path)
    return Lists.from_config(load_config(config_path))


def echo_results(results: list[tuple[Path, bool]]) -> None:
    for path, written in results:
        click.echo(t("templates.written" if written else "templates.kept", path=path))


@click.command("templates")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--shop", "shop", type=click.Path(exists=True, path_type=Path),
              help=help_text("从这个店铺文件夹（或 shop.toml）取快递与人员下拉列表。", "Take the courier and staff dropdown lists from this shop folder (or shop.toml)."))
@click.option("--force", is_flag=True, help=help_text("覆盖 DIR 中已有的同名工作簿。", "Replace workbooks of the same name that are already in DIR."))
def command(directory: Path | None, shop: Path | None, force: bool) -> None:
    """Generate the template workbooks (订单.xlsx, 库存.xlsx, 发货.xlsx …) into DIR: Chinese headers, a
    frozen header, long numbers as text, dropdowns. Without DIR it regenerates the project's
    workbook_templates/xlsx/; in DIR existing workbooks of the same name are kept unless --force.

    生成模板工作簿（订单.xlsx、库存.xlsx、发货.xlsx …）到 DIR：中文表头、冻结首行、
    长数字列为文本格式、下拉列表。不给 DIR 时重新生成项目自带的 workbook_templates/xlsx/；
    给 DIR 时已有的同名文件会保留，除非加 --force。
    """
    target = directory or checked_in_dir()
    replace = force or directory is None  # the project's own folder holds only generated files
    try:
        results = write_templates(target, shop_lists(shop), replace=replace)
    except OSError as exc:
        raise UserError("templates.cannot_write", path=target, detail=exc.strerror or exc) from exc
    echo_results(results)
    if not all(written for _, written in results):
        click.echo(pick("（加 --force 可覆盖已有的同名文件）", "(pass --force to replace existing files)"))
