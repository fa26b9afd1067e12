"""Report months ("2026-10") and the deadlines the rules share."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from ..errors import UserError
from ..i18n import register

register({
    "penalties.bad_month": ("月份“{value}”无法识别。请写成 2026-10 这样的格式。",
                            "Month '{value}' is not recognised. Write it like 2026-10."),
})

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


def parse_month(value: str) -> tuple[dt.date, dt.date]:
    """'2026-10' -> (2026-10-01, 2026-10-31)."""
    match = _MONTH.match(str(value))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise UserError("penalties.bad_month", value=value)
    year, month = int(match.group(1)), int(match.group(2))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def month_label(first: dt.date) -> str:
    return f"{first.year:04d}-{first.month:02d}"


def previous_month(month: str, back: int = 1) -> str:
    first, _ = parse_month(month)
    index = first.year * 12 + first.month - 1 - back
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hours, minutes = hhmm.split(":")
    return dt.datetime.combine(day, dt.time(int(hours), int(minutes)))


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max)


def weekly_due(calendar_, monday: dt.date) -> dt.date | None:
    """The weekly summary's day (M-PEN-WEEKLY): the week's last working day — Friday, the day before a
    holiday, or a make-up Saturday/Sunday (调休); None when the week holds no working day."""
    for offset in range(6, -1, -1):
        day = monday + dt.timedelta(days=offset)
        if calendar_.is_workday(day):
            return day
    return None


def first_week_deadline(calendar_, first: dt.date, workdays: int) -> dt.date:
    """The last of the month's first `workdays` working days (M-PEN-MONTHEND "the first week")."""
    day = calendar_.workday_on_or_after(first)
    return calendar_.add_workdays(day, workdays - 1)
