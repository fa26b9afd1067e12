"""Months as the commands take them ("2026-10")."""

from __future__ import annotations

import datetime as dt
import re

from ..errors import UserError
from ..i18n import register

register({"courier.bad_month": ("月份“{month}”格式不对，请写成 2026-10。", "Month '{month}' is not valid; write it like 2026-10.")})
_MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


def check_month(month: str | None) -> str:
    if not _MONTH.match(month or ""):
        raise UserError("courier.bad_month", month=month)
    return month


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of the month (both inclusive)."""
    year, mon = (int(p) for p in check_month(month).split("-"))
    return dt.date(year, mon, 1), dt.date(year + mon // 12, mon % 12 + 1, 1) - dt.timedelta(days=1)


def previous_month(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def last_month(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return previous_month(f"{today.year}-{today.month:02d}")
