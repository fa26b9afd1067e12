"""The common edit of a big sheet done on the rows' bytes (issue 12).

A flags run colours about one order row in ten and writes our column beside it: on a 100k-row sheet
that is over ten thousand rows of twenty-odd cells. The rows of an export look alike: the same cells
with the same attributes; only the row number and the contents differ. So what a row's edit does to
its cells' start tags is worked out once per *shape* (the row's own attributes, each cell's column
letters and attributes, and what is asked of each column) by the general path itself
(`cells.edit_cell` on the cells' start tags), kept as a plan, and applied to every row of that shape
by splicing bytes: each start tag swapped for its planned one, the cells the row lacks put in
between, every content byte copied as written. A text we write (our column) differs on every row:
the plan makes its cell around a stand-in text and each row puts its own (escaped) text there;
whether it starts with = + - @ (and so gets quotePrefix) is part of the shape.

A row the plan cannot cover is declined (None) and goes the general way: a note, a value written
over a cell the row has or a value that is not text, a cell whose reference is not its first attribute or names another row,
cells out of column order, an extLst in the row, or a row where something of ours already is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import repeat

from ..edit import FORMULA_TRIGGERS
from .cells import KEEP, CellOp, edit_cell, with_row_fill
from .sheetstream import Cell, Row, column_letters, ref_column, xml_text

ENABLED = True  # tests turn it off to hold the byte-level path to the general one
_SPLITTERS: dict[bytes, re.Pattern] = {}
_MISSING = object()
_PER_CELL = 5  # what re.split gives per cell: the text before it, letters, digits, other attributes, "/"
_STAND_IN = "\ue000"  # a private-use character: the place of the text a plan's written cell holds


def _splitter(prefix: bytes) -> re.Pattern:
    """Splits a row's content at its cells' start tags (never inside contents: text there has no `<`).
    The attributes after r are taken up to the first "/>" or ">" without backtracking (a quarter
    faster than a lazy match, the same groups)."""
    found = _SPLITTERS.get(prefix)
    if found is None:
        found = _SPLITTERS[prefix] = re.compile(
            rb"<" + re.escape(prefix) + rb'c(?=[\s/>])(?: r="([A-Z]{1,3})([0-9]+)")?([^>/]*(?:/(?!>)[^>/]*)*)(/?)>')
    return found


@dataclass(frozen=True)
class _Plan:
    template: bytes  # the start tags and added cells between the contents: \x01 between gaps, \0 the row number
    values: tuple[int, ...]  # columns we write text into (a %s each in the template, for the escaped text)
    columns: tuple[int, ...]  # the cells whose record is the same on every row of this shape ...
    records: tuple  # ... and their records
    first: int | None
    last: int | None


class RowRestyle:
    """`rewrite_sheet`'s fast_row: (row, its content, column styles) -> (new content, first, last column)."""

    def __init__(self, job: str, styles, cells: dict, shared, ops: dict[int, dict[int, CellOp]], rows: set[int]):
        self.job, self.styles, self.cells, self.shared = job, styles, cells, shared
        self.ops, self.rows = ops, rows  # rows: where nothing of ours is yet and no note goes
        self.plans: dict[tuple, _Plan | None] = {}

    def __call__(self, row: Row, inner: bytes, column_styles: dict[int, int]):
        if not ENABLED or row.number not in self.rows or b"extLst" in inner:
            return None
        row_ops = self.ops[row.number]
        parts = _splitter(row.prefix).split(inner)
        letters = parts[1::_PER_CELL]
        number = b"%d" % row.number
        if None in letters or parts[2::_PER_CELL].count(number) != len(letters):
            return None
        key = (row.attrs.replace(b' r="' + number + b'"', b"", 1),
               tuple((c, o.fill, o.width, o.note is None, _kind(o.value)) for c, o in sorted(row_ops.items())),
               tuple(letters), tuple(parts[3::_PER_CELL]), tuple(parts[4::_PER_CELL]))
        plan = self.plans.get(key, _MISSING)
        if plan is _MISSING:
            plan = self.plans[key] = self._plan(row, parts, row_ops, column_styles)
        if plan is None:
            return None
        template = plan.template
        if plan.values:
            template %= tuple(xml_text(row_ops[c].value).encode() for c in plan.values)
        pieces = parts[0::_PER_CELL] * 2  # the contents as written, each followed by its gap of the plan
        pieces[1::2] = template.replace(b"\0", number).split(b"\x01")
        pieces[0::2] = parts[0::_PER_CELL]
        self.cells.update(zip(zip(repeat(row.number), plan.columns), plan.records))
        return b"".join(pieces), plan.first, plan.last

    def _plan(self, row: Row, parts: list, row_ops: dict[int, CellOp], column_styles: dict[int, int]) -> _Plan | None:
        """What `edit_row` does to this row's start tags, as a template for every row shaped like it."""
        number, tag = b"%d" % row.number, row.prefix + b"c"
        scratch = Row(row.number, row.attrs, prefix=row.prefix)
        existing: list[int] = []
        for at in range(1, len(parts) - 1, _PER_CELL):
            col = ref_column(b' r="' + parts[at] + b'"')
            if col is None or (existing and col <= existing[-1]):
                return None
            scratch.cells[col] = Cell(col, b' r="' + parts[at] + number + b'"' + parts[at + 2], b"", has_r=True)
            existing.append(col)
        wanted = sorted({*(c for c in row_ops if c >= 0), *_row_fill_columns(row_ops.get(-1), existing)})
        values, columns, records, stand_ins = [], [], [], {}
        for col in wanted:
            op = _op(row_ops, col, exists=col in scratch.cells)
            if op is None:
                continue
            if op.note is not None or (op.value is not KEEP and (col in scratch.cells or _kind(op.value) is None)):
                return None
            if op.value is not KEEP:
                values.append(col)
                stand_ins[col] = (op.value[0] if op.value.startswith(FORMULA_TRIGGERS) else "") + _STAND_IN
                op = CellOp(op.fill, None, stand_ins[col])
            rec = edit_cell(scratch, col, self.job, op, None, column_styles, self.styles, self.shared)
            if rec is not None:
                columns.append(col)
                records.append(rec)
        gaps: list[list[bytes]] = [[] for _ in range(len(existing) + 1)]
        slot = 0
        for col in sorted(scratch.cells):
            while slot < len(existing) and existing[slot] < col:
                slot += 1
            cell = scratch.cells[col]
            if cell.dropped:
                continue
            ref = b' r="' + column_letters(col).encode() + number + b'"'
            if slot < len(existing) and existing[slot] == col:  # one of the row's own cells: its start tag
                attrs = cell.attrs if cell.attrs.startswith(b" ") else b" " + cell.attrs
                xml = b"<" + tag + attrs + parts[slot * _PER_CELL + 4] + b">"
            else:
                xml = cell.xml(tag, row.number)
            if not xml.startswith(b"<" + tag + ref):
                return None
            xml = b"<" + tag + ref.replace(number, b"\0") + xml[1 + len(tag) + len(ref):]
            if col in values:
                head, stand_in, tail = xml.partition(xml_text(stand_ins[col]).encode())
                if not stand_in or _STAND_IN.encode() in tail:
                    return None
                gaps[slot].append(_escaped(head, values) + b"%s" + _escaped(tail, values))
            else:
                gaps[slot].append(_escaped(xml, values))
        present = sorted(c for c, cell in scratch.cells.items() if not cell.dropped)
        return _Plan(b"\x01".join(b"".join(g) for g in gaps), tuple(values), tuple(columns), tuple(records),
                     present[0] if present else None, present[-1] if present else None)


def _escaped(piece: bytes, values: list[int]) -> bytes:
    """A literal piece of a template that is %-formatted (when it has value cells)."""
    return piece.replace(b"%", b"%%") if values else piece


def _kind(value: object) -> object:
    """What of a value a plan depends on: kept, or text and whether it starts with a formula trigger
    (quotePrefix); None for any other value (a plan does not cover it)."""
    if value is KEEP:
        return KEEP
    if type(value) is str:
        return value.startswith(FORMULA_TRIGGERS)
    return None


def _row_fill_columns(every: CellOp | None, existing: list[int]) -> list[int]:
    if every is None:
        return []
    return list(range(every.width)) if every.width is not None else existing


def _op(row_ops: dict[int, CellOp], col: int, exists: bool) -> CellOp | None:
    """A cell's op as `edit_row` merges them: a row fill reaches its width, or (no width) the cells the row has."""
    every = row_ops.get(-1)
    if every is None or (col >= every.width if every.width is not None else not exists):
        return row_ops.get(col)
    return with_row_fill(row_ops.get(col), every)
