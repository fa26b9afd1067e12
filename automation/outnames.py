"""The names of the files shopbook writes, in the run's language (--lang / SHOPBOOK_LANG): one table,
so a report, its HTML page, the outbox and the attachments are named the same way everywhere.

Not here: the annotated copies of the user's own workbooks (`订单.checked.xlsx`, `订单.flags.xlsx`)
keep the user's file name; their `.checked` / `.flags` markers are how shopbook recognises its own
outputs in a shop folder (shop.OWN_OUTPUT_MARKERS), so they are the same in both languages.
"""

from __future__ import annotations

from .i18n import pick

# kind -> (zh, en) stem templates; the suffix is added by output_name()
NAMES: dict[str, tuple[str, str]] = {
    "sales": ("销售报表_{month}", "sales_{month}"),
    "daily_sales": ("销售日报_{day}", "daily_sales_{day}"),
    "penalties": ("扣分报表_{month}", "penalties_{month}"),
    "reconciliation": ("快递对账_{month}", "courier_reconciliation_{month}"),
    "disputes": ("申诉清单_{courier}_{month}", "disputes_{courier}_{month}"),
    "stubs_day": ("底单核对_{start}", "stub_check_{start}"),
    "stubs_range": ("底单核对_{start}_{end}", "stub_check_{start}_{end}"),
    "monthly_mail": ("月报_{month}", "monthly_report_{month}"),
    "mail_attachments": ("附件_{month}", "attachments_{month}"),
}


def output_name(kind: str, suffix: str = "", **params: object) -> str:
    """`output_name("sales", ".xlsx", month="2026-10")` -> 销售报表_2026-10.xlsx (sales_2026-10.xlsx in English)."""
    return pick(*NAMES[kind]).format(**params) + suffix
