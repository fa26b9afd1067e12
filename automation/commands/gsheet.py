"""`shopbook gsheet validate|flags KEY`: the same checks on a Google Sheets spreadsheet, marked in place."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from ..click_zh import help_text
from ..button import engine, summary_text
from ..config import CONFIG_NAME, load_config
from ..errors import UserError
from ..i18n import register
from ..jsonout import dumps
from ..shop import Shop
from ..tables import own_aliases, read_tables

CREDENTIAL_VARIABLES = ("SHOPBOOK_GSHEET_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS")
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]  # Sheets only: no Drive access needed

register({
    "gsheet.no_credentials": ("没有找到 Google 服务账号密钥。请把密钥 JSON 文件的完整路径写进环境变量 SHOPBOOK_GSHEET_CREDENTIALS（或 GOOGLE_APPLICATION_CREDENTIALS），见 docs/live.md。",
                              "No Google service-account key. Put the full path of its JSON file in SHOPBOOK_GSHEET_CREDENTIALS (or GOOGLE_APPLICATION_CREDENTIALS); see docs/live.md."),
    "gsheet.bad_credentials": ("服务账号密钥文件 {path} 无法使用（{detail}）。请从 Google Cloud 控制台重新下载 JSON 密钥。",
                               "The service-account key {path} cannot be used ({detail}). Download the JSON key again from the Google Cloud console."),
})


def credentials_path() -> Path:
    """The service-account key named by the environment (never a file in the repository)."""
    for variable in CREDENTIAL_VARIABLES:
        value = os.environ.get(variable, "").strip()
        if value:
            path = Path(value).expanduser()
            if not path.is_file():
                raise UserError("err.missing_file", path=path)
            return path
    raise UserError("gsheet.no_credentials")


def make_client(path: Path):
    """A gspread client authorised as the service account, with timeout and capped retries."""
    import gspread

    from ..sheets.gsheets import SheetsHTTPClient

    try:
        account = json.loads(path.read_text(encoding="utf-8")).get("client_email", "")
        client = gspread.service_account(filename=str(path), scopes=SCOPES, http_client=SheetsHTTPClient)
    except (ValueError, KeyError, OSError) as exc:
        raise UserError("gsheet.bad_credentials", path=path, detail=type(exc).__name__) from exc
    client.http_client.account = account or client.http_client.account
    return client


def run_on_spreadsheet(action: str, client, key: str, shop: Shop) -> dict:
    """Read every sheet (one request), run the command logic, write the marks (one batch)."""
    from ..sheets.gsheets import GSheetSource, apply_edit_gsheets

    spreadsheet = client.open_by_key(key)
    source = GSheetSource(spreadsheet)
    tables = read_tables(source, own=own_aliases(shop.config.section("headers")))
    summary, edit = engine(action)(tables, shop)
    batches = apply_edit_gsheets(spreadsheet, edit, source)
    errors = sum(1 for f in summary if getattr(f, "severity", None) == "error") if isinstance(summary, list) else 0
    return {"spreadsheet": spreadsheet.title, "message": summary_text(summary, edit), "errors": errors,
            "marked_cells": len({(m.sheet, m.row, m.column) for m in edit.marks}),
            "new_sheets": [s.name for s in edit.new_sheets], "write_batches": batches}


def _shop(config: str | None) -> Shop:
    path = Path(config) if config else None
    if path is not None and path.is_dir():
        path = path / CONFIG_NAME
    if path is not None and not path.exists():
        raise UserError("err.missing_file", path=path)
    return Shop(path.parent if path else Path.cwd(), load_config(path), [])


def _run(action: str, key: str, config: str | None, as_json: bool) -> None:
    shop = _shop(config)
    result = run_on_spreadsheet(action, make_client(credentials_path()), key, shop)
    if as_json:
        click.echo(dumps(result))
    else:
        click.echo(f"{result['spreadsheet']}：{result['message']}")
    if result["errors"]:
        raise SystemExit(1)  # as `shopbook validate`: 1 when error-level findings remain


@click.group("gsheet")
def command() -> None:
    """Run the checks on a Google Sheets spreadsheet (service account key from
    SHOPBOOK_GSHEET_CREDENTIALS). KEY is the part of the sheet's address between /d/ and /edit.

    在 Google 表格上运行校验/旗帜，结果直接标注在表格里（服务账号密钥来自 SHOPBOOK_GSHEET_CREDENTIALS）
    。KEY 是表格网址中 /d/ 与 /edit 之间的那一串。
    """


_KEY = click.argument("key")
_CONFIG = click.option("--config", "config", type=click.Path(path_type=str),
                       help=help_text("人员、日历与 [rules] 所用的 shop.toml（或其所在的店铺文件夹）。", "shop.toml (or the shop folder holding it) for staff, calendar and [rules]."))
_JSON = click.option("--json", "as_json", is_flag=True, help=help_text("以 JSON 输出汇总。", "Print a JSON summary."))


@command.command("validate")
@_KEY
@_CONFIG
@_JSON
def validate(key: str, config: str | None, as_json: bool) -> None:
    """Check the spreadsheet: problem cells coloured with notes, and a findings sheet.

    校验表格：问题单元格标色并加批注，另生成“校验结果”表。
    """
    _run("validate", key, config, as_json)


@command.command("flags")
@_KEY
@_CONFIG
@_JSON
def flags(key: str, config: str | None, as_json: bool) -> None:
    """Apply the remark-flag conventions: a canonical-remark column, row colours, derived sheets.

    按旗帜约定整理备注：“规范备注”列、行颜色与派生表格。
    """
    _run("flags", key, config, as_json)


__all__ = ["command", "run_on_spreadsheet", "credentials_path", "make_client"]
