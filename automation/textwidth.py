"""How wide text shows in a spreadsheet column, so no generated sheet shows `###` or clips an id.

One place for the rule every writer uses (templates, report workbooks, the sheets we add to a
user's workbook): a CJK (wide or full-width) character takes two columns, anything else one.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

MAX_WIDTH = 60  # longer text wraps instead of making one column a screen wide
DATE_WIDTH = 12  # yyyy-mm-dd
DATETIME_WIDTH = 18  # yyyy-mm-dd hh:mm


def display_width(text: str) -> int:
    """Columns a string takes in Excel: CJK characters count double."""
    if text.isascii():  # ids, numbers, dates: one column a character, no per-character lookup
        return len(text)
    return _wide_width(text)


@lru_cache(maxsize=1 << 16)
def _wide_width(text: str) -> int:  # a generated sheet repeats its names and labels on every row
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shown_width(value: object) -> int:
    """The width of a value as our writers format it (dates as yyyy-mm-dd, money with two decimals)."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return DATETIME_WIDTH
    if isinstance(value, dt.date):
        return DATE_WIDTH
    if isinstance(value, Decimal):
        return display_width(f"{value:,.2f}")
    if isinstance(value, float):
        return display_width(f"{value:,.2f}")
    text = str(value)
    return max((display_width(line) for line in text.splitlines()), default=0)


def fit_width(header: str, values: Iterable[object], *, minimum: int = 6, cap: int = MAX_WIDTH) -> int:
    """A column width that shows the header (plus its filter button) and every value, capped."""
    widest = max((shown_width(v) for v in values), default=0)
    return min(cap, max(minimum, display_width(header) + 4, widest + 2))
