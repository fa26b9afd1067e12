"""From a sheet source to typed tables: header row, kind, field mapping, typed records, problems."""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections import Counter, deque
from collections.abc import Collection, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress, count, repeat, zip_longest
from operator import is_
from pathlib import Path

from .coerce import SLOW, coercer, fast_typed
from .errors import UserError
from .headers import HEADER_SCAN_ROWS, HeaderMatch, find_header, match_headers
from .i18n import t
from .schema import Schema, schema, schemas
from .sheets import SheetSource, open_source
from .sheets.filestate import note_read
from .sheets.source import sheet_extent
from .sheets.xlsxpatch.record import owned_sheets
from .sheets.xlsxpatch.sheetstream import column_letters


class Record(dict):
    """One data row: a dict of field -> typed value (None for an empty cell), plus `row` (the sheet's
    own row number; CSV: line number) and `extra` (the team's own columns by their header text).

    A dict itself rather than an object holding one: the rules make millions of `record.get(field)`
    calls, and this way each is a dict lookup in C instead of a Python method around one (about 40 %
    of the rules' time at 100k rows), and a row costs one object instead of three. So `get` is
    `dict.get`: None for an empty cell and for a field the sheet has no column for (a default is
    only used for the latter). `record.data` is the record itself; two records are equal when row,
    data and extra are."""

    __slots__ = ("row", "_extra")

    def __init__(self, row: int, data=(), extra: dict[str, object] | None = None):
        dict.__init__(self, data)
        self.row = row
        self._extra = extra

    @property
    def data(self) -> dict[str, object]:
        return self

    @property
    def extra(self) -> dict[str, object]:
        if self._extra is None:  # most sheets have no own columns: no empty dict per row until asked
            self._extra = {}
        return self._extra

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return self.row == other.row and dict.__eq__(self, other) and self.extra == other.extra

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:  # a row is a row, even one whose mapped cells are all empty
        return True

    def __repr__(self) -> str:
        return f"Record(row={self.row!r}, data={dict.__repr__(self)}, extra={self.extra!r})"


@dataclass(frozen=True, slots=True)
class CellProblem:
    row: int
    column: int  # 0-based column index
    header: str
    field: str
    code: str  # message key, e.g. coerce.id_damaged
    params: dict

    @property
    def message(self) -> str:
        return t(self.code, **self.params)

    @property
    def severity(self) -> str:
        return "info" if self.code == "coerce.id_as_number" else "error"


@dataclass
class Table:
    source: str
    sheet: str
    schema: Schema
    header_row: int  # 1-based
    columns: dict[str, int]  # field -> 0-based column index
    headers: dict[int, str]  # 0-based column index -> header text as written
    unmapped: dict[int, str]
    records: list[Record]
    problems: list[CellProblem]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based (row0, col0, row1, col1)
    match: HeaderMatch | None = None  # how each column was matched, and the unsure ones not taken

    @property
    def kind(self) -> str:
        return self.schema.kind

    def header_of(self, field_name: str) -> str:
        index = self.columns.get(field_name)
        return self.headers[index] if index is not None else self.schema.column(field_name).header

    def has(self, field_name: str) -> bool:
        return field_name in self.columns


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    return column_letters(index)


_YEAR = re.compile(r"(20\d\d)")


def _default_year(rows: list[list[object]], indexes: list[int]) -> int | None:
    """The year to give dates written without one (`10/15`): the most common year in those columns."""
    years: Counter[int] = Counter()
    for row in rows[:500]:
        for i in indexes:
            value = row[i] if i < len(row) else None
            if isinstance(value, (dt.date, dt.datetime)):
                years[value.year] += 1
            elif isinstance(value, str) and (hit := _YEAR.search(value)):
                years[int(hit.group(1))] += 1
    return years.most_common(1)[0][0] if years else None


def _memoised(convert):
    """Columns repeat their values (statuses, couriers, names, prices): coerce each distinct value once."""
    cache: dict = {}

    def run(raw):
        key = (raw.__class__, raw)
        try:
            return cache[key]
        except KeyError:
            result = cache[key] = convert(raw)
            return result
        except TypeError:  # unhashable: never from our sources, but never crash either
            return convert(raw)

    return run


# What Excel, WPS and Google Sheets show in a cell whose formula failed; calamine reads them as empty.
ERROR_VALUES = frozenset({"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#ERROR!"})


@dataclass(frozen=True)
class CellNotes:
    """What the raw grid cannot show: cells holding an error value, formulas saved without a value."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row0, col0) -> "#REF!"
    uncached: frozenset[tuple[int, int]] = frozenset()

    @classmethod
    def of(cls, scan) -> CellNotes | None:
        """The notes of a sheet's scan (`sheets.xlsxscan.SheetScan`), or None: no scan, nothing noted."""
        return cls(scan.errors, frozenset(scan.uncached)) if scan is not None and (scan.errors or scan.uncached) else None

    def touches(self, col: int) -> bool:
        """Whether any noted cell is in this 0-based column."""
        return any(c == col for _, c in self.errors) or any(c == col for _, c in self.uncached)


def _cell_problem(raw: object, row0: int, col: int, notes: CellNotes) -> tuple[str, dict] | None:
    error = notes.errors.get((row0, col))
    if error is None and isinstance(raw, str) and raw.strip().upper() in ERROR_VALUES:
        error = raw.strip().upper()
    if error is not None:
        return "read.cell_error", {"value": error, "cell": f"{column_letter(col)}{row0 + 1}"}
    if (row0, col) in notes.uncached:
        cell = f"{column_letter(col)}{row0 + 1}"
        return "read.uncached", {"value": cell, "cell": cell}
    return None  # the usual empty cell: no address formatted for it


def _duplicate_headers(headers: dict[int, str], match: HeaderMatch, kind: Schema, own, header_row: int) -> list[CellProblem]:
    """A second column for a mapped field would silently become the team's own: say which two."""
    out = []
    for col, text in match.unmapped.items():
        alone = match_headers([text], kind, own)
        for field_name in alone.fields:
            first = match.fields.get(field_name)
            if first is not None and first != col:
                out.append(CellProblem(header_row, col, text, field_name, "read.duplicate_header",
                                       {"value": text, "cell": f"{column_letter(col)}{header_row}",
                                        "first": f"{column_letter(first)}{header_row}", "first_header": headers.get(first, "")}))
    return out


def build_table(source_name: str, sheet: str, grid: list[list[object]], header_index: int,
                kind: Schema, match: HeaderMatch, notes: CellNotes | None = None, own=()) -> Table:
    """Typed records from a raw grid (rows of cells from A1), transposed once into columns for
    `build_from_columns`."""
    header_cells = grid[header_index]
    body = grid[header_index + 1:]
    width = max([len(header_cells), *map(len, body)])
    columns = list(zip_longest(*body, fillvalue=""))  # one tuple per column, short rows padded with ""
    columns += [("",) * len(body)] * (width - len(columns))
    return build_from_columns(source_name, sheet, header_cells, columns, len(body), header_index, kind, match, notes, own)


def build_from_columns(source_name: str, sheet: str, header_cells: list[object], columns: list[Sequence[object]],
                       height: int, header_index: int, kind: Schema, match: HeaderMatch, notes: CellNotes | None = None,
                       own=(), fields: Collection[str] | None = None, *, body_start: int = 0, year=...) -> Table:
    """Typed records from the body's raw cells a column at a time (`columns[i]`: the cells of 0-based
    sheet column i below the header, `height` of them, as calamine gives them, or a `Coded` column of
    the same cells; see `_typed_column`); the rows keep the `Record` interface the rules use.

    `fields` (None: all) types only those of the mapped fields: the table's `columns`, records and
    problems hold those alone, and records get no `extra` (the team's own columns). Which rows are
    records and the year given to dates without one are decided on every column as without it, so
    the typed values and their problems are the ones a full read gives. The other columns are only
    looked at for that (a row blank so far, the first rows of a date column): they may be lazy
    sequences (`tables.read_as_columns`). Such a table is for its caller alone, never the read cache's
    shared one (`sheetcache.tables_of` keys it by its fields).

    A chunk of the body (`sheets.rowstream`): `columns` start `body_start` rows below the header, and
    `year` is the sheet's default year (`...`: found from these columns' first 500 rows); the header's
    problems (a duplicate header) belong to the first chunk alone."""
    headers = {i: str(c).strip() for i, c in enumerate(header_cells) if c not in (None, "")}
    date_cols = [i for f, i in match.fields.items() if kind.column(f).type in ("date", "datetime")]
    if year is ...:
        year = _default_year(list(zip(*(column[:500] for column in columns))), date_cols)
    keep = _filled_rows(columns, height)
    header_index += body_start  # the rows are numbered as if the header were right above the chunk
    first_row = header_index + 2  # sheet row number of the body's first row
    if notes:  # a row whose mapped cells are failed or uncalculated formulas is not an empty row
        mapped = set(match.fields.values())
        noted = {r - header_index - 1 for r, c in (*notes.errors, *notes.uncached) if c in mapped}
        keep = sorted({*keep, *(i for i in noted if 0 <= i < height)})
    wanted = dict(match.fields) if fields is None else {f: c for f, c in match.fields.items() if f in fields}
    extras = match.unmapped if fields is None else {}
    if len(keep) != height:
        used = {*wanted.values(), *extras}
        columns = [() if c not in used else column.take(keep) if isinstance(column, Coded) else tuple(column[i] for i in keep)
                   for c, column in enumerate(columns)]
    notes = notes or CellNotes()
    problems: list[CellProblem] = [p for p in _duplicate_headers(headers, match, kind, own, header_index + 1)
                                   if p.field in wanted] if not body_start else []
    typed = []
    for field_name, col in wanted.items():
        values, found = _typed_column(columns[col], keep, kind.column(field_name), year, notes, header_index, col,
                                      headers.get(col, ""), field_name)
        typed.append(values)
        problems += found
    names = list(wanted)
    with gc_paused():
        records = _records(map(first_row.__add__, keep), map(zip, repeat(names), zip(*typed)) if typed else (), len(keep))
    for col, header in extras.items():
        for record, raw in zip(records, columns[col]):
            if raw not in (None, ""):
                record.extra[header] = raw
    problems.sort(key=lambda p: (p.row, p.column))
    return Table(source_name, sheet, kind, header_index - body_start + 1, wanted, headers,
                 dict(match.unmapped), records, problems, match=match)


class Coded(Sequence):
    """A column of raw cells as its distinct values and one code per cell (`values[codes[i]]` is cell
    i): the Arrow read hands over a column of few distinct values this way, so that each is
    converted and typed once (`_typed_column`), and its cells share the objects."""

    __slots__ = ("values", "codes")

    def __init__(self, values: list[object], codes: list[int]):
        self.values, self.codes = values, codes

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(map(self.values.__getitem__, self.codes[index]))
        return self.values[self.codes[index]]

    def __iter__(self):
        return map(self.values.__getitem__, self.codes)

    def take(self, rows: Iterable[int]) -> Coded:
        """The cells of these rows, still coded."""
        return Coded(self.values, list(map(self.codes.__getitem__, rows)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


_BLANK = ("", None)


def _filled_rows(columns: list[tuple], rows: int) -> list[int]:
    """The indexes of the rows with any cell that is not "" or None, found a column at a time: only
    the rows blank so far are looked at in the next column (most rows leave at the first)."""
    blank: Iterable[int] = range(rows)
    for i, column in enumerate(columns):
        if i == 0:  # all(): one C pass that stops at the first empty (or 0, False) cell; the usual first column has none
            blank = [] if all(column) else list(compress(count(), map(_BLANK.__contains__, column)))
        else:
            blank = [r for r in blank if column[r] in _BLANK]
        if not blank:
            break
    if not blank:
        return list(range(rows))
    gone = set(blank)
    return [r for r in range(rows) if r not in gone]


def _records(rows: Iterable[int], datas: Iterable[Iterable[tuple[str, object]]], n: int) -> list[Record]:
    """`n` records, built by C-level maps alone (no Python frame per row: `Record.__init__` is a
    tenth of the typing time at 100k rows). Each record is filled from its (field, value) pairs."""
    records = list(map(dict.__new__, repeat(Record, n)))
    _consume(map(dict.update, records, datas))
    _consume(map(setattr, records, repeat("row"), rows))
    _consume(map(setattr, records, repeat("_extra"), repeat(None, n)))
    return records


def _consume(iterator: Iterable[object]) -> None:
    deque(iterator, maxlen=0)


@contextmanager
def gc_paused():
    """Reading a sheet and typing it, or running the rules over the tables, makes no garbage cycles
    to speak of, but allocates all the time (a list per grid row, a dict per record, hits, memos):
    each burst would start a collection walking every cell of the grid, the columns and the
    records still alive (at 100k rows, 0.7 s of GC in a 9 s validate; at 1M, seconds). The
    collector is paused meanwhile; what little is left is collected after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _typed_column(raw_values: Sequence[object], keep: list[int], column, year: int | None, notes: CellNotes,
                  header_index: int, col: int, header: str, field_name: str) -> tuple[list[object], list[CellProblem]]:
    """One column typed (`_typed_cells`). Returns the values (aligned with `keep`) and the cells' problems.

    A `Coded` column, or a column whose cells repeat a few values (`_repeated_values`), is typed once
    per distinct value (a cell's typed value depends on its raw value alone when no noted cell is in
    the column); if any distinct value has a problem, which names its cells, the column is typed
    cell by cell instead."""
    noted = notes.touches(col)  # else an empty cell is just empty: no reading check, no address to format
    distinct = None if noted else raw_values.values if isinstance(raw_values, Coded) else _repeated_values(raw_values)
    if distinct is not None:
        typed, found = _typed_cells(tuple(distinct), range(len(distinct)), column, year, notes, noted, header_index,
                                    col, header, field_name)
        if not found:
            if isinstance(raw_values, Coded):
                return list(map(typed.__getitem__, raw_values.codes)), []
            if len(typed) == 1:
                return typed * len(raw_values), []
            return list(map(dict(zip(distinct, typed)).__getitem__, raw_values)), []
    return _typed_cells(tuple(raw_values) if isinstance(raw_values, Coded) else raw_values, keep, column, year, notes,
                        noted, header_index, col, header, field_name)


def _typed_cells(raw_values: Sequence[object], keep: Sequence[int], column, year: int | None, notes: CellNotes,
                 noted: bool, header_index: int, col: int, header: str, field_name: str) -> tuple[list[object], list[CellProblem]]:
    """Each cell typed: plain cells in one pass (`coerce.fast_typed`), the rest through the full
    coercer (memoised: columns repeat their values) after the reading checks for error values and
    uncalculated formulas (`noted`: the column holds a cell the sheet scan noted)."""
    convert = _memoised(coercer(column, year))
    values, slow = fast_typed(column.type, raw_values, convert, empty=SLOW if noted else None)
    problems: list[CellProblem] = []
    for j in compress(count(), map(is_, values, repeat(SLOW))) if slow else ():
        raw, i = raw_values[j], keep[j]
        if raw in (None, "") or isinstance(raw, str) and raw[:1] == "#":
            unreadable = _cell_problem(raw, header_index + 1 + i, col, notes)
            if unreadable is not None:
                values[j] = None
                problems.append(CellProblem(header_index + 2 + i, col, header, field_name, *unreadable))
                continue
        values[j], problem = convert(raw)
        if problem is not None:
            problems.append(CellProblem(header_index + 2 + i, col, header, field_name, problem[0], problem[1]))
    return values, problems


# A column of at least CODE_MIN_CELLS cells is typed by distinct value when about CODE_SAMPLE cells
# spread over it hold at most CODE_SHARE of distinct ones (statuses, couriers, prices, flags, names;
# not ids, addresses or times): finding the distinct values and mapping the cells back costs two
# passes over the column, which pays only where values repeat. Either way the table is the same.
CODE_MIN_CELLS = 256
CODE_SAMPLE = 64
CODE_SHARE = 0.5
# Cells of two of these types can be equal (True == 1 == 1.0) and still type differently: a column
# holding more than one of them is never keyed by value.
_NUMERIC = frozenset({bool, int, float, Decimal})


def _repeated_values(raw_values: Sequence[object]) -> list[object] | None:
    """The distinct values of a plain column worth typing by distinct value (see CODE_MIN_CELLS), or None."""
    n = len(raw_values)
    if n < max(CODE_MIN_CELLS, 1):
        return None
    try:
        sample = raw_values[::max(1, n // CODE_SAMPLE)]
        seen = len(set(sample))
        if seen > CODE_SHARE * len(sample):
            return None
        # a column of one value (a day's status, courier, price) needs no dict: one C pass of ==
        distinct = [raw_values[0]] if seen == 1 and raw_values.count(raw_values[0]) == n else list(dict.fromkeys(raw_values))
        # without a number among the distinct values there is none in the column (only numbers equal
        # other types' values); else every cell's type is looked at
        if not _NUMERIC.isdisjoint(map(type, distinct)) and len(_NUMERIC.intersection(map(type, raw_values))) > 1:
            return None
        return distinct
    except TypeError:  # an unhashable cell: never from our sources, but never crash either
        return None


def _candidates(kind: str | None) -> list[Schema]:
    if kind is None:
        return list(schemas().values())
    if kind not in schemas():
        raise UserError("err.unknown_kind", kind=kind, kinds="、".join(schemas()))
    return [schema(kind)]


def own_aliases(section: dict) -> dict[str, tuple[tuple[str, str], ...]]:
    """shop.toml [headers.<kind>] "their header" = "field" -> the form header matching takes."""
    out = {}
    for kind_name, mapping in section.items():
        if kind_name not in schemas() or not isinstance(mapping, dict):
            raise UserError("err.config", path="shop.toml", detail=f"[headers.{kind_name}]: unknown sheet kind")
        fields = {c.field for c in schema(kind_name).columns}
        for header, field_name in mapping.items():
            if field_name not in fields:
                raise UserError("err.config", path="shop.toml",
                                detail=f"[headers.{kind_name}] {header!r} = {field_name!r}: no such field ({', '.join(sorted(fields))})")
        out[kind_name] = tuple(sorted(mapping.items()))
    return out


@dataclass(frozen=True)
class SheetKind:
    """A sheet whose header says what it holds, found from its first HEADER_SCAN_ROWS rows only."""

    sheet: str
    header_index: int  # 0-based row of the header
    schema: Schema
    match: HeaderMatch

    @property
    def kind(self) -> str:
        return self.schema.kind


class _Remembered:
    """A source that can only give whole grids (live Excel, Google Sheets): each grid is fetched once,
    for the header search and for the table."""

    def __init__(self, source: SheetSource):
        self._source = source
        self._grids: dict[str, list[list[object]]] = {}

    def __getattr__(self, name: str):
        return getattr(self._source, name)

    def grid(self, sheet: str) -> list[list[object]]:
        if sheet not in self._grids:
            self._grids[sheet] = self._source.grid(sheet)
        return self._grids[sheet]

    def head(self, sheet: str, rows: int) -> list[list[object]]:
        return self.grid(sheet)[:rows]


def open_for_reading(source: SheetSource | str | Path) -> tuple[SheetSource, set[str]]:
    """A source that has `head`, and the names of the sheets shopbook added itself (never inputs)."""
    if hasattr(source, "grid"):
        return (source if hasattr(source, "head") else _Remembered(source)), set()
    path = Path(source)
    note_read(path)  # a later in-place write refuses a file saved since this read
    ours = owned_sheets(path) if path.suffix.lower() in (".xlsx", ".xlsm") else set()
    return open_source(path), ours


def find_kinds(source: SheetSource, kind: str | None = None, sheet: str | None = None,
               own: dict[str, tuple[tuple[str, str], ...]] | None = None, skip: set[str] = frozenset()) -> list[SheetKind]:
    """Which sheet holds which kind, from each sheet's first rows (`source.head`): never a full read.
    Raises the UserError `read_tables` raises when there is no such sheet."""
    candidates = _candidates(kind)
    names = [n for n in source.sheet_names() if n not in skip]  # the sheets we added are our output
    if sheet is not None and sheet not in names:
        raise UserError("err.no_sheet", path=source.name, sheet=sheet, sheets="、".join(names))
    found_kinds: list[SheetKind] = []
    wrong: list[tuple[str, Schema]] = []
    for name in [sheet] if sheet else names:
        head = source.head(name, HEADER_SCAN_ROWS)
        found = find_header(head, candidates, name, min_fields=1 if kind else 2, own=own)
        if found is None:
            if kind is not None and (sheet or len(names) == 1):
                required = "、".join(c.header for c in candidates[0].required)
                raise UserError("err.no_header_kind", path=source.name, sheet=name, kind=candidates[0].zh, required=required)
            continue
        header_index, table_kind, match = found
        if kind is not None and table_kind.required and not any(c.field in match.fields for c in table_kind.required):
            other = find_header(head, list(schemas().values()), name, own=own)
            if other is not None and other[1].kind != kind:  # clearly a sheet of another kind
                wrong.append((name, other[1]))
                continue
        found_kinds.append(SheetKind(name, header_index, table_kind, match))
    if not found_kinds and wrong:
        raise UserError("err.wrong_kind", path=source.name, kind=candidates[0].zh,
                        found="、".join(f"“{n}”（{s.zh}）" for n, s in wrong))
    if not found_kinds:
        if kind is not None:
            required = "、".join(c.header for c in candidates[0].required)
            raise UserError("err.no_header_kind", path=source.name, sheet="、".join(names), kind=candidates[0].zh, required=required)
        raise UserError("err.no_header", path=source.name)
    return found_kinds


def read_kind(source: SheetSource, found: SheetKind, own: dict[str, tuple[tuple[str, str], ...]] | None = None,
              build=None, fields: Collection[str] | None = None) -> Table:
    """The full, typed table of a sheet `find_kinds` recognised: the one full read of that sheet.
    `build` types it (the courier bill types whole columns: `automation.courier.columns.column_table`).
    `fields` is taken for `read_as_columns`' sake and ignored: a full table serves any fields."""
    build = build or build_table  # looked up at call time (the benchmarks time it by wrapping it)
    with gc_paused():  # the grid, its columns and the records make no cycles (see `gc_paused`)
        grid = source.grid(found.sheet)
        scan = source.scan(found.sheet) if hasattr(source, "scan") else None
        notes = CellNotes.of(scan)
        table = build(source.name, found.sheet, grid, found.header_index, found.schema, found.match, notes,
                      (own or {}).get(found.kind, ()))
    table.merged = list(getattr(source, "merged_ranges", lambda _: [])(found.sheet))
    return table


def read_as_columns(source: SheetSource, found: SheetKind, own: dict[str, tuple[tuple[str, str], ...]] | None = None,
                    fields: Collection[str] | None = None) -> Table:
    """`read_kind`, with an order sheet read straight to columns when it allows: fastexcel runs
    calamine's parser and hands over Arrow columns, so there is no Python grid of rows to build and
    transpose (at 100k order rows a fifth of validate's time). `courier.arrow` decides which sheets
    (an .xlsx/.xlsm whose every column holds one kind of cell; error cells, formulas saved without a
    value and merges come from the scan: `CellNotes.of`, `SheetScan.merges`) and gives the cells as calamine's grid has
    them; every other sheet takes the usual read. The table is the one `read_kind` would give
    (tests/test_read_columns.py, tests/test_rowstream_noted.py).

    Only order sheets (the big ones) of at least ARROW_MIN_ROWS rows whose first rows under the
    header hold one kind of cell per column try it: fastexcel finds a mixed column only after
    parsing the whole sheet, and such a sheet is then read again the usual way; below that size
    the usual read is the faster one (polars and fastexcel cost 0.3 s to import and set up; at 10k
    rows the Arrow read takes 0.6 s CPU, the usual one 0.4 s).

    `fields` (None: all) types only those fields (see `build_from_columns`): the other columns stay
    Arrow, looked at only where a row's blankness or the dates' year needs them. Every other sheet
    is read whole (a full table serves any fields)."""
    if found.kind != "orders" or _small(source, found):
        return read_kind(source, found, own)
    from .sheets.rowstream import read_streamed  # a sheet of STREAM_MIN_ROWS rows or more: row by row, in flat memory

    if (streamed := read_streamed(source, found, own, fields)) is not None:
        return streamed
    head = source.head(found.sheet, HEADER_SCAN_ROWS)  # the header row is in it (found from these rows)
    if _mixed_head(head[found.header_index + 1:], found):
        return read_kind(source, found, own)
    from .courier.arrow import as_calamine, as_calamine_column, sheet_cells  # polars and fastexcel: only when reading

    with gc_paused():
        cells = sheet_cells(source, found, noted=True)
        if cells is None:
            return read_kind(source, found, own)
        header_cells = head[found.header_index]
        width, height = max([len(header_cells), *(int(n) + 1 for n in cells.columns)]), cells.height
        empty = [""] * height
        typed = None if fields is None else {c for f, c in found.match.fields.items() if f in fields}
        # each Arrow column is dropped once it is Python values: the frame and the lists never both whole
        columns = [empty if str(i) not in cells.columns
                   else as_calamine_column(cells.drop_in_place(str(i))) if typed is None or i in typed
                   else _Untyped(cells[str(i)], as_calamine) for i in range(width)]
        scan = source.scan(found.sheet)  # error cells, formulas without a value, merges: fastexcel gives none of them
        table = build_from_columns(source.name, found.sheet, header_cells, columns, height, found.header_index,
                                   found.schema, found.match, CellNotes.of(scan), (own or {}).get(found.kind, ()), fields)
        table.merged = list(scan.merges)
        return table


class _Untyped(Sequence):
    """A column `read_as_columns` does not type, kept as its Arrow column: cells are converted
    (`convert`: as calamine's grid has them) only where they are looked at."""

    def __init__(self, series, convert):
        self._series, self._convert = series, convert

    def __len__(self) -> int:
        return len(self._series)

    def __getitem__(self, at):
        if isinstance(at, slice):
            return self._convert(self._series[at])
        return self._convert(self._series[at:at + 1] if at >= 0 else self._series[at:][:1])[0]

    def __iter__(self):
        return iter(self._convert(self._series))


ARROW_MIN_ROWS = 20_000  # sheets the extent scan finds shorter take the usual read (see read_as_columns)


def _small(source: SheetSource, found: SheetKind) -> bool:
    """Whether the sheet has fewer than ARROW_MIN_ROWS rows, by its extent scan (which the usual read
    makes anyway); a source without one is not read to Arrow at all."""
    extent = sheet_extent(source, found.sheet)
    return extent is None or extent.max_row < ARROW_MIN_ROWS


def _mixed_head(rows: list[list[object]], found: SheetKind) -> bool:
    """Whether a mapped column mixes kinds of cell (text, number, date, true/false) in these rows."""
    kinds = {bool: "bool", int: "number", float: "number", str: "text", dt.datetime: "date", dt.date: "date"}
    for col in found.match.fields.values():
        seen = {kinds.get(type(row[col]), "other") for row in rows if col < len(row) and row[col] not in (None, "")}
        if len(seen) > 1:
            return True
    return False


def read_tables(source: SheetSource | str | Path, kind: str | None = None, sheet: str | None = None,
                own: dict[str, tuple[tuple[str, str], ...]] | None = None, build=None) -> list[Table]:
    """Every recognisable table in a workbook (one per sheet). Raises UserError when there is none.

    `own` is the team's own header mapping (see `own_aliases`); `build` types a found table (see
    `read_kind`). Kinds are found from the header rows first; only the sheets that hold a table are
    then read in full."""
    _candidates(kind)  # an unknown kind is refused before any file is opened
    source, ours = open_for_reading(source)
    return [read_kind(source, found, own, build) for found in find_kinds(source, kind, sheet, own, ours)]


def largest_by_kind(tables: Iterable[Table]) -> dict[str, Table]:
    """Of each kind, the sheet with the most rows: the one a shop means when it says "the orders"."""
    out: dict[str, Table] = {}
    for table in tables:
        if table.kind not in out or len(table.records) > len(out[table.kind].records):
            out[table.kind] = table
    return out


def read_table(source: SheetSource | str | Path, kind: str, sheet: str | None = None) -> Table:
    """The one table of a kind in a workbook (the largest when several sheets hold that kind)."""
    return largest_by_kind(read_tables(source, kind, sheet))[kind]


__all__ = ["Record", "CellProblem", "Table", "SheetKind", "find_kinds", "read_kind", "read_as_columns", "read_tables", "read_table", "largest_by_kind", "column_letter", "match_headers"]
