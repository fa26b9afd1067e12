"""Apply a `WorkbookEdit` to an .xlsx/.xlsm by patching its zip parts (see the package docstring)."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..edit import NewSheet, WorkbookEdit
from .newsheet import write_sheet
from .notes import SheetNotes
from .package import (CT_WORKSHEET, NS_STRICT, REL_WORKSHEET, CompressedPart, Package, PackageError, add_relationship,
                      ReadAhead, attr, compress_to, ensure_override, free_part_name, insert_before_close)
from . import fastrows
from .cells import CellOp, edit_cell, with_row_fill
from .record import CellRecord, JobRecord, Record, read_record, write_record
from .sheetstream import CHUNK, Row, column_index, column_letters, rewrite_sheet
from .styles import StyleBook

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DIMENSION = re.compile(rb'(<(?:\w+:)?dimension\b[^>]*?\bref=")([^"]*)(")')
_ILLEGAL_TITLE = re.compile(r"[\[\]:*?/\\]")


@dataclass
class PatchResult:
    renamed: dict[str, str] = field(default_factory=dict)  # our sheet name -> the name used beside a user's sheet
    sheets: dict[str, str] = field(default_factory=dict)  # our sheet name -> its name in the workbook
    cells: int = 0
    notes_skipped: list[str] = field(default_factory=list)  # cells holding a threaded comment


def unsupported_format(path: Path) -> str | None:
    """Why this writer cannot edit the file (a message key), or None."""
    suffix = path.suffix.lower()
    if suffix in (".xls", ".ods", ".xlsb"):
        return "format"
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        return "encrypted"
    return None


def sheet_title(name: str) -> str:
    return _ILLEGAL_TITLE.sub("_", name)[:31].strip("'") or "Sheet"


def apply_patch(source: Path, out, edit: WorkbookEdit) -> PatchResult:
    """Write `source` with `edit` applied (and the same job's previous marks taken out) to the binary file `out`."""
    from ...tables import gc_paused  # (tables imports this package)

    with gc_paused():  # cell records and rows by the ten thousand, no cycles: no collection walking the tables meanwhile
        return _apply(source, out, edit)


def _apply(source: Path, out, edit: WorkbookEdit) -> PatchResult:
    package = Package.open(source)
    temps: list = []  # the rewritten and new sheets, deflated into temporary files until the save
    try:
        if package.main_namespace() == NS_STRICT:
            raise PackageError("strict")
        result = PatchResult()
        record = read_record(package)
        job = record.job(edit.job)
        styles = StyleBook(package)
        sheets = {s.name: s for s in package.sheets()}
        ops = _cell_ops(edit, sheets)
        mine = {s for s, cells in record.cells.items()
                if any(edit.job in c.fills or c.wrote_by == edit.job for c in cells.values())}
        for name in sorted(set(ops) | mine | set(job.notes) | set(job.created)):
            if name not in sheets:  # a sheet the user deleted or renamed since: nothing of ours is left there
                record.cells.pop(name, None), job.notes.pop(name, None), job.created.pop(name, None)
                continue
            temps.append(_patch_sheet(package, styles, record, job, sheets[name].part, name, ops.get(name, {}), edit, result))
        temps += _write_new_sheets(package, styles, record, job, sheets, edit.new_sheets, result)
        styles.apply()
        write_record(package, record)
        package.save(out)
        return result
    finally:
        for temp in temps:
            temp.close()
        package.close()


# ---- what to do to which cell ----------------------------------------------------------------------------

def _cell_ops(edit: WorkbookEdit, sheets: dict) -> dict[str, dict[int, dict[int, CellOp]]]:
    ops: dict[str, dict[int, dict[int, CellOp]]] = {}

    def sheet_of(sheet: str) -> str:
        if sheet in sheets:
            return sheet
        if sheet_title(sheet) in sheets:  # a CSV named with characters a sheet title cannot hold
            return sheet_title(sheet)
        raise PackageError("no_sheet", sheet)

    def op(sheet: str, row: int, col: int) -> CellOp:
        return ops.setdefault(sheet_of(sheet), {}).setdefault(row, {}).setdefault(col, CellOp())

    for mark in edit.marks:  # marks come worst severity first: the first fill wins
        cell = op(mark.sheet, mark.row, mark.column)
        cell.fill = cell.fill or mark.fill
        if mark.note and (cell.note is None or mark.note not in cell.note.split("\n")):
            cell.note = mark.note if cell.note is None else cell.note + "\n" + mark.note
    for row_fill in edit.row_fills:  # one entry per row (column -1), spread over its cells when the row is written
        whole = op(row_fill.sheet, row_fill.row, -1)
        whole.fill, whole.width = whole.fill or row_fill.fill, row_fill.width
    for write in edit.writes:
        op(write.sheet, write.row, write.column).value = write.value
    return ops


# ---- one user sheet -------------------------------------------------------------------------------------

def _patch_sheet(package: Package, styles: StyleBook, record: Record, job: JobRecord, part: str, sheet: str,
                 ops: dict[int, dict[int, CellOp]], edit: WorkbookEdit, result: PatchResult):
    cells = record.cells.setdefault(sheet, {})
    spans = record.spans.setdefault(sheet, {})
    by_row: dict[int, dict[int, str]] = {}
    for (row, col), rec in cells.items():
        if edit.job in rec.fills or rec.wrote_by == edit.job:
            by_row.setdefault(row, {})[col] = rec
    wanted_rows = set(ops) | set(by_row) | {int(r) for r in spans}
    alike: dict[tuple, CellRecord] = {}

    def shared(orig: int | None, absent: bool, ours: int, fill: str) -> CellRecord:
        """One record object for all the cells a fresh fill gives the same before/after (memory stays small)."""
        rec = alike.get((orig, absent, ours, fill))
        if rec is None:
            rec = alike[(orig, absent, ours, fill)] = CellRecord(orig, absent, ours, {edit.job: fill})
        return rec
    notes = {(r, c): o.note for r, cols in ops.items() for c, o in cols.items() if o.note}
    others = [key for key, rec in cells.items() if set(rec.fills) - {edit.job} or rec.wrote_by not in (None, edit.job)]
    bbox = _bbox(ops, others)

    def edit_row(row: Row, column_styles: dict[int, int]) -> None:
        row_ops = dict(ops.get(row.number, {}))
        every = row_ops.pop(-1, None)
        if every is not None:
            for col in (list(row.cells) if every.width is None else range(every.width)):
                row_ops[col] = with_row_fill(row_ops.get(col), every)
        mine = by_row.get(row.number, {})
        row.spans_base = spans.get(str(row.number))
        for col in sorted(set(row_ops) | set(mine)):
            key = (row.number, col)
            rec = edit_cell(row, col, edit.job, row_ops.get(col), cells.get(key), column_styles, styles, shared)
            if rec is None:
                cells.pop(key, None)
            else:
                cells[key] = rec

    def row_written(row: Row) -> None:
        if row.spans_widened:
            spans[str(row.number)] = row.spans_widened
        else:
            spans.pop(str(row.number), None)

    def edit_head(head: bytes) -> bytes:
        """The dimension covers our cells; it shrinks back to the user's once none is left."""
        found = _DIMENSION.search(head)
        if found is None:
            return head
        original = record.dimensions.get(sheet, found.group(2).decode())
        wanted = _union(original, bbox) if bbox is not None else original
        if wanted == original:
            record.dimensions.pop(sheet, None)
        else:
            record.dimensions[sheet] = original
        return head[:found.start(2)] + wanted.encode() + head[found.end(2):]

    def edit_tail(tail: bytes) -> bytes:
        sheet_notes = SheetNotes.load(package, part, tail)
        old_rid = sheet_notes.vml_rid
        sheet_notes.remove_ours(job, sheet)
        result.notes_skipped += [f"{sheet}!{column_letters(c)}{r}" for (r, c) in notes
                                 if f"{column_letters(c)}{r}" in sheet_notes.threaded_refs]
        sheet_notes.add(package, job, sheet, notes)
        sheet_notes.save(package, job, sheet)
        removed = old_rid if old_rid and sheet_notes.vml is None else None
        added = sheet_notes.vml_rid if sheet_notes.vml is not None and sheet_notes.vml_rid != old_rid else None
        return sheet_notes.legacy_drawing_tail(tail, removed, added)

    # rows where nothing of ours is yet and no note goes: edited on their bytes, a plan per row shape
    plain_rows = set(ops) - {r for r, _ in cells} - {r for r, _ in notes} - {int(r) for r in spans}
    fast_row = fastrows.RowRestyle(edit.job, styles, cells, shared, ops, plain_rows)

    temp = tempfile.TemporaryFile()
    try:
        with package.zip.open(part) as source, ReadAhead(source.read, CHUNK) as ahead:
            compressed = compress_to(temp, lambda write: rewrite_sheet(ahead.read, write, wanted_rows, edit_row,
                                                                        edit_head, edit_tail, row_written, fast_row))
    except ValueError as exc:
        temp.close()
        raise PackageError("damaged", f"{part}: {exc}") from exc
    package.stream(part, compressed)
    if not spans:
        record.spans.pop(sheet, None)
    if not cells:
        record.cells.pop(sheet, None)
    result.cells += sum(1 for rec in cells.values() if edit.job in rec.fills or rec.wrote_by == edit.job)
    return temp


def _bbox(ops: dict[int, dict[int, CellOp]], others: list[tuple[int, int]]) -> tuple[int, int] | None:
    rows = [*ops, *(r for r, _ in others)]
    cols = [*(c if c >= 0 else (op.width or 1) - 1 for row in ops.values() for c, op in row.items()), *(c for _, c in others)]
    return (max(rows), max(cols)) if rows else None


def _union(ref: str, bbox: tuple[int, int]) -> str:
    m = re.match(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$", ref)
    if m is None:
        return ref
    first_col, first_row = m.group(1), int(m.group(2))
    last_col = column_index(m.group(3) or m.group(1))
    last_row = int(m.group(4) or m.group(2))
    new_col, new_row = max(last_col, bbox[1]), max(last_row, bbox[0])
    if (new_col, new_row) == (last_col, last_row):
        return ref
    return f"{first_col}{first_row}:{column_letters(new_col)}{new_row}"


# ---- our own sheets -------------------------------------------------------------------------------------

def _write_new_sheets(package: Package, styles: StyleBook, record: Record, job: JobRecord, sheets: dict,
                      new_sheets: list[NewSheet], result: PatchResult) -> list:
    """Our sheets, each streamed into a deflated temporary file (returned, to close after the save)."""
    temps = []
    owned = record.owned_sheets()
    names_folded = {n.casefold(): n for n in sheets}
    produced = []
    date1904 = package.date1904()
    for new in new_sheets:
        title = sheet_title(new.name)
        existing = names_folded.get(title.casefold())
        if existing is not None and existing not in owned:
            title = _free_title(title, names_folded, owned)
            result.renamed[new.name] = title
            existing = names_folded.get(title.casefold())
        result.sheets[new.name] = title
        produced.append(title)
        temp = tempfile.TemporaryFile()
        temps.append(temp)
        data = compress_to(temp, lambda write, new=new: write_sheet(new, styles, date1904, write))
        if existing is not None:
            package.stream(sheets[existing].part, data)
        else:
            _add_sheet(package, title, data)
            names_folded[title.casefold()] = title
    job.sheets = list(dict.fromkeys([s for s in job.sheets if s in sheets and s not in produced] + produced))
    return temps


def _free_title(title: str, names_folded: dict[str, str], owned: set[str]) -> str:
    for n in range(1, 100):
        suffix = " (shopbook)" if n == 1 else f" (shopbook {n})"
        candidate = title[:31 - len(suffix)] + suffix
        taken = names_folded.get(candidate.casefold())
        if taken is None or taken in owned:
            return candidate
    raise PackageError("no_sheet_name", title)


def _add_sheet(package: Package, title: str, data: CompressedPart) -> None:
    part = free_part_name(package, "xl/worksheets/sheet{n}.xml")
    package.stream(part, data)
    rid = add_relationship(package, "xl/workbook.xml", REL_WORKSHEET, part)
    ensure_override(package, part, CT_WORKSHEET)
    workbook = package.read("xl/workbook.xml")
    ids = [int(i) for i in re.findall(rb'<(?:\w+:)?sheet\b[^>]*?\bsheetId="(\d+)"', workbook)]
    prefix = re.search(rb"<(\w+:)?sheets\b", workbook)
    p = (prefix.group(1) or b"").decode() if prefix else ""
    element = (f'<{p}sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
               f'name={attr(title)} sheetId="{max(ids, default=0) + 1}" r:id="{rid}"/>').encode()
    package.replace("xl/workbook.xml", insert_before_close(workbook, b"sheets", element))
    _add_to_app_properties(package, title)


def _add_to_app_properties(package: Package, title: str) -> None:
    """docProps/app.xml lists the sheet titles: add ours where its layout is the usual one, else leave it."""
    name = "docProps/app.xml"
    if not package.has(name):
        return
    data = package.read(name)
    pairs = re.search(rb"(<vt:lpstr>(?:Worksheets|\xe5\xb7\xa5\xe4\xbd\x9c\xe8\xa1\xa8)</vt:lpstr>\s*</vt:variant>\s*<vt:variant>\s*<vt:i4>)(\d+)(</vt:i4>)", data)
    titles = re.search(rb"<TitlesOfParts>\s*<vt:vector\b[^>]*?size=\"(\d+)\"[^>]*>", data)
    if pairs is None or titles is None or not data[:pairs.start()].count(b"<vt:lpstr>") == 0:
        return
    count = int(pairs.group(2))
    entries = list(re.finditer(rb"<vt:lpstr>.*?</vt:lpstr>", data[titles.end():], re.S))
    if len(entries) < count:
        return
    at = titles.end() + (entries[count - 1].end() if count else 0)
    from .sheetstream import xml_text

    data = data[:at] + f"<vt:lpstr>{xml_text(title)}</vt:lpstr>".encode() + data[at:]
    data = data[:titles.start(1)] + str(int(titles.group(1)) + 1).encode() + data[titles.end(1):]
    data = data[:pairs.start(2)] + str(count + 1).encode() + data[pairs.end(2):]
    package.replace(name, data)
