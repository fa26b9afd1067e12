"""`shopbook rules`: the rule catalog (codes, severities, clauses, messages, options)."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table as RichTable

from ..i18n import pick
from ..jsonout import dumps
from ..rules.catalog import all_rules
from ..rules.docs import markdown


@click.command("rules")
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as JSON.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Print docs/rules.md (generated from the catalog).")
def command(as_json: bool, as_markdown: bool) -> None:
    """List every validation rule: code, severity, clause, sheet, message.

    列出全部校验规则：代码、级别、条款、表格、提示语。可在 shop.toml 的 [rules] 中开关与调整。
    """
    rules = all_rules()
    if as_markdown:
        click.echo(markdown())
        return
    if as_json:
        click.echo(dumps([{"code": r.code, "name": r.name, "severity": r.severity, "clause": r.clause,
                           "kind": r.kind, "message": {"zh": r.message[0], "en": r.message[1]},
                           "fix": {"zh": r.fix[0], "en": r.fix[1]}, "options": r.options,
                           "needs": list(r.needs)} for r in rules]))
        return
    grid = RichTable(show_header=True, header_style="bold")
    for title in (pick("代码", "Code"), pick("名称", "Name"), pick("级别", "Severity"), pick("条款", "Clause"),
                  pick("表格", "Sheet"), pick("提示语", "Message")):
        grid.add_column(title)
    for r in rules:
        grid.add_row(r.code, r.name, r.severity, r.clause or "—", pick("任意", "any") if r.kind == "*" else r.kind, r.summary)
    Console().print(grid)
