"""`shopbook stubs`: the daily stub check (底单核对) — M-CUR-COUNT, -WEIGH, -ARCHIVE, -CLAIM, -UNDELIV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
import polars as pl
from rich.console import Console
from rich.markup import escape

from ..outnames import output_name
from ..click_zh import help_text
from ..courier.frames import cents, empty_stubs, shipments_frame, stubs_frame
from ..courier.months import month_range
from ..courier.settings import load_settings
from ..courier.stubs import CHECKS, StubCheck, check_stubs
from ..coverage import as_json as not_checked_json, lines as not_checked_lines
from ..rules.needs import gaps
from ..courier.workbook import _stub_sheets, write_stub_check
from ..errors import UserError
from ..i18n import pick, register, t
from ..jsonout import dumps
from ..privacy import mask_data, mask_text
from ..shop import Shop
from ..cliparams import MONTH
from .reconcile import demo_month

register({"stubs.both": ("--date 与 --month 只能选一个。", "Give either --date or --month, not both."),
          "stubs.unreadable": ("{sheet} 第 {row} 行 {header}：{message}", "{sheet} row {row}, {header}: {message}"),
          "stubs.latest": ("未指定 --date，核对表格中最近的一天：{day}", "No --date given; checking the latest day in the sheets: {day}")})
CHECKED_FIELDS = ("date", "waybill", "weight", "status", "fee")


def period(date: dt.date | None, month: str | None, shop=None) -> tuple[dt.date, dt.date]:
    """The days to check: --month, --date, or else the latest day the shipment log or stubs have."""
    if date and month:
        raise UserError("stubs.both")
    if month:
        return month_range(month)
    day = date or (latest_day(shop) if shop is not None else None) or dt.date.today()
    return day, day


def latest_day(shop) -> dt.date | None:
    from ..months import log_days

    days = [found[-1] for kind in ("shipments", "stubs") if (found := log_days(shop, kind))]
    if not days:
        return None
    click.echo(t("stubs.latest", day=max(days)), err=True)
    return max(days)


def orders_frame(shop) -> pl.DataFrame | None:
    """The trade record a claim needs: order, buyer, items, amount paid (no phone, no address)."""
    table = shop.table("orders")
    if table is None:
        return None
    rows = [(r.data.get("order_id"), r.data.get("buyer"), r.data.get("items"), cents(r.data.get("paid_amount")))
            for r in table.records if r.data.get("order_id")]
    return pl.DataFrame(rows, schema={"order_id": pl.Utf8, "buyer": pl.Utf8, "items": pl.Utf8, "paid_c": pl.Int64},
                        orient="row").unique("order_id", keep="first")


def unreadable(*tables) -> pl.DataFrame:
    """Cells of the stubs and the shipment log the check could not read (a date, weight or status):
    each one said with its sheet, the row kept."""
    found = [(table.sheet, p) for table in tables if table is not None for p in table.problems
             if p.field in CHECKED_FIELDS and p.severity == "error" or p.field == "status" and p.code == "coerce.bad_enum"]
    return pl.DataFrame({"sheet": [sheet for sheet, _ in found], "row": [p.row for _, p in found],
                         "column": [p.header for _, p in found], "message": [p.message for _, p in found]},
                        schema={"sheet": pl.Utf8, "row": pl.Int64, "column": pl.Utf8, "message": pl.Utf8})


def run(shop, start: dt.date, end: dt.date) -> tuple[StubCheck, Path]:
    from ..progress import READING, RULES, WRITING, step

    step(READING)
    settings = load_settings(shop.config)
    shipment_table = shop.require("shipments")
    shipments = shipments_frame(shipment_table, settings)
    table = shop.table("stubs")
    stubs = stubs_frame(table, settings) if table is not None else empty_stubs()
    step(RULES)
    check = check_stubs(shipments, stubs, start, end, settings.tolerances, orders_frame(shop))
    check.not_checked = gaps(CHECKS, {"stubs": table, "shipments": shipment_table})
    check.unreadable = unreadable(table, shipment_table)
    step(WRITING)
    name = output_name("stubs_day", ".xlsx", start=start) if start == end else output_name("stubs_range", ".xlsx", start=start, end=end)
    path = write_stub_check(check, shop.month_dir(f"{start:%Y-%m}") / name)
    return check, path


@click.command("stubs")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD", default=None, help=help_text("核对的日期，如 2026-10-15（默认：发货登记与底单中最近的一天）。", "Day to check (default: the latest day in the shipment log and stubs)."))
@click.option("--month", "month", type=MONTH, default=None, help=help_text("核对整月，如 2026-10。", "Check a whole month, e.g. 2026-10."))
@click.option("--json", "as_json", is_flag=True, help=help_text("以 JSON 输出核对结果。", "Print the findings as JSON."))
def command(path: Path, date, month: str | None, as_json: bool) -> None:
    """Stubs against shipments: counts, missing stubs, weights, filing, claims and deductions.

    底单核对：数量、缺底单、重量、归档、索赔与扣减。
    """
    from ..progress import steps

    shop = Shop.open(path)
    if not as_json:
        shop.say_skipped()
    start, end = period(date.date() if date else None, month, shop)
    with steps(pick("底单核对", "Stub check"), total=3, enabled=not as_json):
        check, written = run(shop, start, end)
    findings = check.findings()
    notes = [mask_text(t("stubs.unreadable", sheet=u["sheet"], row=u["row"], header=u["column"], message=u["message"]))
             for u in check.unreadable.iter_rows(named=True)]
    if as_json:
        click.echo(dumps({"start": start, "end": end, "written": str(written), "unreadable": notes,
                          "findings": {k: mask_data(v.to_dicts()) for k, v in findings.items()},
                          "not_checked": not_checked_json(check.not_checked)}))
        return
    console = Console()
    for note in notes:
        console.print(f"[yellow]! {escape(note)}[/yellow]", highlight=False)
    skipped = {n.code for n in check.not_checked}
    for code, title, _, _ in _stub_sheets():  # clause ids stay in the workbook's 依据 column
        count = findings[code].height
        if f"stubs.{code}" in skipped:  # an empty list that was never made is not a clean one
            console.print(f"[yellow]?[/yellow] {title}: {pick('未检查', 'not checked')}")
            continue
        console.print(f"{'[green]✓[/green]' if count == 0 else '[red]✗[/red]'} {title}: {count}")
    console.print(f"  → {written}")
    for line in not_checked_lines(check.not_checked):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def figures(check: StubCheck) -> list[str]:
    """Each list's count on one line (the demo's summary, the Excel console's status cell)."""
    findings = check.findings()
    skipped = {n.code for n in check.not_checked}
    return ["；".join(f"{title} {pick('未检查', 'not checked') if f'stubs.{code}' in skipped else findings[code].height}"
                     for code, title, _, _ in _stub_sheets())]


def demo_step(shop_dir: Path, console):
    from ..outcome import Outcome

    start, end = period(None, demo_month(shop_dir))
    check, written = run(Shop.open(shop_dir), start, end)
    return Outcome(pick("底单核对", "Stub check"), figures(check), [written])
