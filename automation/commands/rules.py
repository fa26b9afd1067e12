"""`shopbook rules [PATH]`: the rule catalog as staff read it, one block per rule that fits 80 columns:

    AS001 错误 售后超期 · 依据 M-AS-WINDOW · 退换货登记
        〈类型〉申请在签收 〈天数〉 天后（签收 〈签收日〉），超过 7 天

with the options filled in from the shop's shop.toml (PATH) or the defaults."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from ..click_zh import help_text
from ..config import ShopConfig, config_path, load_config
from ..i18n import pick
from ..jsonout import dumps
from ..rules.annotate import severity_label
from ..rules.catalog import Rule, all_rules
from ..rules.docs import markdown
from ..rules.engine import load_selection
from ..rules.needs import sheet_label

SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@click.command("rules")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=help_text("以 JSON 输出规则目录。", "Print the catalog as JSON."))
@click.option("--markdown", "as_markdown", is_flag=True,
              help=help_text("输出 docs/rules.md（由规则目录生成）。", "Print docs/rules.md (generated from the catalog)."))
def command(path: Path | None, as_json: bool, as_markdown: bool) -> None:
    """List every validation rule: code, severity, name, clause, sheet and the message with the options
    filled in, from PATH's shop.toml (a shop folder or shop.toml) or the defaults. Switch rules and
    set options in [rules].

    列出全部校验规则：代码、级别、名称、依据条款、表格，以及填入店铺设置后的提示语。给出 PATH（店铺文件夹或 shop.toml）
    时按该店铺的 [rules] 设置显示，否则按默认值。可在 shop.toml 的 [rules] 中开关与调整规则。
    """
    rules = all_rules()
    if as_markdown:
        click.echo(markdown())
        return
    config = load_config(config_path(path)) if path is not None else ShopConfig(path=None)
    selection = load_selection(config)
    if as_json:
        click.echo(dumps([{"code": r.code, "name": r.name, "title": r.title, "severity": r.severity, "clause": r.clause,
                           "kind": r.kind, "enabled": selection.enabled(r.code),
                           "message": {"zh": r.message[0], "en": r.message[1]}, "shown": r.listed_message(selection.options_for(r)),
                           "fix": {"zh": r.fix[0], "en": r.fix[1]}, "options": selection.options_for(r),
                           "needs": list(r.needs)} for r in rules]))
        return
    console = Console(highlight=False)
    for r in rules:
        console.print(_heading(r, selection.enabled(r.code)))
        console.print(Padding(Text(r.listed_message(selection.options_for(r))), (0, 0, 0, 4), expand=False))
    if config.path is not None:
        console.print(Text(pick(f"按 {config.path} 的 [rules] 设置显示。", f"As set in [rules] of {config.path}."), style="dim"))


def _heading(r: Rule, enabled: bool) -> Text:
    """`AS001 错误 售后超期 · 依据 M-AS-WINDOW · 退换货登记` (wrapped by rich if ever too long)."""
    line = Text()
    line.append(r.code, style="bold")
    line.append(" ")
    line.append(severity_label(r.severity), style=SEVERITY_STYLES[r.severity])
    line.append(f" {r.title}")
    if r.clause:
        line.append(pick(f" · 依据 {r.clause}", f" · clause {r.clause}"), style="dim")
    line.append(" · " + (pick("任意表格", "any sheet") if r.kind == "*" else sheet_label(r.kind)), style="dim")
    if not enabled:
        line.append(pick(" · 已关闭", " · switched off"), style="dim")
    return line
