"""What one cell of a user's sheet gets: the jobs' wishes for it merged, and the cell put in the
state they all want, with the record of what it was before (`edit_cell`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..edit import FORMULA_TRIGGERS
from .record import CellRecord
from .sheetstream import Row
from .styles import StyleBook

KEEP = object()  # "leave the value as it is"
JOB_PRIORITY = ("validate", "flags")  # whose fill shows when two jobs colour one cell: problems first


@dataclass
class CellOp:
    fill: str | None = None
    note: str | None = None
    value: object = KEEP
    width: int | None = None  # on the row-fill entry (column -1): columns from A, None = the cells the row has


def with_row_fill(found: CellOp | None, every: CellOp) -> CellOp:
    """A cell's op inside a filled row: the row's fill unless the cell has its own."""
    if found is None:
        return every
    if found.fill is None:
        return CellOp(every.fill, found.note, found.value)
    return found


def edit_cell(row: Row, col: int, job: str, op: CellOp | None, rec: CellRecord | None,
              column_styles: dict[int, int], styles: StyleBook, shared) -> CellRecord | None:
    """Put the cell in the state all jobs want (this job's new wish replacing its old one); returns
    its record, or None when nothing of ours is left on it (it is then exactly as the user had it)."""
    cell = row.cells.get(col)
    current = cell.style if cell is not None else None
    if rec is None and op is not None and op.value is KEEP and op.fill:  # the common case: a fresh fill
        effective = current if current is not None else (row.default_style(column_styles, col) if cell is None else 0)
        ours = styles.derive(effective, fill=op.fill)
        (cell if cell is not None else row.cell(col)).set_style(ours)
        return shared(current, cell is None, ours, op.fill)
    if rec is None:
        rec = CellRecord(current, cell is None)
    else:
        rec = rec.copy()  # records are shared between cells that look alike: never change one in place
        if current != rec.ours:  # the user restyled the cell since: that is their style now, with their fill
            rec.orig, rec.absent = (styles.fill_of(current or 0, rec.orig or 0) if cell is not None else None), cell is None
    if rec.wrote_by == job and cell is not None:
        restore_value(cell, rec.value)
        rec.wrote_by, rec.quote = None, False
    rec.fills.pop(job, None)
    if op is not None and op.fill:
        rec.fills[job] = op.fill
    if op is not None and op.value is not KEEP:
        cell = row.cell(col)
        if rec.wrote_by is None:
            rec.value = value_of(cell)
        rec.wrote_by = job
        rec.quote = isinstance(op.value, str) and op.value.startswith(FORMULA_TRIGGERS)
        cell.set_value(op.value, row.prefix)
    fill = next((rec.fills[j] for j in (*JOB_PRIORITY, *sorted(rec.fills)) if j in rec.fills), None)
    if fill is None and rec.wrote_by is None:  # nothing of ours left: exactly the user's cell again
        if cell is not None:
            cell.set_style(rec.orig)
            if rec.absent and not cell.has_content():
                cell.dropped = True
        return None
    cell = row.cell(col)
    effective = rec.orig if rec.orig is not None else (row.default_style(column_styles, col) if rec.absent else 0)
    rec.ours = styles.derive(effective, fill=fill, quote_prefix=rec.quote) if (fill or rec.quote) else rec.orig
    cell.set_style(rec.ours)
    return rec


def value_of(cell) -> str:
    """A cell's value as recorded: its type attribute and content, to put back exactly."""
    if cell.new or not cell.has_content():
        return ""
    t = re.search(rb'\st="([^"]*)"', cell.attrs)
    return ((t.group(1).decode() if t else "") + "\x00" + (cell.inner or b"").decode())


def restore_value(cell, value: str | None) -> None:
    cell.attrs = re.sub(rb'\st="[^"]*"', b"", cell.attrs)
    if not value:
        cell.inner = None
        return
    t, inner = value.split("\x00", 1)
    if t:
        cell.attrs += f' t="{t}"'.encode()
    cell.inner = inner.encode()
