"""The shipment log and the stubs read straight to Arrow columns, for the match and for everyone else.

A month's log runs to a million rows, and calamine's Python grid (one object per cell) plus one
`Record` per row cost more than the match itself. fastexcel runs the same calamine parser in Rust
and hands over Arrow columns, so `read_columns` types what the courier frames need a column at a
time: each distinct raw value goes once through the coercer `tables.build_table` uses (the same
reading check for error texts, the same default year), and plain waybill and order-id texts are
taken whole. The table it returns is the one the read cache shares (`Shop.table(kind,
read=read_columns)`): its `records` and `problems` are built from the same Arrow columns, by
`build_table` itself, the first time another job asks for them; `len(records)` is known without it.

Only a sheet whose every column holds one kind of cell (text, number, date-time, true/false; empty
cells anywhere) is read this way, and only when the extent scan found no error cell, no formula
without a value and no merged range; every other sheet takes the usual read (`tables.read_kind`).
(validate's order read, `tables.read_as_columns`, also takes those cells: `sheet_cells(noted=True)`
and the scan's notes, `tables.CellNotes.of`.) Date-times are read to the millisecond.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ..coerce import coercer
from ..sheets.source import exact_scan, guarded_file_sheet, plain_scan, run_beside, sheet_extent
from ..tables import CellNotes, SheetKind, Table, _cell_problem, _default_year, _memoised, build_table, read_kind

_PLAIN_ID = r"^[A-Za-z0-9-]+$"  # to_id keeps such a text as it is (columns.py types the bill's waybills alike)
_SCIENTIFIC = r"(?i)^[+-]?\d+(\.\d+)?e[+-]?\d+$"
_CELLS = (pl.String, pl.Float64, pl.Boolean, pl.Null)  # and Datetime: what calamine gives an .xlsx cell
_EPOCH = dt.datetime(1900, 1, 1)  # earlier "dates" are times of day, which calamine gives as datetime.time
_NO_NOTES = CellNotes()
logging.getLogger("fastexcel").setLevel(logging.ERROR)  # "could not determine dtype" of an empty column is no news


def load_cells(path: Path, sheet: str, first_row: int, as_text: tuple[int, ...] = ()) -> pl.DataFrame | None:
    """Every column of the sheet from 0-based row `first_row` down (column names: the 0-based sheet
    column), or None when a column mixes kinds of cell or fastexcel cannot read the sheet. The
    columns `as_text` are read as text whatever their cells (the bill's own columns: 序号 above a
    合计 label). The one full read of the sheet on this path (the read-once tests and the benchmark
    count it)."""
    import fastexcel

    try:
        loaded = fastexcel.read_excel(str(path)).load_sheet(sheet, header_row=None, skip_rows=first_row,
                                                            schema_sample_rows=None, dtype_coercion="strict",
                                                            dtypes=dict.fromkeys(as_text, "string") or None)
        frame = loaded.to_polars()
    except (fastexcel.FastExcelError, OSError):
        return None
    return frame.rename({c.name: str(c.absolute_index) for c in loaded.selected_columns})


def as_calamine(series: pl.Series) -> list[object]:
    """The cells as python-calamine's grid has them: "" for empty, a date for a date-time at midnight.
    Only those cells are touched in Python (found by polars): a pass per cell costs as much as the
    conversion itself."""
    if series.dtype == pl.String:
        return series.fill_null("").to_list()
    values = _datetimes(series) if series.dtype == pl.Datetime and series.len() >= NUMPY_MIN_CELLS else series.to_list()
    if series.dtype == pl.Datetime and series.len():
        for i in (series.dt.truncate("1d") == series).arg_true().to_list():
            values[i] = values[i].date()
    if series.null_count():
        for i in series.is_null().arg_true().to_list():
            values[i] = ""
    return values


NUMPY_MIN_CELLS = 200_000  # below this, importing numpy (0.15 s) costs more than it saves


def _datetimes(series: pl.Series) -> list[object]:
    """A date-time column as Python datetimes (None where empty), by numpy: polars makes each
    datetime object in 0.5 µs, numpy's tolist in a fifth of that (1.2 s at 1M rows x 3 columns)."""
    return series.to_numpy().astype("datetime64[us]").tolist()


# A column with at most one distinct cell value per CODED_SHARE cells (statuses, couriers, prices,
# flags, remarks) is handed over as its distinct values and a code per cell (`tables.Coded`): each
# distinct value is converted and typed once. Texts, numbers without NaN and true/false only.
CODED_SHARE = 4
CODED_MIN_CELLS = 64


def as_calamine_column(series: pl.Series) -> Sequence[object]:
    """`as_calamine`, or for a column of few distinct values the same cells as a `tables.Coded`."""
    from ..tables import Coded

    n = series.len()
    codable = series.dtype in (pl.String, pl.Boolean) or series.dtype == pl.Float64 and not series.is_nan().any()
    if n < CODED_MIN_CELLS or not codable:
        return as_calamine(series)
    distinct = series.drop_nulls().unique()
    if (distinct.len() + 1) * CODED_SHARE > n:
        return as_calamine(series)
    codes = series.replace_strict(distinct, pl.int_range(distinct.len(), dtype=pl.UInt32, eager=True),
                                  default=distinct.len(), return_dtype=pl.UInt32)  # an empty cell: the last code
    return Coded([*as_calamine(distinct), ""], codes.to_list())


def _plain(frame: pl.DataFrame) -> bool:
    for name, dtype in frame.schema.items():
        if dtype == pl.Datetime:
            oldest = frame[name].min()
            if oldest is not None and oldest < _EPOCH:
                return False
        elif dtype not in _CELLS:
            return False
    return True


class _Lazy(Sequence):
    """A list built the first time it is read; its length may be known before."""

    def __init__(self, build: Callable[[], list], length: int | None = None):
        self._build, self._length, self._items = build, length, None

    def _all(self) -> list:
        if self._items is None:
            self._items = self._build()
        return self._items

    def __len__(self) -> int:
        return self._length if self._length is not None and self._items is None else len(self._all())

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self) -> Iterator:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return repr(self._all()) if self._items is not None else f"<{len(self)} items, not built yet>"


@dataclass
class ArrowTable(Table):
    """A shop table read to Arrow columns (`read_columns`); `records`/`problems` are built on first use."""

    cells: pl.DataFrame = field(default_factory=pl.DataFrame)  # every body row as read, columns by 0-based index
    kept: pl.Series | None = None  # the body rows that are not empty (those a Record is made of)
    rows: pl.Series | None = None  # the sheet row number of each kept row
    year: int | None = None  # the default year of dates written without one, as build_table finds it

    def raw(self, field_name: str) -> pl.Series | None:
        """The kept rows' raw cells of a field's column, or None when the sheet has no such column."""
        col = self.columns.get(field_name)
        name = str(col)
        if col is None or name not in self.cells.columns:
            return None
        return self.cells[name].filter(self.kept)

    def typed(self, field_name: str, convert: Callable[[object], object] | None = None,
              dtype: pl.DataType = pl.String) -> pl.Series:
        """A field's typed values down the kept rows, exactly as its `Record`s hold them (then `convert`):
        each distinct raw value coerced once; plain waybill and order-id texts taken as they are."""
        final = _final(self.schema.column(field_name), self.year, convert)
        raw = self.raw(field_name)
        if raw is None:
            return pl.repeat(final(""), self.rows.len(), dtype=dtype, eager=True)
        plain = None
        if convert is None and self.schema.column(field_name).type in ("id", "waybill") and raw.dtype == pl.String:
            plain = (raw.str.contains(_PLAIN_ID) & ~raw.str.contains(_SCIENTIFIC)).fill_null(False)
        rest = raw.filter(~plain) if plain is not None else raw
        distinct = rest.drop_nulls().unique()
        typed = raw.replace_strict(distinct, pl.Series([final(v) for v in as_calamine(distinct)], dtype=dtype),
                                   default=None, return_dtype=dtype)
        if (empty := final("")) is not None:
            typed = typed.fill_null(empty) if plain is None else pl.select(
                pl.when(raw.is_null()).then(pl.lit(empty, dtype)).otherwise(typed)).to_series()
        if plain is not None:
            typed = pl.select(pl.when(plain).then(raw).otherwise(typed)).to_series()
        return typed


def _final(column, year: int | None, convert) -> Callable[[object], object]:
    """One raw cell -> its typed value as `tables._typed_column` gives it (no error cells here), then `convert`."""
    coerce = _memoised(coercer(column, year))

    def run(raw: object) -> object:
        if (raw == "" or raw.__class__ is str and raw[:1] == "#") and _cell_problem(raw, 0, 0, _NO_NOTES) is not None:
            value = None
        else:
            value = coerce(raw)[0]
        return convert(value) if convert is not None else value

    return run


def default_year(cells: pl.DataFrame, date_cols: list[int]) -> int | None:
    """`tables._default_year` over the same first 500 body rows."""
    head = cells.head(500)
    width = max(date_cols, default=-1) + 1
    grid = [[""] * width for _ in range(head.height)]
    for col in date_cols:
        if str(col) in head.columns:
            for row, value in zip(grid, as_calamine(head[str(col)])):
                row[col] = value
    return _default_year(grid, date_cols)


def filled(cells: pl.DataFrame) -> pl.Series:
    """The rows with any cell that is not empty (nor the empty text), as build_table keeps them."""
    if cells.width == 0:
        return pl.Series([], dtype=pl.Boolean)
    marks = [pl.col(n).is_not_null() & (pl.col(n) != "") if t == pl.String else pl.col(n).is_not_null()
             for n, t in cells.schema.items()]
    return cells.select(pl.any_horizontal(marks)).to_series()


def sheet_cells(source, found: SheetKind, own_as_text: bool = False, noted: bool = False) -> pl.DataFrame | None:
    """The body of a found sheet as Arrow columns (`load_cells`), or None when the sheet is not one
    this path takes (see the module docstring). `own_as_text` reads every column that is not one of
    the sheet kind's fields as text. `noted` takes a sheet with error cells, formulas without a
    value or merges too, when the scan is exact (`sheets.source.exact_scan`): fastexcel gives those
    cells empty, as calamine's grid does, and the caller types the columns with the scan's notes.

    The sheet's extent is checked first (`sheets.source.guarded_file_sheet`); the rest of the scan (error cells, formulas without a value, merges) runs in a thread while
    fastexcel parses, which it does without holding the GIL: at 1M rows that hides 4 s of the scan."""
    if not guarded_file_sheet(source, found.sheet):
        return None
    as_text = ()
    if own_as_text:
        mapped = set(found.match.fields.values())
        extent = sheet_extent(source, found.sheet)
        as_text = tuple(i for i in range(extent.max_col) if i not in mapped)
    scanned = run_beside(lambda: source.scan(found.sheet))
    try:
        cells = load_cells(Path(source.path), found.sheet, found.header_index + 1, as_text)
    except BaseException:
        with contextlib.suppress(BaseException):  # the load's failure is the one to tell
            scanned()
        raise
    scan = scanned()
    if not (plain_scan(scan) or noted and exact_scan(scan)):
        return None
    return cells if cells is not None and _plain(cells) else None


def read_columns(source, found: SheetKind, own=None) -> Table:
    """`tables.read_kind` for the shipment log and the stubs: an `ArrowTable` when the sheet allows
    (see the module docstring), else the usual typed read."""
    cells = sheet_cells(source, found)
    if cells is None:
        return read_kind(source, found, own)
    header_cells = source.head(found.sheet, found.header_index + 1)[found.header_index]
    headers = {i: str(c).strip() for i, c in enumerate(header_cells) if c not in (None, "")}
    kind, match = found.schema, found.match
    date_cols = [i for f, i in match.fields.items() if kind.column(f).type in ("date", "datetime")]
    kept = filled(cells)
    rows = pl.Series(range(found.header_index + 2, found.header_index + 2 + cells.height), dtype=pl.Int64).filter(kept)
    table = ArrowTable(source.name, found.sheet, kind, found.header_index + 1, dict(match.fields), headers,
                       dict(match.unmapped), [], [], match=match, cells=cells, kept=kept, rows=rows,
                       year=default_year(cells, date_cols))
    built: list[Table] = []

    def full() -> Table:
        if not built:
            built.append(build_table(source.name, found.sheet, _grid(header_cells, cells, found.header_index), found.header_index,
                                     kind, match, CellNotes(), (own or {}).get(found.kind, ())))
        return built[0]

    table.records = _Lazy(lambda: full().records, rows.len())
    table.problems = _Lazy(lambda: full().problems)
    return table


def _grid(header_cells: list[object], cells: pl.DataFrame, header_index: int) -> list[list[object]]:
    """The sheet's grid as calamine gives it, from A1, rebuilt from the Arrow columns (for `build_table`)."""
    width = max([len(header_cells), *(int(n) + 1 for n in cells.columns)])
    empty = [""] * cells.height
    columns = [as_calamine(cells[str(i)]) if str(i) in cells.columns else empty for i in range(width)]
    head = [[] for _ in range(header_index)] + [list(header_cells) + [""] * (width - len(header_cells))]
    return head + [list(row) for row in zip(*columns)]
