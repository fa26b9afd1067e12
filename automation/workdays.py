"""The shop's working days (M-WORKDAY): national holidays and make-up days (调休) from
chinese-calendar, the shop's own weekly rest days, and extra days from shop.toml [calendar]."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from .config_names import WEEKDAYS
from .errors import UserError



def _last_covered_year() -> int:
    import chinese_calendar

    return max(chinese_calendar.holidays).year


@lru_cache(maxsize=4096)
def _national(day: dt.date) -> tuple[bool, bool, str | None]:
    """(working day, on holiday, holiday name) from chinese-calendar, once per date: the library
    re-scans its whole holiday table on every call, which dominated a 100k-order check. Imported
    here, not at the top: building its tables is ~3 ms, and a run that counts no working days
    (flags) never needs them."""
    import chinese_calendar

    try:
        workday = chinese_calendar.is_workday(day)
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError as exc:
        raise UserError("err.calendar_year", year=day.year, last=_last_covered_year()) from exc
    return workday, on_holiday, name


@dataclass(frozen=True)
class WorkCalendar:
    """`rest_weekdays=None` follows the national calendar (weekends off, make-up Saturdays on)."""

    rest_weekdays: frozenset[int] | None = None  # ISO weekdays 1..7
    extra_holidays: frozenset[dt.date] = field(default_factory=frozenset)
    extra_workdays: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def from_config(cls, section: dict) -> "WorkCalendar":
        rest = section.get("rest_days")
        rest_weekdays = None if rest is None else frozenset(WEEKDAYS[str(d).strip().lower()] for d in rest)
        return cls(rest_weekdays, frozenset(_dates(section.get("holidays", []))),
                   frozenset(_dates(section.get("workdays", []))))

    def is_workday(self, day: dt.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        national_workday, on_holiday, name = _national(day)
        if self.rest_weekdays is None:
            return national_workday
        if on_holiday and name is not None:  # a statutory holiday
            return False
        makeup_day = national_workday and day.isoweekday() >= 6
        return makeup_day or day.isoweekday() not in self.rest_weekdays

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day += dt.timedelta(days=1)
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def workday_on_or_after(self, day: dt.date) -> dt.date:
        return day if self.is_workday(day) else self.next_workday(day)

    def add_workdays(self, day: dt.date, count: int) -> dt.date:
        for _ in range(count):
            day = self.next_workday(day)
        return day

    def workdays(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Working days from start to end inclusive."""
        days, day = [], start
        while day <= end:
            if self.is_workday(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days


def _dates(values: list) -> list[dt.date]:
    return [v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)) for v in values]
