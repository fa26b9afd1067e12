"""`shopbook validate`: check a workbook (or every workbook of a shop folder) against the rule catalog
and write an annotated copy: problem cells filled by severity, a note with the rule, the 校验结果 sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..click_zh import help_text
from ..i18n import lang, pick
from ..privacy import full_notice, full_option
from ..schema import schemas

if TYPE_CHECKING:
    from rich.console import Console

    from ..coverage import NotChecked
    from ..rules.catalog import Finding
    from ..tables import Table

# The rules, the readers and the writer are imported inside the functions that use them, so that
# `shopbook validate -h` does not load polars, openpyxl or the catalog (docs/architecture.md).


@dataclass
class Validation:
    findings: list[Finding]
    tables: dict[Path, list[Table]]  # the checked files and their tables
    outputs: list[Path] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)  # rules that did not run, and why
    keep_backups: int = 10  # [files] backups
    skipped_notice: str | None = None  # our own outputs found in the folder and not read

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)


def validate(path: str | Path, *, kind: str | None = None, select: tuple[str, ...] = (), ignore: tuple[str, ...] = (),
             as_of: dt.date | None = None) -> Validation:
    """Run the catalog over a workbook or a shop folder (pure apart from reading the files)."""
    from ..errors import UserError
    from ..rules.engine import check_rules, load_selection
    from ..shop import Shop
    from ..tables import largest_by_kind, read_as_columns, read_tables

    from ..progress import READING, RULES, step

    step(READING)
    shop = Shop.open(path)
    tables: dict[Path, list[Table]] = {}
    for file in shop.files:
        found = read_tables(file, kind=kind, own=shop.own_headers) if kind and len(shop.files) == 1 else shop.tables_in(file, read=read_as_columns)
        found = [t for t in found if kind is None or t.kind == kind]
        if found:
            tables[file] = found
    everything = [t for found in tables.values() for t in found]
    if not everything:
        raise UserError("err.no_header", path=path)
    context = {name: shop.table(name) for name in schemas()} if len(shop.files) > 1 else largest_by_kind(everything)
    context = {k: v for k, v in context.items() if v is not None}
    selection = load_selection(shop.config, select, ignore)
    step(RULES)
    done = check_rules(everything, context, shop.config, lambda: shop.calendar, selection, as_of)
    return Validation(done.findings, tables, not_checked=done.not_checked, keep_backups=shop.keep_backups,
                      skipped_notice=shop.skipped_notice())


def write_annotations(result: Validation, *, inplace: bool = False, on_notice=None) -> list[Path]:
    """One annotated workbook per checked file (the findings of that file only). In a shop folder a
    workbook without findings gets no copy; a single workbook always gets one (with an empty 校验结果)."""
    from ..coverage import for_file
    from ..rules.annotate import findings_edit
    from ..progress import WRITING, step
    from ..sheets.writers import apply_edit

    step(WRITING)
    for file in result.tables:
        mine = [f for f in result.findings if Path(f.file) == file]
        if mine or len(result.tables) == 1:
            result.outputs.append(apply_edit(file, findings_edit(mine, for_file(result.not_checked, file.name)), inplace=inplace, on_notice=on_notice, keep_backups=result.keep_backups))
    return result.outputs


def _print(console: Console, result: Validation, limit: int = 40, full: bool = False) -> None:
    from rich.markup import escape

    from ..coverage import lines as not_checked_lines
    from ..rules.annotate import masked, rule_title, severity_label
    from ..rules.engine import summary
    from ..termtable import wrapping_table

    counts = summary(result.findings)
    if full:
        console.print(f"[bold red]{full_notice()}[/]")
    for file, tables in result.tables.items():
        kinds = "、".join(f"{t.sheet}（{t.schema.title(lang())}）" for t in tables)
        console.print(f"[bold]{file}[/bold] — {kinds}")
    if result.findings:
        # the rule's name and the message first; its code (for --select/--ignore) last, as in the 依据 column
        grid = wrapping_table([pick("级别", "Severity"), pick("规则", "Rule"), pick("位置", "Where"), pick("问题", "Problem"),
                               pick("代码", "Code")])
        style = {"error": "red", "warning": "yellow", "info": "blue"}
        for f in result.findings[:limit]:
            message = f.message if full else masked(f)["message"]
            grid.add_row(f"[{style[f.severity]}]{severity_label(f.severity)}[/]", escape(rule_title(f.code)), f"{f.sheet}!{f.cell}",
                         escape(message), f"[dim]{f.code}[/]")
        console.print(grid)
        if len(result.findings) > limit:
            console.print(pick(f"…另有 {len(result.findings) - limit} 条（完整列表见“校验结果”工作表或 --json）",
                               f"…{len(result.findings) - limit} more (see the Findings sheet or --json)"))
    console.print(pick(f"错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}",
                       f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes"))
    for out in result.outputs:
        console.print(pick("已写入：", "Written: ") + str(out))
    for line in not_checked_lines(result.not_checked):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


@click.command("validate")
@click.argument("path", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help=help_text("以 JSON 输出：{\"findings\": [...], \"summary\": {...}, \"outputs\": [...], \"not_checked\": [...]}。", 'Print {"findings": [...], "summary": {...}, "outputs": [...], "not_checked": [...]}.'))
@click.option("--inplace", "mode", flag_value="inplace", help=help_text("直接在工作簿本身标注（其他内容不变；保留备份）。", "Mark the workbook itself (nothing else in it changes; a backup is kept)."))
@click.option("--no-write", "mode", flag_value="none", help=help_text("只报告，不写任何文件。", "Only report; write nothing."))
@click.option("--kind", type=click.Choice(sorted(schemas())), help=help_text("把每个工作表都按此类型读取。", "Read every sheet as this kind."))
@click.option("--select", multiple=True, help=help_text("只运行这些规则代码或前缀（可重复，如 --select ORD）。", "Only these rule codes or prefixes (repeatable, e.g. --select ORD)."))
@click.option("--ignore", multiple=True, help=help_text("跳过这些规则代码或前缀（可重复）。", "Skip these rule codes or prefixes (repeatable)."))
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD", help=help_text("计算超期天数截至的日期，如 2026-10-31（默认：表格中最近的日期）。", "The day age checks measure to (default: the latest date in the sheets)."))
@full_option
def command(path: str, as_json: bool, mode: str | None, kind: str | None, select: tuple[str, ...],
            ignore: tuple[str, ...], as_of: dt.datetime | None, full: bool) -> None:
    """Check orders, remarks, stock and handover sheets against the shop's rules; mark the problems in
    a copy with a findings sheet. Exit code 0: no errors, 1: error-level findings, 2: bad input.

    校验表格：按店铺规则检查订单、备注、库存、交接本，在副本中标出问题单元格并生成“校验结果”表。退出码：
    0 无错误，1 有错误级问题，2 输入有误。
    """
    from rich.console import Console

    from ..coverage import as_json as not_checked_json
    from ..jsonout import dumps
    from ..rules.annotate import masked
    from ..rules.engine import summary

    codes = tuple(c for s in select for c in s.split(",") if c.strip())
    skipped = tuple(c for s in ignore for c in s.split(",") if c.strip())
    from ..progress import steps

    with steps(pick("校验", "Check"), total=2 if mode == "none" else 3, enabled=not as_json):
        result = validate(path, kind=kind, select=codes, ignore=skipped, as_of=as_of.date() if as_of else None)
        notices: list[str] = [result.skipped_notice] if result.skipped_notice else []
        if mode != "none":
            write_annotations(result, inplace=mode == "inplace", on_notice=notices.append)
    if as_json:
        click.echo(dumps({"findings": [masked(f) for f in result.findings], "summary": summary(result.findings),
                          "outputs": [str(p) for p in result.outputs], "notices": notices,
                          "not_checked": not_checked_json(result.not_checked)}))
    else:
        for notice in notices:
            click.echo(notice, err=True)
        _print(Console(), result, full=full)
    if result.errors:
        raise click.exceptions.Exit(1)


def figures(result: Validation) -> list[str]:
    from ..rules.engine import summary

    counts = summary(result.findings)
    return [pick(f"错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}",
                 f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes")]


def demo_step(shop_dir: Path, console):
    """`shopbook demo`: validate the demo shop and write its annotated copies."""
    from ..outcome import Outcome

    result = validate(shop_dir)
    notices: list[str] = []
    write_annotations(result, on_notice=notices.append)
    return Outcome(pick("校验", "Check"), figures(result) + notices, result.outputs)
