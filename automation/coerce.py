"""Raw cell values (calamine, CSV, xlwings, gspread) -> typed values, recording problems instead of raising.

Every coercer takes the raw value and returns ``(value, problem)`` where ``problem`` is ``None`` or
``(message_key, params)``. Empty cells become ``None`` without a problem.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from itertools import compress, count, repeat
from operator import attrgetter, is_, not_

Problem = tuple[str, dict] | None
Coerced = tuple[object, Problem]

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
CENT = Decimal("0.01")
NULL_TOKENS = frozenset({"", "-", "--", "—", "/", "无", "空", "n/a", "na", "null", "none", "无退款申请", "暂无"})
_SCI = re.compile(r"^[+-]?\d+(\.\d+)?e[+-]?\d+$", re.IGNORECASE)
_NUMERIC_ID = re.compile(r"^\d+\.0+$")


def clean_text(raw: object) -> str:
    """Text as the user meant it: Taobao's ="…" protection and a leading apostrophe removed, trimmed."""
    text = str(raw).strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    elif text.startswith("'"):
        text = text[1:]
    return text.strip()


def _is_null(text: str) -> bool:
    return text.lower() in NULL_TOKENS


def to_text(raw: object) -> Coerced:
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), None
    if isinstance(raw, (dt.datetime, dt.date)):
        return raw.isoformat(sep=" ") if isinstance(raw, dt.datetime) else raw.isoformat(), None
    text = clean_text(raw)
    return (text or None), None


def to_id(raw: object) -> Coerced:
    """Order ids and waybills: always text; a number past 15 digits has lost digits and is reported."""
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, bool):
        return str(raw), None
    if isinstance(raw, (int, float)):
        return _numeric_id(float(raw), repr(raw))
    text = unicodedata.normalize("NFKC", clean_text(raw)).replace(" ", "")
    if not text:
        return None, None
    if _SCI.match(text):
        return None, ("coerce.id_damaged", {"value": text})
    if _NUMERIC_ID.match(text):  # "773312000099999.0" from a courier export
        return _numeric_id(float(text), text)
    return text, None


def _numeric_id(number: float, shown: str) -> Coerced:
    if not number.is_integer() or abs(number) >= 1e15:
        return None, ("coerce.id_damaged", {"value": _excel_repr(number) if "e" in shown.lower() or abs(number) >= 1e15 else shown})
    text = str(int(number))
    return text, ("coerce.id_as_number", {"value": text})


def _excel_repr(number: float) -> str:
    """How Excel shows a long number in a General cell: 5.12191E+18."""
    return f"{number:.5E}".replace("E+0", "E+").replace(".00000E", "E")


def to_phone(raw: object) -> Coerced:
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if float(raw).is_integer():
            return str(int(raw)), None
        return str(raw), None
    text = unicodedata.normalize("NFKC", clean_text(raw))
    if _NUMERIC_ID.match(text):
        text = text.split(".")[0]
    return (text or None), None


def _number_text(raw: object) -> str:
    text = unicodedata.normalize("NFKC", clean_text(raw))
    for token in ("¥", "￥", "元", "RMB", "rmb", ",", " ", "kg", "KG", "公斤", "件", "个", "人", "%"):
        text = text.replace(token, "")
    return text


def to_decimal(raw: object, key: str = "coerce.bad_number") -> Coerced:
    if raw is None or raw == "" or isinstance(raw, bool):
        return None, None
    if isinstance(raw, int):
        return Decimal(raw), None
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None, (key, {"value": repr(raw)})
        return _unsigned_zero(Decimal(repr(raw))), None
    if isinstance(raw, Decimal):
        return (_unsigned_zero(raw), None) if raw.is_finite() else (None, (key, {"value": str(raw)}))
    text = _number_text(raw)
    if _is_null(text):
        return None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, (key, {"value": str(raw).strip()})
    if not value.is_finite():
        return None, (key, {"value": str(raw).strip()})
    if "%" in str(raw):
        value = value / 100
    return _unsigned_zero(value), None


def _unsigned_zero(value: Decimal) -> Decimal:
    """-0 as 0: a cell saved as -0 would print as -0.00 (and, typed once per distinct value, since
    -0.0 == 0.0, every zero of its column would)."""
    return value.copy_abs() if value.is_zero() else value


MONEY_LIMIT = Decimal("1e12")  # no shop line is a trillion yuan: such a value is a typo or a pasted id


def to_number(raw: object) -> Coerced:
    """A quantity (a weight, a count with decimals). A trillion or more is a typo or a broken export
    (1e300 kg), never a parcel, and would overflow the gram columns reconciliation works in."""
    value, problem = to_decimal(raw)
    if value is not None and abs(value) >= MONEY_LIMIT:
        return None, ("coerce.too_large", {"value": str(raw).strip()})
    return value, problem


def to_money(raw: object) -> Coerced:
    value, problem = to_decimal(raw, "coerce.bad_money")
    if value is None:
        return None, problem
    if abs(value) >= MONEY_LIMIT:
        return None, ("coerce.bad_money", {"value": str(raw).strip()})
    return value.quantize(CENT), None


def to_int(raw: object) -> Coerced:
    value, problem = to_decimal(raw)
    if problem or value is None:
        return value, problem
    if abs(value) >= MONEY_LIMIT or value != value.to_integral_value():
        return None, ("coerce.bad_number", {"value": str(raw).strip()})
    return int(value), None


_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
               r"(?:[ T]+(?P<H>\d{1,2})[:：时](?P<M>\d{1,2})(?:[:：分](?P<S>\d{1,2})(?:\.\d+)?秒?)?分?)?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<m>\d{1,2})[-/月](?P<d>\d{1,2})日?(?:\s+(?P<H>\d{1,2})[:：](?P<M>\d{2}))?$"),
)


def to_datetime(raw: object, default_year: int | None = None) -> Coerced:
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, dt.datetime):
        return raw.replace(tzinfo=None), None
    if isinstance(raw, dt.date):
        return dt.datetime(raw.year, raw.month, raw.day), None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:  # Excel serial date (1900 system)
            return (EXCEL_EPOCH + dt.timedelta(days=float(raw))).replace(microsecond=0), None
        return None, ("coerce.bad_date", {"value": raw})
    text = unicodedata.normalize("NFKC", clean_text(raw)).strip()
    if _is_null(text):
        return None, None
    for pattern in _DATE_PATTERNS:
        hit = pattern.match(text)
        if hit:
            parts = hit.groupdict()
            year = int(parts.get("y") or default_year or dt.date.today().year)
            try:
                return dt.datetime(year, int(parts["m"]), int(parts["d"]), int(parts.get("H") or 0),
                                   int(parts.get("M") or 0), int(parts.get("S") or 0)), None
            except ValueError:
                break
    return None, ("coerce.bad_date", {"value": str(raw).strip()})


def to_date(raw: object, default_year: int | None = None) -> Coerced:
    value, problem = to_datetime(raw, default_year)
    return (value.date() if isinstance(value, dt.datetime) else value), problem


TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "已归档", "已", "完整", "到付"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "x", "未归档", "未", "不完整", "寄付"})


def to_bool(raw: object) -> Coerced:
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, bool):
        return raw, None
    text = unicodedata.normalize("NFKC", str(raw)).strip().lower()
    if isinstance(raw, float) and raw in (0.0, 1.0):
        return bool(raw), None
    if text in TRUE_WORDS:
        return True, None
    if text in FALSE_WORDS:
        return False, None
    return None, ("coerce.bad_bool", {"value": str(raw).strip()})


def enum_coercer(values: tuple[str, ...], synonyms: dict[str, str]) -> Callable[[object], Coerced]:
    """Accepts the canonical values, their synonyms, full-width/half-width variants (Taobao's ，)."""
    table = {_enum_key(v): v for v in values}
    table.update({_enum_key(k): v for k, v in synonyms.items()})

    def coerce(raw: object) -> Coerced:
        text, _ = to_text(raw)
        if text is None:
            return None, None
        hit = table.get(_enum_key(text))
        if hit is None:
            return text, ("coerce.bad_enum", {"value": text, "values": "、".join(values)})
        return hit, None

    return coerce


def _enum_key(text: str) -> str:
    return re.sub(r"[\s,，、]+", "", unicodedata.normalize("NFKC", text)).lower()


def coercer(column, default_year: int | None = None) -> Callable[[object], Coerced]:
    """The coercion function for a schema column."""
    kind = column.type
    if kind == "enum":
        return enum_coercer(column.values, column.synonyms)
    if kind in ("datetime", "date"):
        base = to_datetime if kind == "datetime" else to_date
        return lambda raw: base(raw, default_year)
    return {
        "text": to_text, "id": to_id, "waybill": to_id, "phone": to_phone, "int": to_int,
        "decimal": to_number, "money": to_money, "bool": to_bool,
    }[kind]


# ---- whole columns -------------------------------------------------------------------------------
# Most cells need none of the work above: an order id that is plain ASCII digits, a text without
# surrounding spaces or Taobao's ="…", a datetime calamine already typed. `fast_column` types those
# in one pass over the column and leaves SLOW where the full coercer (and the reading checks for
# error values and uncalculated formulas) must look.

SLOW = object()
_TEXT_EDGE = frozenset("='#")  # ="…" protection, a leading apostrophe, error values (#REF!)


def _plain_text(v: object) -> object:
    if v.__class__ is str and v and v[0] not in _TEXT_EDGE and not v[0].isspace() and not v[-1].isspace():
        return v
    return SLOW


def _plain_id(v: object) -> object:  # ASCII letters and digits: no spaces, no 1e+18, no .0 to strip
    if v.__class__ is str and v.isascii() and v.isalnum() and "e" not in v and "E" not in v:
        return v
    return SLOW


def _plain_phone(v: object) -> object:
    return v if v.__class__ is str and v.isascii() and v.isdigit() else SLOW


def _plain_datetime(v: object) -> object:
    return v if v.__class__ is dt.datetime and v.tzinfo is None else SLOW


def _plain_date(v: object) -> object:
    if v.__class__ is dt.datetime:
        return v.date()
    return v if v.__class__ is dt.date else SLOW


_FAST = {"text": _plain_text, "id": _plain_id, "waybill": _plain_id, "phone": _plain_phone,
         "datetime": _plain_datetime, "date": _plain_date}


def _repeated(convert: Callable[[object], Coerced], values: Iterable[object]) -> list[object]:
    """Money, numbers, enums and bools repeat a handful of values down a column: each distinct
    float or text is coerced once. Only exact floats and texts are keyed (True == 1 == 1.0 would
    collide; a text never equals a float); an empty cell, a `#…` text or a value with a problem
    stays SLOW."""
    values = values if isinstance(values, (list, tuple)) else list(values)
    if set(map(type, values)) <= {float, str}:  # the usual column: one lookup per cell, in C
        typed = {v: _keyed(convert, v) for v in dict.fromkeys(values)}
        return list(map(typed.__getitem__, values))
    return [_keyed(convert, v) if v.__class__ is float or v.__class__ is str else SLOW for v in values]


def _keyed(convert: Callable[[object], Coerced], v: float | str) -> object:
    if v.__class__ is str and (not v or v[0] == "#"):
        return SLOW
    value, problem = convert(v)
    return SLOW if problem is not None else value


def _only(values: list | tuple, cls: type) -> bool:
    return bool(values) and set(map(type, values)) == {cls}


# A cell after the first that starts with =, ' or #, in the column's cells joined by NULs (one C
# search instead of a startswith call per cell; a NUL inside a cell can only make the search say
# no, and the cells are then looked at one by one).
_EDGE_AFTER_NUL = re.compile("\x00[='#]")


def _all_plain_text(values: list | tuple) -> bool:
    """Every cell is what `_plain_text` keeps (checked a column at a time, in C)."""
    return (_only(values, str) and all(values) and values[0][0] not in _TEXT_EDGE
            and _EDGE_AFTER_NUL.search("\x00".join(values)) is None
            and all(map(is_, map(str.strip, values), values)))  # strip returns the same object when there is nothing to trim


def _all_plain_id(values: list | tuple) -> bool:
    if not _only(values, str):
        return False
    joined = "".join(values)
    return joined.isascii() and "e" not in joined and "E" not in joined and all(map(str.isalnum, values))


def _all_plain_phone(values: list | tuple) -> bool:
    return _only(values, str) and "".join(values).isascii() and all(map(str.isdigit, values))


def _all_plain_datetime(values: list | tuple) -> bool:
    return _only(values, dt.datetime) and all(map(is_, map(attrgetter("tzinfo"), values), repeat(None)))


_WHOLE = {"text": _all_plain_text, "id": _all_plain_id, "waybill": _all_plain_id, "phone": _all_plain_phone,
          "datetime": _all_plain_datetime}


_BLANK = ("", None)


def fast_column(kind: str, values: Iterable[object], convert: Callable[[object], Coerced] | None = None,
                empty: object = SLOW) -> list[object]:
    """The typed values a column's plain cells have, SLOW for every other cell. A column whose
    every cell is plain is checked and copied whole; otherwise cell by cell. Types without a
    one-pass form (money, numbers, enums, bools) are coerced once per distinct value with `convert`
    (the column's coercer); without it their cells are all SLOW. `empty` is what an empty cell
    ("" or None) becomes: SLOW, or None when the caller knows no reading check concerns it; then
    the other cells are typed as a column of their own (a mostly empty column costs its filled cells)."""
    return fast_typed(kind, values, convert, empty)[0]


def fast_typed(kind: str, values: Iterable[object], convert: Callable[[object], Coerced] | None = None,
               empty: object = SLOW) -> tuple[list[object], bool]:
    """`fast_column`, and whether any cell may be SLOW (False: the column was typed whole, so the
    caller need not look for SLOW cells)."""
    values = values if isinstance(values, (list, tuple)) else list(values)
    if empty is not SLOW and not all(values) and ('' in values or None in values):  # C passes; all() is the cheap one
        filled = list(compress(count(), map(not_, map(_BLANK.__contains__, values))))
        out = [empty] * len(values)
        typed, slow = fast_typed(kind, list(map(values.__getitem__, filled)), convert)
        for i, value in zip(filled, typed):
            out[i] = value
        return out, slow
    whole = _WHOLE.get(kind)
    if whole is not None and whole(values):
        return list(values), False
    if kind == "date" and _only(values, dt.datetime):
        return list(map(dt.datetime.date, values)), False
    plain = _FAST.get(kind)
    if plain is not None:
        return [plain(v) for v in values], True
    if convert is not None:
        return _repeated(convert, values), True
    return [SLOW for _ in values], True
