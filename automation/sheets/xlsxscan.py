"""A cheap pass over an .xlsx sheet's XML before calamine reads it.

calamine allocates the whole rectangle from A1 to the farthest cell: one stray value at
XFD1048576 in a 6 KB file asks for 512 GB and aborts the process natively (no Python exception to
catch). calamine also reads error cells (#REF!) and formulas saved without a value as empty. This
scan streams the sheet's XML once, in chunks, and returns the extent plus those cells, so the
reader can refuse an absurd extent and report what calamine would hide.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from posixpath import dirname, join, normpath
from xml.etree import ElementTree

from .xlsxpatch.sheetstream import column_index, column_letters

CHUNK = 1 << 22
# Kept to regular expressions with a literal start, so a 100 MB sheet scans in well under a second.
# Column widths: single-letter columns (A-Z) need no scan, only multi-letter references are read.
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,3})(\d{1,7})"')
_REF = re.compile(rb' r="([A-Z]{1,3}\d{1,7})"')
# A merged range as calamine reads it (upper- or lower-case letters); any other mergeCell tag (a
# namespace prefix, $A$1, a missing row) makes the scan inexact (calamine refuses some of those).
_MERGE_TAG = re.compile(rb'<[^<>]*?mergeCell[\s/>]')
_MERGE = re.compile(rb'<mergeCell ref="([A-Za-z]{1,3})([1-9]\d{0,6})(?::([A-Za-z]{1,3})([1-9]\d{0,6}))?"\s*/>')
# The root's prefix: some writers name the main namespace (<x:worksheet xmlns:x=…><x:row>…), and
# the row, value and formula tags of such a sheet carry it
_ROOT = re.compile(rb'<([A-Za-z_][\w.-]*:)?worksheet[\s>/]')
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class _Tags:
    """The tag patterns of a sheet whose elements carry `prefix` (b"" for the usual unprefixed sheet)."""

    row_tag: bytes  # a row as every usual writer starts it: its number first
    row: re.Pattern
    any_row: re.Pattern  # any row tag (a number later, or none)
    cell_open: bytes  # what a cell's start tag starts with
    error_value: re.Pattern
    formula: re.Pattern  # what each no_value needs; twice as fast as bytes.find(b"<f") (sre's prefix scan)
    no_value: tuple[re.Pattern, re.Pattern]


@cache
def _tags(prefix: bytes) -> _Tags:
    p = re.escape(prefix)
    empty_value = rb'(?:<' + p + rb'v\s*/>|<' + p + rb'v></' + p + rb'v>)?\s*</' + p + rb'c>'
    return _Tags(b"<" + prefix + b'row r="', re.compile(rb"<" + p + rb'row r="(\d{1,7})"'),
                 re.compile(rb"<" + p + rb"row[\s>/]"), b"<" + prefix + b"c",
                 re.compile(rb't="e"[^>]*>.*?<' + p + rb'v>([^<]*)</', re.S), re.compile(rb"<" + p + rb"f[ >]"),
                 (re.compile(rb"</" + p + rb"f>\s*" + empty_value), re.compile(rb"<" + p + rb"f [^>]*/>\s*" + empty_value)))


def root_prefix(xml: bytes) -> bytes | None:
    """The namespace prefix of a sheet's root element (b"x:" for <x:worksheet>), from the start of
    its XML; None when the root is unprefixed (or not found)."""
    root = _ROOT.search(xml, 0, 4096)
    return root.group(1) if root else None


def _tags_of(first: bytes) -> _Tags:
    """The tags of a sheet, from the root element in its first piece of XML."""
    return _tags(root_prefix(first) or b"")


@dataclass
class SheetScan:
    max_row: int = 0  # 1-based; 0 for an empty sheet
    max_col: int = 0  # 1-based
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row0, col0) -> "#REF!"
    uncached: set[tuple[int, int]] = field(default_factory=set)  # formulas saved without a value
    merged: bool = False  # the sheet has merged ranges (courier.arrow reads only sheets without)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based (row0, col0, row1, col1), as calamine lists them
    # Every error cell placed at its address and every merged range read as calamine reads it: what
    # the row stream needs to give calamine's grid and merges (sheets.rowstream); False when a t="e"
    # cell has no reference before it or a mergeCell tag is not the plain form.
    exact: bool = True

    @property
    def cells(self) -> int:
        return self.max_row * self.max_col

    @property
    def far_corner(self) -> str:
        return f"{column_letters(self.max_col - 1)}{self.max_row}"


def row_index(number: str | None, previous: int) -> int:
    """A row's 0-based index as calamine places it: its `r`, else the one after the previous row."""
    return int(number) - 1 if number and number.isdigit() else previous + 1


def cell_column(ref: str | None, previous: int) -> int:
    """A cell's 0-based column as calamine places it: the letters of its `r` (any case), else the
    one after the previous cell."""
    letters = ref.rstrip("0123456789") if ref else ""
    if not letters.isalpha():  # not the usual "AB12": every letter in it
        letters = "".join(ch for ch in ref or "" if ch.isalpha())
    return column_index(letters.upper()) if letters else previous + 1


def _address(ref: bytes) -> tuple[int, int]:
    split = next(i for i, ch in enumerate(ref) if 48 <= ch <= 57)
    return int(ref[split:]) - 1, column_index(ref[:split])


def sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """sheet name -> its XML part, from xl/workbook.xml and its relationships."""
    try:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    out = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if target:
            out[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
    return out


def scan_sheet(book: zipfile.ZipFile, part: str, extent: bool = True, cells: bool = True,
               keep: list[tuple[bytes, int]] | None = None) -> SheetScan:
    """One streaming pass; a cell split across two chunks is caught by keeping the tail. Each chunk
    is scanned up to its last complete cell in place (bounds, not a copy of it). `extent` finds the
    farthest row and column (what the size guard needs before calamine allocates), `cells` the error
    cells, formulas without a value and merges (what may run while calamine parses). `keep` (a
    list) receives the inflated pieces, for a later `scan_pieces(keep, extent=False)` without a
    second inflate."""
    with book.open(part) as stream:
        scan, unplaced = _scan_pieces(_pieces(stream, keep), extent, cells)
    if unplaced and keep is not None:  # the XML is at hand
        _place_by_parse((data[:end] for data, end in keep), scan, extent, cells)
    elif unplaced:
        with book.open(part) as stream:
            _place_by_parse(iter(lambda: stream.read(CHUNK), b""), scan, extent, cells)
    return scan


def _pieces(stream, keep: list[tuple[bytes, int]] | None) -> Iterator[tuple[bytes, int]]:
    """(data, end) pieces of the inflated XML: data[:end] ends after a complete cell, and what
    follows is at the head of the next piece."""
    tail = b""
    while chunk := stream.read(CHUNK):
        data = tail + chunk
        cut = data.rfind(b"c>") + 2  # after the last complete cell; the rest waits for the next chunk
        cut = cut if cut > 1 else 0
        if keep is not None:
            keep.append((data, cut))
        yield data, cut
        tail = data[cut:]
    if keep is not None:
        keep.append((tail, len(tail)))
    yield tail, len(tail)


def scan_pieces(pieces: list[tuple[bytes, int]], extent: bool = True, cells: bool = True) -> SheetScan:
    """The scan of inflated (data, end) pieces (what `scan_sheet(keep=…)` kept)."""
    scan, unplaced = _scan_pieces(pieces, extent, cells)
    if unplaced:
        _place_by_parse((data[:end] for data, end in pieces), scan, extent, cells)
    return scan


def _scan_pieces(pieces: Iterable[tuple[bytes, int]], extent: bool, cells: bool) -> tuple[SheetScan, bool]:
    """The patterns' scan, and whether it left something unplaced: rows or error cells or formulas
    without a value whose number or reference is not where the patterns look (`r` is optional in
    the file format; a row may give it after other attributes)."""
    scan = SheetScan()
    columns: set[bytes] = set()
    tags, unplaced = None, False
    for data, end in pieces:
        if tags is None:
            tags = _tags_of(data)  # a writer leaves out or moves the rows' numbers in every row: the first piece tells
            unplaced = extent and len(tags.any_row.findall(data, 0, end)) != data.count(tags.row_tag, 0, end)
        if extent:
            _scan_extent(data, end, scan, columns, tags)
        if cells:
            unplaced = _scan_cells(data, end, scan, tags) or unplaced
    scan.max_col = max((column_index(c) + 1 for c in columns), default=0)
    return scan, unplaced


def _place_by_parse(xml: Iterable[bytes], scan: SheetScan, extent: bool, cells: bool) -> None:
    """The extent, error cells and formulas without a value of the sheet XML, from a real parse that
    places them as calamine does (`row_index`, `cell_column`): for the few sheets the patterns
    cannot place (`_scan_pieces`). Elements are matched by local name, so a sheet without the main
    namespace is placed too. The sheet is left to calamine's grid (`exact` False): the stream and
    fastexcel are not known to place such cells alike. XML that does not parse before the end of
    its sheetData is a ValueError (the caller's damaged-sheet message); anything after it is left."""
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    row0 = col0 = -1
    errors: dict[tuple[int, int], str] = {}
    uncached: set[tuple[int, int]] = set()
    max_row = max_col = 0
    done = False
    try:
        for chunk in xml:
            parser.feed(chunk)
            for event, element in parser.read_events():
                name = element.tag.rpartition("}")[2]
                if event == "start":
                    if name == "row":
                        row0, col0 = row_index(element.get("r"), row0), -1
                        max_row = max(max_row, row0 + 1)
                    elif name == "c":
                        col0 = cell_column(element.get("r"), col0)
                        max_col = max(max_col, col0 + 1)
                elif name == "c":
                    parts = {child.tag.rpartition("}")[2]: child for child in element}
                    value = parts.get("v")
                    if element.get("t") == "e":
                        errors[(row0, col0)] = (value.text or "").strip() if value is not None else ""
                    elif "f" in parts and (value is None or not value.text):
                        uncached.add((row0, col0))
                    element.clear()
                elif name == "row":
                    element.clear()
                elif name == "sheetData":
                    done = True
    except ElementTree.ParseError as exc:
        if not done:
            raise ValueError(f"sheet XML: {exc}") from exc
    if extent:
        scan.max_row, scan.max_col = max_row, max_col
    if cells:
        scan.errors, scan.uncached = errors, uncached
    scan.exact = False


_MANY_ROWS = 64


def _many_rows(data: bytes, end: int, row_tag: bytes) -> bool:
    """Whether data[:end] holds at least _MANY_ROWS row tags: the first 256 KB usually answer it."""
    return data.count(row_tag, 0, min(end, 1 << 18)) >= _MANY_ROWS or data.count(row_tag, 0, end) >= _MANY_ROWS


def _scan_extent(data: bytes, end: int, scan: SheetScan, columns: set[bytes], tags: _Tags) -> None:
    """The farthest row and the columns of data[:end]."""
    many = _many_rows(data, end, tags.row_tag)  # C counts; then the regex reads only the chunk's last row tag
    rows = tags.row.findall(data, data.rfind(tags.row_tag, 0, end) if many else 0, end)
    if rows:
        scan.max_row = max(scan.max_row, int(rows[-1]), 0 if many else max(map(int, rows)))
    if data.find(b' r="', 0, end) >= 0:  # the widest single-letter column (wider than the widest seen so far): I, not Z, for A:I
        known = max((c[0] for c in columns if len(c) == 1), default=ord("A") - 1)
        if known >= ord("Z") or _wider_or_wide(known).search(data, 0, end):  # else one pass says neither loop finds anything
            while known < ord("Z") and (hit := _wider_than(known).search(data, 0, end)):  # one pass when none is wider
                known = hit.group(1)[0]  # r="ZA1" is wider still, and _WIDE_CELL has it
            for letters, row in set(_WIDE_CELL.findall(data, 0, end)):
                columns.add(letters)
                scan.max_row = max(scan.max_row, int(row))
        if known >= ord("A"):
            columns.add(bytes([known]))


def _scan_cells(data: bytes, end: int, scan: SheetScan, tags: _Tags) -> bool:
    """The merges, error cells and formulas without a value of data[:end]; True when an error cell
    or a formula without a value was found without its reference."""
    unplaced = False
    if (at := data.find(b"mergeCell", 0, end)) >= 0:
        _scan_merges(data, max(data.rfind(b"<", 0, at), 0), end, scan)
    if data.find(b't="e"', 0, end) >= 0:
        placed = 0
        for hit in tags.error_value.finditer(data, 0, end):
            if (ref := _cell_ref(data, hit.start(), tags)) is not None:
                scan.errors[ref] = hit.group(1).decode("utf-8", "replace").strip()
                placed += 1
        unplaced = placed != data.count(b't="e"', 0, end)  # the parse places them (and makes the scan inexact)
    if tags.formula.search(data, 0, end):
        for pattern in tags.no_value:
            for hit in pattern.finditer(data, 0, end):
                if (ref := _cell_ref(data, hit.start(), tags)) is not None:
                    scan.uncached.add(ref)
                else:
                    unplaced = True
    return unplaced


def _scan_merges(data: bytes, start: int, end: int, scan: SheetScan) -> None:
    """The merged ranges of data[start:end], `start` the first tag that names one (the tags are whole
    there: a chunk is cut after a cell, and the merges follow the cells)."""
    tags = _MERGE_TAG.findall(data, start, end)
    scan.merged = scan.merged or bool(tags)
    found = 0
    for hit in _MERGE.finditer(data, start, end):
        first_col, first_row, last_col, last_row = hit.groups()
        row0, col0 = int(first_row) - 1, column_index(first_col.upper())
        row1, col1 = (int(last_row) - 1, column_index(last_col.upper())) if last_col else (row0, col0)
        scan.merges.append((row0, col0, row1, col1))
        found += 1
    scan.exact = scan.exact and found == len(tags)


@cache
def _wider_than(letter: int) -> re.Pattern:
    """A cell reference whose column starts with a letter after `letter` (one regex pass, not one find per letter)."""
    return re.compile(rb' r="([' + bytes([letter + 1]) + rb'-Z])')


@cache
def _wider_or_wide(letter: int) -> re.Pattern:
    """What `_wider_than(letter)` or `_WIDE_CELL` would find, in one pass (a sheet up to column Z has neither)."""
    return re.compile(rb' r="(?:[A-Z]{2}|[' + bytes([letter + 1]) + rb'-Z])')


def _cell_ref(data: bytes, before: int, tags: _Tags) -> tuple[int, int] | None:
    """The reference of the cell whose content starts before `before` (None: that cell has none, or
    its start tag is not one the patterns read, and the parse places it)."""
    opening = tags.cell_open
    start = data.rfind(opening, 0, before)
    while start >= 0 and data[start + len(opening):start + len(opening) + 1] not in _AFTER_TAG_NAME:
        start = data.rfind(opening, 0, start)  # <cols>, <cfRule>: not a cell
    if start < 0 or data[start + len(opening):start + len(opening) + 1] in (b">", b"/"):  # a bare <c>: no reference
        return None
    tag_end = data.find(b">", start, before)  # in its start tag (an error's t="e" is in it too)
    ref = _REF.search(data, start, before if tag_end < 0 else tag_end)
    return _address(ref.group(1)) if ref else None


_AFTER_TAG_NAME = (b" ", b"\t", b"\n", b"\r", b">", b"/")
