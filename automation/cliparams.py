"""Parameter types shared by every command, so one option means the same thing everywhere."""

from __future__ import annotations

import click

from .courier.months import check_month


class MonthType(click.ParamType):
    """`--month`: YYYY-MM with a real month (2026-10), nothing else. A bad value is one clear line (UserError)."""

    name = "YYYY-MM"

    def convert(self, value, param, ctx):
        return None if value is None else check_month(str(value).strip())


MONTH = MonthType()
