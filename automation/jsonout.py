"""JSON output: Decimal and datetimes as strings, Chinese kept readable."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)
