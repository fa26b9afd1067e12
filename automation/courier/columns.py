"""A raw grid -> typed polars columns, a whole column at a time (a million-line bill in seconds).

The same answers as `automation.tables.build_table`, which types cell by cell: each column is split
into the cells a vectorised rule types exactly (a plain waybill text, an amount that is whole
cents, a weight that is whole grams, a date-time cell, an empty cell) and the rest, which go
through the very coercer `build_table` uses, with the same problems (`CellProblem`). On a courier's
bill the rest is a handful of cells: amounts written as text, NaN or 1e300, waybills stored as
numbers, error values. Money comes out as integer cents and weights as integer grams, as the
match wants them (`frames.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from ..coerce import coercer
from ..headers import HeaderMatch
from ..schema import Schema
from ..tables import CellNotes, CellProblem, Record, Table, _cell_problem, _default_year, _duplicate_headers, _memoised
from .arrow import as_calamine, default_year, filled
from .frames import cents, grams

_NUMBER = (float, int)
PLAIN_LIMIT = 1e9  # far inside a float's exact integers even in grams; bigger numbers take the coercer
_PLAIN_ID = r"^[A-Za-z0-9-]+$"  # to_id keeps such a text as it is (no spaces, quotes, full-width forms)
_SCIENTIFIC = r"(?i)^[+-]?\d+(\.\d+)?e[+-]?\d+$"  # 7.7E+13: Excel damaged it, the coercer says so
DTYPES = {"waybill": pl.Utf8, "id": pl.Utf8, "text": pl.Utf8, "money": pl.Int64, "decimal": pl.Int64,
          "datetime": pl.Datetime("us")}


@dataclass
class ColumnTable(Table):
    """A `Table` whose data rows are polars columns; `records` holds no rows (see `rows_as_records`)."""

    data: dict[str, pl.Series] = field(default_factory=dict)  # field -> typed column (money in cents, weight in grams)
    rows: pl.Series | None = None  # the sheet row number of each data row
    raw: list[list[object]] = field(default_factory=list)  # the data rows as read (for the few read as records)
    year: int | None = None
    cells: pl.DataFrame | None = None  # instead of `raw`: the data rows read to Arrow (courier.arrow), columns by index

    @property
    def height(self) -> int:
        return 0 if self.rows is None else self.rows.len()

    def rows_as_records(self, positions: list[int]) -> list[Record]:
        """The data rows at these positions as `Record`s (typed fields and the team's own columns)."""
        out = []
        for i in positions:
            data = {name: column[i] for name, column in self.data.items()}
            raw = self.raw[i] if self.cells is None else _arrow_row(self.cells, i)
            extra = {h: raw[c] for c, h in self.unmapped.items() if c < len(raw) and raw[c] not in (None, "")}
            out.append(Record(int(self.rows[i]), data, extra))
        return out


def _arrow_row(cells: pl.DataFrame, i: int) -> list[object]:
    """Row i of Arrow cells as a grid row: by 0-based column, "" where empty."""
    width = max((int(n) + 1 for n in cells.columns), default=0)
    row: list[object] = [""] * width
    for name, [value] in cells.slice(i, 1).to_dict(as_series=False).items():
        row[int(name)] = "" if value is None else value
    return row


def _floats(values: list | pl.Series) -> pl.Series:
    if isinstance(values, pl.Series):  # Arrow cells: a column of numbers, or none of them
        return values if values.dtype == pl.Float64 else pl.Series([None] * values.len(), dtype=pl.Float64)
    return pl.Series([float(v) if v.__class__ in _NUMBER else None for v in values], dtype=pl.Float64)


def _scaled(values: list, scale: int, limit: float | None) -> tuple[pl.Series, pl.Series]:
    """Numbers times `scale` rounded to whole cents or grams, and the mask of the cells where that is
    what the coercer gives: where x * scale lies within 0.01 of a whole number, Decimal(repr(x)) *
    scale does too (below PLAIN_LIMIT a float is exact to 1e-4 there), so any rounding gives that number."""
    x = _floats(values)
    scaled = x * scale
    n = scaled.round(0)
    exact = x.is_finite() & (x.abs() < PLAIN_LIMIT) & ((scaled - n).abs() < 0.01)
    if limit is not None:
        exact = exact & (x.abs() <= limit)
    return n.cast(pl.Int64, strict=False), exact.fill_null(False)


def _fast(kind: str, values: list, limit: float | None) -> tuple[pl.Series, pl.Series]:
    """(typed column, mask of the cells it typed exactly) for one schema type; the mask may be all false."""
    arrow = isinstance(values, pl.Series)  # Arrow cells (courier.arrow): one kind of cell per column
    if kind in ("waybill", "id"):
        if arrow:
            text = values if values.dtype == pl.Utf8 else pl.Series([None] * values.len(), dtype=pl.Utf8)
        else:
            text = pl.Series([v if v.__class__ is str else None for v in values], dtype=pl.Utf8)
        plain = text.str.contains(_PLAIN_ID) & ~text.str.contains(_SCIENTIFIC)
        return text, plain.fill_null(False)
    if kind == "money":
        return _scaled(values, 100, limit)
    if kind == "decimal":
        return _scaled(values, 1000, None)
    if kind == "datetime":
        if arrow and values.dtype == pl.Datetime:  # calamine gives a date-time at midnight as a date: the coercer's
            stamps = values.cast(pl.Datetime("us"))
            return stamps, (stamps.is_not_null() & (stamps.dt.time() != dt.time())).fill_null(False)
        if arrow:
            values = [None] * values.len()
        stamps = pl.Series([v if v.__class__ is dt.datetime else None for v in values], dtype=pl.Datetime("us"))
        return stamps, stamps.is_not_null()
    return pl.Series([None] * len(values), dtype=DTYPES.get(kind, pl.Utf8)), pl.Series([False] * len(values), dtype=pl.Boolean)


def _final(kind: str, value):
    """A coerced value as the column holds it: money in cents, weights in grams."""
    if value is None:
        return None
    if kind == "money":
        return cents(value)
    if kind == "decimal":
        return grams(value)
    return value


def type_column(kind_of: Schema, field_name: str, values: list, rows: list[int], col: int, header: str,
                row0: list[int], notes: CellNotes, year: int | None, limit=None, over_limit=None) -> tuple[pl.Series, list[CellProblem]]:
    """One field's column typed: the vectorised rule where it is exact, the coercer for every other cell.

    `values` are the cells (a list as calamine gives them, or an Arrow column of one kind of cell).
    `row0` is each cell's 0-based grid row (for error cells and their messages). `over_limit(value)`
    returns the problem of an amount the caller will not take (the bill's implausible amounts)."""
    kind = kind_of.column(field_name).type
    typed, exact = _fast(kind, values, limit)
    noted = {r for r, c in (*notes.errors, *notes.uncached) if c == col}
    others = exact.cast(pl.Boolean).not_().arg_true().to_list()  # the cells the coercer types, found without a Python loop
    if noted:
        others = sorted({*others, *(i for i, r in enumerate(row0) if r in noted)})
    if isinstance(values, pl.Series):
        values = dict(zip(others, as_calamine(values.gather(others))))
    convert = _memoised(coercer(kind_of.column(field_name), year))
    problems: list[CellProblem] = []
    slow_at, slow_values = [], []
    for i in others:
        raw = values[i]
        if raw is None or raw == "" or raw.__class__ is str and raw[:1] == "#":
            unreadable = _cell_problem(raw, row0[i], col, notes)
            if unreadable is not None:
                problems.append(CellProblem(rows[i], col, header, field_name, *unreadable))
                slow_at.append(i)
                slow_values.append(None)
                continue
            if raw is None or raw == "":
                slow_at.append(i)
                slow_values.append(None)
                continue
        value, problem = convert(raw)
        if problem is not None:
            problems.append(CellProblem(rows[i], col, header, field_name, problem[0], problem[1]))
        elif over_limit is not None and value is not None and (too_big := over_limit(value)) is not None:
            problems.append(CellProblem(rows[i], col, header, field_name, *too_big))
            value = None
        slow_at.append(i)
        slow_values.append(_final(kind, value))
    if slow_at:
        typed = typed.scatter(slow_at, pl.Series(slow_values, dtype=typed.dtype))
    return typed, problems


def _columns_of(rows: list[list[object]]) -> list[tuple]:
    """The columns every row reaches, transposed in one C-level pass (zip stops at the shortest row:
    calamine's grids are rectangular, and past a ragged CSV row the caller reads cell by cell)."""
    return list(zip(*rows))


def column_table(source_name: str, sheet: str, grid: list[list[object]], header_index: int, kind: Schema,
                 match: HeaderMatch, notes: CellNotes | None = None, own=(), *, limits: dict | None = None,
                 over_limit=None) -> ColumnTable:
    """`build_table`'s reading, typed a column at a time (a drop-in `build` for `read_tables`).

    `limits` (field -> largest plain amount) sends bigger amounts through the coercer and `over_limit`."""
    header_cells = grid[header_index]
    headers = {i: str(c).strip() for i, c in enumerate(header_cells) if c not in (None, "")}
    body = grid[header_index + 1:]
    date_cols = [i for f, i in match.fields.items() if kind.column(f).type in ("date", "datetime")]
    year = _default_year(body, date_cols)
    notes = notes or CellNotes()
    keep = [i for i, r in enumerate(body) if r.count(None) + r.count("") != len(r)]
    mapped = set(match.fields.values())
    noted = {r - header_index - 1 for r, c in (*notes.errors, *notes.uncached) if c in mapped}
    if noted:  # a row whose mapped cells are failed or uncalculated formulas is not an empty row
        keep = sorted({*keep, *(i for i in noted if 0 <= i < len(body))})
    kept = [body[i] for i in keep]
    first_row = header_index + 2
    rows = [first_row + i for i in keep]
    row0 = [header_index + 1 + i for i in keep]
    problems = _duplicate_headers(headers, match, kind, own, header_index + 1)
    data: dict[str, pl.Series] = {}
    across = _columns_of(kept)
    for field_name, col in match.fields.items():
        values = across[col] if col < len(across) else [r[col] if col < len(r) else None for r in kept]
        limit = (limits or {}).get(field_name)
        data[field_name], found = type_column(kind, field_name, values, rows, col, headers.get(col, ""), row0, notes, year,
                                              limit, over_limit if limit is not None else None)
        problems += found
    problems.sort(key=lambda p: (p.row, p.column))
    return ColumnTable(source_name, sheet, kind, header_index + 1, dict(match.fields), headers, dict(match.unmapped),
                       [], problems, match=match, data=data, rows=pl.Series(rows, dtype=pl.Int64), raw=kept, year=year)


def arrow_column_table(source_name: str, sheet: str, cells: pl.DataFrame, header_cells: list[object], header_index: int,
                       kind: Schema, match: HeaderMatch, own=(), *, limits: dict | None = None, over_limit=None) -> ColumnTable:
    """`column_table` over a sheet's body read to Arrow columns (`courier.arrow.sheet_cells`: no
    error cell, no formula without a value), each field typed from its column without a Python grid."""
    headers = {i: str(c).strip() for i, c in enumerate(header_cells) if c not in (None, "")}
    date_cols = [i for f, i in match.fields.items() if kind.column(f).type in ("date", "datetime")]
    year = default_year(cells, date_cols)
    kept_mask = filled(cells)
    kept = cells.filter(kept_mask) if cells.width else cells
    keep = kept_mask.arg_true().to_list() if cells.width else []
    rows = [header_index + 2 + i for i in keep]
    row0 = [header_index + 1 + i for i in keep]
    problems = _duplicate_headers(headers, match, kind, own, header_index + 1)
    data: dict[str, pl.Series] = {}
    for field_name, col in match.fields.items():
        values = kept[str(col)] if str(col) in kept.columns else pl.Series([None] * len(keep), dtype=pl.Null)
        limit = (limits or {}).get(field_name)
        data[field_name], found = type_column(kind, field_name, values, rows, col, headers.get(col, ""), row0, CellNotes(), year,
                                              limit, over_limit if limit is not None else None)
        problems += found
    problems.sort(key=lambda p: (p.row, p.column))
    return ColumnTable(source_name, sheet, kind, header_index + 1, dict(match.fields), headers, dict(match.unmapped),
                       [], problems, match=match, data=data, rows=pl.Series(rows, dtype=pl.Int64), year=year, cells=kept)
