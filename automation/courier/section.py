"""The courier part of the monthly e-mail (a provider for automation.monthly)."""

from __future__ import annotations

from html import escape

from .. import coverage
from ..errors import UserError
from ..i18n import lang, pick
from ..monthly import Section, templates
from .reconcile import BY_SLUG, action_label
from .run import reconcile_month, write_month

TOP_DISPUTES = 5
CHART_CID = "courier_chart"


def _chart(rows: list[dict]) -> bytes | None:
    """A bar chart of the differences per category (PNG, Chinese category names, 元), or None when there is nothing to show."""
    from ..sales.charts import hbar_chart

    shown = [r for r in rows if r["difference"] != 0]
    if not shown:
        return None
    return hbar_chart(pick("各类差额", "Difference by category"), [r["title"] for r in shown], [r["difference"] for r in shown],
                      pick("差额（元）", "Difference (yuan)"))


CHECK_NAMES = {"reconcile.rates": ("按价目表核对运费", "fees against the rate card"),
               "reconcile.weight": ("计费重量核对", "billed weights")}  # the others name a category (reconcile.not-billed)


def check_name(code: str) -> str:
    """A reconciliation check as the mail names it: its category's title, never the code."""
    if code in CHECK_NAMES:
        return pick(*CHECK_NAMES[code])
    slug = code.removeprefix("reconcile.").replace("-", "_")
    return BY_SLUG[slug].title() if slug in BY_SLUG else code


def month_done(shop, month: str):
    """The month reconciled and its files written, once per process for the same inputs
    (automation.runcache): the reconcile job and the monthly e-mail of one run share them."""
    from ..runcache import for_month, written

    done = for_month("reconcile", shop, month, lambda: reconcile_month(shop, month))
    return written("reconcile.files", done, (shop.month_dir(month), lang()), lambda: write_month(shop, done), lambda d: d.written)


def monthly_section(shop, month: str) -> Section | None:
    try:
        done = month_done(shop, month)
    except UserError as exc:
        if exc.key in ("courier.bill.none", "err.no_table", "months.log_not_covering"):
            note = str(exc)
            return Section(pick("快递对账", "Courier reconciliation"), f"<p>{escape(note)}</p>", note)
        raise
    couriers = []
    rows_all = []
    for res in done.results:
        rows = [{"slug": s, "title": BY_SLUG[s].title(), "count": c.count, "difference": c.difference,
                 "action": action_label(BY_SLUG[s].action)} for s, c in res.categories.items()]
        rows_all += rows
        disputes = (res.lines.filter(res.lines["diff_c"] != 0).sort("diff_c", descending=True).head(TOP_DISPUTES))
        top = [{"waybill": d["shown"], "title": BY_SLUG[d["category"]].title(), "difference": f"{d['diff_c'] / 100:,.2f}",
                "action": action_label(d["action"] or "")} for d in disputes.iter_rows(named=True)]
        couriers.append({"name": res.courier, "bill_total": res.bill_total, "expected_total": res.expected_total,
                         "difference": res.difference, "recoverable": res.recoverable, "closes": res.closes(), "rows": rows, "top": top})
    by_slug: dict = {}
    for r in rows_all:
        entry = by_slug.setdefault(r["slug"], dict(r, difference=0))
        entry["difference"] += r["difference"]
    chart = _chart(list(by_slug.values()))
    context = {"couriers": couriers, "month": month, "lang": lang(), "chart": CHART_CID if chart else None}
    env = templates()
    return Section(
        title=pick("快递对账", "Courier reconciliation"),
        html=env.get_template("courier_section.html.j2").render(**context),
        text=env.get_template("courier_section.txt.j2").render(**context),
        attachments=list(done.written),
        images={CHART_CID: chart} if chart else {},
        not_checked=list(done.not_checked),
        unchecked=coverage.lines(done.not_checked, check_name),
    )
