"""A very big order sheet read row by row (python-calamine-plus), typed CHUNK_ROWS rows at a time.

calamine's grid, and fastexcel's Arrow read alike, hold every cell of the sheet at once (in Rust) before
the first record is made: at 1M x 20 that alone lifts validate's peak to ~1.7 GiB. The row stream
parses the same XML with the same shared strings, in constant memory, so the typed records are the
only whole-sheet structure. Each chunk is typed by `tables.build_from_columns` (the body rows before it
as `body_start`, the sheet's year found once from its first 500 body rows) and the chunks' records and
problems are concatenated: the table is the one `tables.read_kind` gives (tests/test_rowstream.py).

Only .xlsx/.xlsm order sheets of at least STREAM_MIN_ROWS rows (below that the Arrow read is 8-10 %
cheaper in CPU) are read this way. What the stream gives unlike calamine's grid, the sheet's scan
(`sheets.xlsxscan`) makes up for, as `read_kind` has it: an error cell (#N/A of a VLOOKUP) is its
text in the stream and "" in the grid, so the cells the scan found are blanked by address and noted
(`CellNotes`, each chunk its own); a formula saved without a value is "" in both (and the row of
nothing else is left out at the end by both), noted likewise; merged ranges are the scan's list,
which is calamine's (`SheetScan.merges`). A sheet whose scan could not place every error cell or
read every merge as calamine does (`source.exact_scan`) takes the usual read. The library is a
young fork: if it is missing or fails in any way, `read_streamed` returns None and the usual read runs.
"""

from __future__ import annotations

import datetime as dt
import logging
from bisect import bisect_left
from collections.abc import Collection, Iterator
from itertools import chain, islice, zip_longest
from pathlib import Path

from ..tables import CellNotes, SheetKind, Table, _default_year, build_from_columns, gc_paused
from .source import guarded_file_sheet, sheet_extent, exact_scan
from .xlsxscan import SheetScan

STREAM_MIN_ROWS = 300_000  # sheets the extent scan finds at least this long are streamed
CHUNK_ROWS = 50_000  # rows typed at a time: ~100 MiB of raw cells in flight at 20 columns
_YEAR_ROWS = 500  # as `tables._default_year` looks at
_SHAREABLE = frozenset({str, dt.date, dt.datetime})  # no two of these kinds compare equal (True == 1 == 1.0 do)
log = logging.getLogger(__name__)


class _StreamFailed(Exception):
    """The library failed (raised anything) while opening or streaming the sheet."""


def read_streamed(source, found: SheetKind, own: dict | None = None,
                  fields: Collection[str] | None = None) -> Table | None:
    """`tables.read_kind`'s table of a big order sheet, streamed; None when the sheet is not one this
    read takes, or when python-calamine-plus is missing or fails (the caller then reads it as usual)."""
    if found.kind != "orders" or not guarded_file_sheet(source, found.sheet):
        return None
    extent = sheet_extent(source, found.sheet)
    if extent is None or extent.max_row < STREAM_MIN_ROWS:
        return None
    # The scan first, not in a thread beside the stream as courier.arrow runs it beside fastexcel: both
    # hold the GIL here, and beside it the 1M read took 41-42 s instead of 35-39 s.
    scan = source.scan(found.sheet)
    if not exact_scan(scan):
        return None
    path = Path(source.path)
    try:
        with gc_paused():
            table = _table(source.name, found, own, fields, _rows(path, found.sheet), _Noted(scan))
    except _StreamFailed as exc:
        log.debug("row stream of %s failed (%s); reading it the usual way", found.sheet, exc.__cause__)
        return None
    table.merged = list(scan.merges)
    return table


def _rows(path: Path, sheet: str) -> Iterator[list[object]]:
    """The sheet's rows from A1 as the library streams them; any failure of it is `_StreamFailed`."""
    try:
        import python_calamine_plus

        book = python_calamine_plus.CalamineWorkbook.from_path(str(path))
        stream = iter(book.stream_sheet_by_name(sheet))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - ImportError, its CalamineError family, a Rust panic
        raise _StreamFailed from exc
    try:
        while True:
            try:
                row = next(stream)
            except StopIteration:
                return
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # noqa: BLE001 - as above
                raise _StreamFailed from exc
            yield row
    finally:
        book.close()


def _table(name: str, found: SheetKind, own: dict | None, fields: Collection[str] | None,
           rows: Iterator[list[object]], noted: _Noted) -> Table:
    kind, match = found.schema, found.match
    own_aliases = (own or {}).get(found.kind, ())
    head = noted.blank(list(islice(rows, found.header_index + 1)), 0)
    header_cells = _as_grid(head[found.header_index]) if len(head) > found.header_index else []
    body_top = found.header_index + 1  # 0-based sheet row of the first body row
    # the year of dates without one, from the first body rows, as read_kind finds it
    first = noted.blank(list(islice(rows, _YEAR_ROWS)), body_top)
    date_cols = [i for f, i in match.fields.items() if kind.column(f).type in ("date", "datetime")]
    year = _default_year(first, date_cols)
    rows = chain(first, rows)
    del first
    shared: dict[int, dict | None] = {}
    table, done = None, 0
    while True:
        chunk = noted.blank(list(islice(rows, CHUNK_ROWS)), body_top + done)
        if not chunk and table is not None:
            break
        height = len(chunk)
        columns = list(zip_longest(*chunk, fillvalue=""))
        del chunk
        columns += [("",) * height] * (len(header_cells) - len(columns))
        columns = [_shared(_as_grid(column), shared, i) for i, column in enumerate(columns)]
        part = build_from_columns(name, found.sheet, header_cells, columns, height, found.header_index, kind, match,
                                  noted.notes(body_top + done, body_top + done + height), own_aliases, fields,
                                  body_start=done, year=year)
        del columns
        if table is None:
            table = part
        else:  # each chunk's problems are sorted and below the last one's
            table.records += part.records
            table.problems += part.problems
        done += height
    return table


class _Noted:
    """The scan's error cells and formulas without a value in sheet-row order, for a run of rows at a
    time: a chunk's rows are blanked and noted from its own few, not from the whole sheet's (a
    VLOOKUP column may hold #N/A in every row)."""

    def __init__(self, scan: SheetScan):
        self._errors = sorted(scan.errors.items())  # (((row0, col0), "#N/A"), ...)
        self._error_rows = [row for (row, _), _ in self._errors]
        self._uncached = sorted(scan.uncached)
        self._uncached_rows = [row for row, _ in self._uncached]

    def _errors_in(self, start: int, stop: int) -> list[tuple[tuple[int, int], str]]:
        return self._errors[bisect_left(self._error_rows, start):bisect_left(self._error_rows, stop)]

    def blank(self, rows: list[list[object]], start: int) -> list[list[object]]:
        """The rows (0-based sheet rows from `start`) with their error cells "" as calamine's grid has
        them (the stream gives the error's text)."""
        for (row, col), _ in self._errors_in(start, start + len(rows)):
            cells = rows[row - start]
            if col < len(cells):
                if not isinstance(cells, list):
                    cells = rows[row - start] = list(cells)
                cells[col] = ""
        return rows

    def notes(self, start: int, stop: int) -> CellNotes | None:
        """What `read_kind` notes of the 0-based sheet rows start..stop-1 (None: nothing)."""
        errors = dict(self._errors_in(start, stop))
        uncached = self._uncached[bisect_left(self._uncached_rows, start):bisect_left(self._uncached_rows, stop)]
        return CellNotes(errors, frozenset(uncached)) if errors or uncached else None


def _as_grid(cells: tuple | list) -> tuple | list:
    """The cells as calamine's grid has them: the stream gives a whole number as an int, the grid
    (and fastexcel) as a float."""
    kinds = set(map(type, cells))
    if int not in kinds:
        return cells
    if kinds <= {int, float}:
        return list(map(float, cells))
    return [float(v) if v.__class__ is int else v for v in cells]


def _shared(column: tuple | list, shared: dict[int, dict | None], index: int) -> tuple | list:
    """Equal cells of a column of texts and dates as one object, across chunks (one dict per column):
    records keep plain texts as read, so a status or a courier name is one object, not a million. A
    column mostly distinct in its first chunk (order ids, addresses) is left alone."""
    memo = shared.get(index, {})
    if memo is None or not set(map(type, column)) <= _SHAREABLE:
        return column
    if not memo and len(set(column)) * 2 > max(len(column), 1):
        shared[index] = None
        return column
    shared[index] = memo
    return list(map(memo.setdefault, column, column))
