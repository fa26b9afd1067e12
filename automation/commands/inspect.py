"""`shopbook inspect`: what shopbook sees in a workbook."""

from __future__ import annotations

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from ..click_zh import help_text
from ..headers import Unsure
from ..i18n import lang, pick
from ..jsonout import dumps
from ..privacy import mask_data, mask_text
from ..schema import schemas
from ..shop import Shop
from ..tables import Table, column_letter, read_tables


METHOD_LABELS = {"own": ("shop.toml [headers]", "shop.toml [headers]"), "canonical": ("标准表头", "canonical header"),
                 "alias": ("别名", "alias"), "family": ("常用叫法", "common name"), "units": ("去掉括号/单位", "without brackets/units"),
                 "suffix": ("去掉后缀", "without suffix"), "contains": ("包含", "contains")}


def _unsure(table: Table) -> list[Unsure]:
    found = table.match.unsure if table.match is not None else {}
    return sorted((c for group in found.values() for c in group), key=lambda c: (c.index, -c.score))


def describe(table: Table, with_records: bool) -> dict:
    how = table.match.how if table.match is not None else {}
    out = {
        "sheet": table.sheet,
        "kind": table.kind,
        "header_row": table.header_row,
        "columns": {f: table.headers.get(i, "") for f, i in sorted(table.columns.items(), key=lambda kv: kv[1])},
        "matches": [{"field": f, "header": table.headers.get(i, ""), "column": column_letter(i),
                     "method": how[f].method if f in how else "own", "confidence": how[f].score if f in how else 1.0}
                    for f, i in sorted(table.columns.items(), key=lambda kv: kv[1])],
        "unsure": [{"header": c.header, "column": column_letter(c.index), "field": c.field, "confidence": c.score,
                    "rival": c.rival, "fix": c.fix(table.kind)} for c in _unsure(table)],
        "unmapped": list(table.unmapped.values()),
        "rows": len(table.records),
        "problems": [
            {"row": p.row, "column": p.header, "cell": f"{column_letter(p.column)}{p.row}", "field": p.field,
             "code": p.code, "severity": p.severity, "message": mask_text(p.message)}
            for p in table.problems
        ],
    }
    if with_records:
        out["records"] = [mask_data({"row": r.row, **r.data, **({"extra": r.extra} if r.extra else {})}) for r in table.records]
    return out


def _print(path: str, tables: list[Table]) -> None:
    console = Console()
    for table in tables:
        console.print(f"[bold]{path}[/bold] › {pick('工作表', 'sheet')} [cyan]{table.sheet}[/cyan] — "
                      f"{table.schema.title(lang())} ({table.kind}), {pick('表头在第', 'header row ')}{table.header_row}"
                      f"{pick('行', '')}, {len(table.records)} {pick('行数据', 'data rows')}")
        grid = RichTable(show_header=True, header_style="bold")
        grid.add_column(pick("字段", "field"))
        grid.add_column(pick("表头", "header"))
        grid.add_column(pick("列", "column"))
        grid.add_column(pick("匹配方式", "matched by"))
        grid.add_column(pick("可信度", "confidence"), justify="right")
        how = table.match.how if table.match is not None else {}
        for field_name, index in sorted(table.columns.items(), key=lambda kv: kv[1]):
            matched = how.get(field_name)
            method = pick(*METHOD_LABELS[matched.method]) if matched else ""
            grid.add_row(field_name, table.headers.get(index, ""), column_letter(index), method,
                         f"{matched.score:.0%}" if matched else "")
        unsure = {c.index for c in _unsure(table)}
        for index, header in table.unmapped.items():
            label = pick("（不确定，未采用）", "(unsure, not taken)") if index in unsure else pick("（自有列）", "(own column)")
            grid.add_row(label, header, column_letter(index), "", "")
        console.print(grid)
        for c in _unsure(table):
            rival = pick(f"，也像 {c.rival}", f", also like {c.rival}") if c.rival else ""
            console.print(pick(f"  表头“{c.header}”（{column_letter(c.index)} 列）可能是 {c.field}（可信度 {c.score:.0%}{rival}），未采用；"
                               f"如确实是，请在 shop.toml 写：{c.fix(table.kind)}",
                               f"  header '{c.header}' (column {column_letter(c.index)}) may be {c.field} ({c.score:.0%}{rival}), "
                               f"not taken; if it is, add to shop.toml: {c.fix(table.kind)}"), markup=False, highlight=False, soft_wrap=True)
        for p in table.problems[:50]:
            console.print(f"  {column_letter(p.column)}{p.row} [{p.header}] {escape(mask_text(p.message))}")
        if len(table.problems) > 50:
            console.print(pick(f"  …另有 {len(table.problems) - 50} 个问题（用 --json 查看全部）",
                               f"  …{len(table.problems) - 50} more problems (use --json for all)"))


@click.command("inspect")
@click.argument("path", type=click.Path(dir_okay=False, path_type=str))
@click.option("--kind", type=click.Choice(sorted(schemas())), help=help_text("把每个工作表都按此类型读取，不自动识别。", "Read every sheet as this kind instead of detecting it."))
@click.option("--sheet", help=help_text("只看这个工作表。", "Only this sheet."))
@click.option("--json", "as_json", is_flag=True, help=help_text("以 JSON 输出：{file, tables: [{sheet, kind, header_row, columns, matches, unsure, unmapped, rows, problems}]}。", "Print JSON: {file, tables: [{sheet, kind, header_row, columns, matches, unsure, unmapped, rows, problems}]}."))
@click.option("--records", is_flag=True, help=help_text("与 --json 一起用：包含每一行的读取结果。", "With --json: include every typed record."))
def command(path: str, kind: str | None, sheet: str | None, as_json: bool, records: bool) -> None:
    """Show what shopbook sees: sheet kinds, header rows, column mapping, typed rows, problems.

    显示 shopbook 如何读取表格：表格类型、表头行、列对应关系、数据行数与数据问题。
    """
    shop = Shop.open(path)  # picks up a shop.toml beside the file ([headers.<kind>] mappings)
    tables = read_tables(path, kind=kind, sheet=sheet, own=shop.own_headers)
    if as_json:
        click.echo(dumps({"file": path, "tables": [describe(t, records) for t in tables]}))
    else:
        _print(path, tables)
