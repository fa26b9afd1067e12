"""`shopbook reconcile`: the courier's monthly bill against our shipments and stubs (M-CUR-MONTHLY)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console

from ..click_zh import help_text
from ..courier.reconcile import BY_SLUG, action_label
from ..courier.run import MonthReconciliation, reconcile_month, write_month
from ..coverage import as_json as not_checked_json, lines as not_checked_lines
from ..i18n import pick
from ..jsonout import dumps
from ..months import chosen_month
from ..shop import Shop
from ..termtable import wrapping_table
from ..cliparams import MONTH


def as_json(done: MonthReconciliation) -> dict:
    return {"month": done.month, "written": [str(p) for p in done.written], "couriers": {
        r.courier: {"bill": str(r.bill.path), "bill_total": r.bill_total, "expected_total": r.expected_total,
                    "difference": r.difference, "recoverable": r.recoverable, "stated_total": r.bill.stated_total, "closes": r.closes(),
                    "waybill_notes": [{"row": p.row, "code": p.code, "value": p.params.get("value")} for p in r.bill.waybill_notes()],
                    "unreadable": [{"row": p.row, "column": p.header, "code": p.code, "value": p.params.get("value"),
                                    "message": r.bill.unreadable_line(p)} for p in r.bill.unreadable_notes()],
                    "categories": {s: {"count": c.count, "billed": c.billed, "expected": c.expected, "difference": c.difference}
                                   for s, c in r.categories.items()}}
        for r in done.results}, "not_checked": not_checked_json(done.not_checked)}


def show(done: MonthReconciliation, console: Console) -> None:
    for res in done.results:
        grid = wrapping_table([pick("分类", "Category"), pick("笔数", "Lines"), pick("差额", "Difference"), pick("建议", "Action")],
                              title=f"{res.courier} {done.month} — {res.bill.path.name}", right=(1, 2))
        for slug, total in res.categories.items():
            grid.add_row(BY_SLUG[slug].title(), str(total.count), f"{total.difference:,.2f}", action_label(BY_SLUG[slug].action))
        console.print(grid)
        console.print(pick(f"账单合计 {res.bill_total:,.2f}，应计合计 {res.expected_total:,.2f}，差额 {res.difference:,.2f}"
                           f"（{'与分类差额之和一致' if res.closes() else '与分类差额之和不一致！'}）",
                           f"Courier total {res.bill_total:,.2f}, our expected total {res.expected_total:,.2f}, difference "
                           f"{res.difference:,.2f} ({'equals the sum of the categories' if res.closes() else 'does NOT close!'})"))
        if res.bill.stated_total is not None and res.bill.stated_total != res.bill_total:
            console.print(pick(f"[red]注意：账单自带合计行 {res.bill.stated_total:,.2f} 与明细之和 {res.bill_total:,.2f} 不符[/red]",
                               f"[red]Note: the bill's own totals row {res.bill.stated_total:,.2f} differs from its lines {res.bill_total:,.2f}[/red]"))
        for note in res.bill.unreadable_notes():
            console.print(f"  [red]{res.bill.unreadable_line(note)}[/red]")
        for note in res.bill.waybill_notes():
            console.print(f"  [yellow]{res.bill.path.name} {pick('第', 'row ')}{note.row}{pick('行', '')}: {note.message}[/yellow]")
    for path in done.written:
        console.print(f"  → {path}")
    for line in not_checked_lines(done.not_checked):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


@click.command("reconcile")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--month", "month", type=MONTH, default=None, help=help_text("对账的月份，如 2026-10（默认：上个月）。", "Month to reconcile, e.g. 2026-10 (default: last month)."))
@click.option("--bill", "bills", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help=help_text("快递账单文件（可重复）。默认：店铺的 账单/ 文件夹，如 账单/中通_2026-10.xlsx。", "A courier's bill file (repeatable). Default: the shop's 账单/ folder, e.g. 账单/中通_2026-10.xlsx."))
@click.option("--json", "as_json_flag", is_flag=True, help=help_text("以 JSON 输出结果。", "Print the result as JSON."))
def command(path: Path, month: str | None, bills: tuple[Path, ...], as_json_flag: bool) -> None:
    """Reconcile the couriers' monthly bills: bill ↔ shipment log ↔ stubs.

    快递月结账单对账：账单 ↔ 发货登记 ↔ 底单。
    """
    from ..progress import READING, RULES, WRITING, step, steps

    with steps(pick("月度对账", "Monthly reconciliation"), total=3, enabled=not as_json_flag):
        step(READING)
        shop = Shop.open(path)
        if not as_json_flag:
            shop.say_skipped()
        chosen = chosen_month(month)
        step(RULES)
        matched = reconcile_month(shop, chosen, list(bills) or None)
        step(WRITING)
        done = write_month(shop, matched)
    if as_json_flag:
        click.echo(dumps(as_json(done)))
    else:
        show(done, Console())


def demo_month(shop_dir: Path) -> str:
    key = shop_dir / "answer_key.json"
    if key.exists():
        return json.loads(key.read_text(encoding="utf-8")).get("month", "2026-10")
    return "2026-10"


def figures(done: MonthReconciliation) -> list[str]:
    """Each courier's difference (the demo's summary, the Excel console's status cell)."""
    return [pick(f"{r.courier} 账单 {r.bill_total:,.2f}，差额 {r.difference:,.2f} 元",
                 f"{r.courier} bill {r.bill_total:,.2f}, difference {r.difference:,.2f}") for r in done.results] \
        or [pick("没有账单", "no bills")]


def demo_step(shop_dir: Path, console):
    from ..outcome import Outcome

    from ..courier.section import month_done

    done = month_done(Shop.open(shop_dir), demo_month(shop_dir))  # the monthly e-mail's step reuses it
    return Outcome(pick("月度对账", "Monthly reconciliation"), figures(done), list(done.written))
