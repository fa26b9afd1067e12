"""`shopbook inspect`: what shopbook sees in a workbook."""

from __future__ import annotations

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from ..i18n import lang, pick
from ..jsonout import dumps
from ..privacy import mask_data, mask_text
from ..schema import schemas
from ..shop import Shop
from ..tables import Table, column_letter, read_tables


def describe(table: Table, with_records: bool) -> dict:
    out = {
        "sheet": table.sheet,
        "kind": table.kind,
        "header_row": table.header_row,
        "columns": {f: table.headers.get(i, "") for f, i in sorted(table.columns.items(), key=lambda kv: kv[1])},
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
        for field_name, index in sorted(table.columns.items(), key=lambda kv: kv[1]):
            grid.add_row(field_name, table.headers.get(index, ""), column_letter(index))
        for index, header in table.unmapped.items():
            grid.add_row(pick("（自有列）", "(own column)"), header, column_letter(index))
        console.print(grid)
        for p in table.problems[:50]:
            console.print(f"  {column_letter(p.column)}{p.row} [{p.header}] {escape(mask_text(p.message))}")
        if len(table.problems) > 50:
            console.print(pick(f"  …另有 {len(table.problems) - 50} 个问题（用 --json 查看全部）",
                               f"  …{len(table.problems) - 50} more problems (use --json for all)"))


@click.command("inspect")
@click.argument("path", type=click.Path(dir_okay=False, path_type=str))
@click.option("--kind", type=click.Choice(sorted(schemas())), help="Read every sheet as this kind instead of detecting it.")
@click.option("--sheet", help="Only this sheet.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {file, tables: [{sheet, kind, header_row, columns, unmapped, rows, problems}]}.")
@click.option("--records", is_flag=True, help="With --json: include every typed record.")
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
