"""Reading raw cell grids from .xlsx/.xlsm/.xls/.ods (python-calamine) and .csv files."""

from __future__ import annotations

import contextlib
import csv
import io
import threading
import zipfile
import zlib
from pathlib import Path
from collections.abc import Callable
from typing import Protocol, TypeVar
from xml.etree import ElementTree

from ..errors import UserError
from .xlsxhead import head_rows
from .xlsxscan import SheetScan, scan_pieces, scan_sheet, sheet_parts

T = TypeVar("T")

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb"}
# calamine holds every cell from A1 to the farthest one; past this many it would need gigabytes.
MAX_CELLS = 25_000_000
# `extent` leaves the cells pass for later, to run beside calamine's grid read or fastexcel (both
# parse without the GIL). Below SPLIT_SCAN_BYTES (about 50k rows x 20) the extent pass keeps the
# inflated XML for it (a second inflate would cost more than it hides); up to SPLIT_SCAN_MAX_BYTES
# the cells pass inflates again; from there on (about 270k rows x 20) the sheet is streamed
# (sheets/rowstream.py), which needs the whole scan before it reads, so one pass is cheaper.
SPLIT_SCAN_BYTES = 48 << 20
SPLIT_SCAN_MAX_BYTES = 256 << 20


class SheetSource(Protocol):
    """Anything with named sheets whose cells can be read as a grid of Python values."""

    name: str  # what to call it in messages: a file path or a spreadsheet title

    def sheet_names(self) -> list[str]: ...

    def grid(self, sheet: str) -> list[list[object]]:
        """All cells from A1; row i of the list is sheet row i+1."""
        ...

    # Optional: `head(sheet, rows)`, the first rows without reading the rest (`tables.find_kinds`
    # uses it to tell the sheet kinds; without it the grid is fetched once and kept for the table).


def run_beside(work: Callable[[], T]) -> Callable[[], T]:
    """Start `work` in a thread of its own (beside a parse that releases the GIL: calamine's grid,
    fastexcel); the function returned joins it and gives its result, or raises what it raised, in
    the caller's thread."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - raised again by the join, in the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=run, name="shopbook-scan", daemon=True)
    worker.start()

    def join() -> T:
        worker.join()
        if "error" in box:
            raise box["error"]
        return box["result"]

    return join


_STRICT_MAIN = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def _strict_ooxml(path: Path) -> bool:
    """Whether the workbook is saved as Strict Open XML (Excel's "Strict Open XML Spreadsheet", the
    ISO/IEC 29500 strict namespaces): calamine reads its cells, but the head, the scan and the patch
    writer know the usual (transitional) namespaces only, so its headers would not be found and its
    error cells not seen."""
    try:
        with zipfile.ZipFile(path) as book, book.open("xl/workbook.xml") as part:
            return _STRICT_MAIN in part.read(4096)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return False


def _detail(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


class CalamineSource:
    def __init__(self, path: Path):
        import python_calamine

        self.path = path
        self.name = str(path)
        self._merged: dict[str, list[tuple[int, int, int, int]]] = {}
        self._scans: dict[str, SheetScan] = {}
        self._extents: dict[str, SheetScan] = {}  # extent-only scans (`extent`), until `scan`
        self._inflated: dict[str, list[tuple[bytes, int]]] = {}  # a small sheet's XML from `extent`, for the cells pass
        self._beside: dict[str, Callable[[], SheetScan]] = {}  # cells passes running beside calamine's grid read (their joins)
        self._kept: dict[str, list[list[object]]] = {}  # grids read whole for `head` (.xls, .ods), until `grid`
        try:
            self._book = python_calamine.CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own error types per format
            detail = _detail(exc)
            if "password" in detail.lower() or "encrypt" in detail.lower():
                raise UserError("err.encrypted", path=path) from exc
            raise UserError("err.corrupt", path=path, detail=detail) from exc
        if not self._book.sheet_names:
            raise UserError("err.damaged", path=path, part="xl/workbook.xml")
        if path.suffix.lower() in (".xlsx", ".xlsm") and _strict_ooxml(path):
            raise UserError("err.strict_ooxml", path=path)

    def sheet_names(self) -> list[str]:
        return list(self._book.sheet_names)

    def head(self, sheet: str, rows: int) -> list[list[object]]:
        """The first rows: streamed from the sheet XML for .xlsx/.xlsm; other formats (and a package
        the stream cannot read, so the error is calamine's) are read whole once and kept for `grid`."""
        if self.path.suffix.lower() in (".xlsx", ".xlsm"):
            try:
                with zipfile.ZipFile(self.path) as book:
                    return head_rows(book, sheet, rows)
            except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError, zlib.error, ElementTree.ParseError):
                pass
        if sheet not in self._kept:
            self._kept[sheet] = self._read(sheet)
        return self._kept[sheet][:rows]

    def keeps_grids(self) -> bool:
        """True while a grid read whole by `head` waits for its `grid` call."""
        return bool(self._kept)

    def grid(self, sheet: str) -> list[list[object]]:
        if sheet in self._kept:
            return self._kept.pop(sheet)
        return self._read(sheet)

    def _read(self, sheet: str) -> list[list[object]]:
        self.guard(sheet)
        self._scan_beside(sheet)  # calamine parses without the GIL: the cells pass costs no wall time there
        try:
            loaded = self._book.get_sheet_by_name(sheet)
            grid = loaded.to_python(skip_empty_area=False)
        except Exception as exc:  # damaged sheet XML, a sheet part missing from the package
            raise UserError("err.corrupt_sheet", path=self.path, sheet=sheet, detail=_detail(exc)) from exc
        try:
            ranges = loaded.merged_cell_ranges or []
        except Exception:  # noqa: BLE001 - merges are a hint for where we may write; never fatal
            ranges = []
        self._merged[sheet] = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
        return grid

    def merged_ranges(self, sheet: str) -> list[tuple[int, int, int, int]]:
        """Merged ranges of a sheet read with `grid` (0-based row0, col0, row1, col1)."""
        return self._merged.get(sheet, [])

    def scan(self, sheet: str) -> SheetScan | None:
        """What calamine does not tell (xlsx/xlsm only): the sheet's extent, error cells, uncalculated formulas."""
        if self.path.suffix.lower() not in (".xlsx", ".xlsm"):
            return None
        if sheet not in self._scans:
            extent = self._extents.get(sheet)
            found = self._cells(sheet) if extent is not None else self._scan(sheet)
            if extent is not None:  # the extent pass ran before: only the cells pass is left
                found.max_row, found.max_col = extent.max_row, extent.max_col
                found.exact = found.exact and extent.exact  # rows the extent's patterns could not number
            self._scans[sheet] = found
        return self._scans[sheet]

    def _cells(self, sheet: str) -> SheetScan:
        """The cells pass: the one running beside calamine, else over the XML the extent pass kept,
        else a pass of its own."""
        with self._damaged_sheet(sheet):
            if sheet in self._beside:
                return self._beside.pop(sheet)()
            if sheet in self._inflated:
                return scan_pieces(self._inflated.pop(sheet), extent=False)
        return self._scan(sheet, extent=False)

    def _scan_beside(self, sheet: str) -> None:
        """Start the cells pass over the XML the extent pass kept, in a thread (`scan` joins it)."""
        pieces = self._inflated.pop(sheet, None)
        if pieces is None or sheet in self._scans or sheet in self._beside:
            return
        self._beside[sheet] = run_beside(lambda: scan_pieces(pieces, extent=False))

    def extent(self, sheet: str) -> SheetScan | None:
        """The sheet's farthest row and column alone (xlsx/xlsm only), from a pass that leaves out the
        cells part of `scan` (which may then run while calamine parses: `courier.arrow.sheet_cells`)."""
        if self.path.suffix.lower() not in (".xlsx", ".xlsm"):
            return None
        if sheet in self._scans:
            return self._scans[sheet]
        if sheet not in self._extents:
            size = self._part_size(sheet)
            if size >= SPLIT_SCAN_MAX_BYTES:
                return self.scan(sheet)  # one pass: see SPLIT_SCAN_BYTES
            keep = [] if size < SPLIT_SCAN_BYTES else None
            self._extents[sheet] = self._scan(sheet, cells=False, keep=keep)
            if keep is not None:
                self._inflated[sheet] = keep
        return self._extents[sheet]

    def _part_size(self, sheet: str) -> int:
        """The sheet XML's uncompressed size (0 when the package cannot tell: the scan then says why)."""
        try:
            with zipfile.ZipFile(self.path) as book:
                part = sheet_parts(book).get(sheet)
                return book.getinfo(part).file_size if part else 0
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            return 0

    def _scan(self, sheet: str, extent: bool = True, cells: bool = True,
              keep: list[tuple[bytes, int]] | None = None) -> SheetScan:
        with self._damaged_sheet(sheet), zipfile.ZipFile(self.path) as book:
            part = sheet_parts(book).get(sheet)
            if part is not None and part not in book.namelist():
                raise UserError("err.damaged", path=self.path, part=part)
            return scan_sheet(book, part, extent, cells, keep) if part else SheetScan()

    @contextlib.contextmanager
    def _damaged_sheet(self, sheet: str):
        """A scan's failure on the package or the sheet XML as the damaged-sheet message."""
        try:
            yield
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
            raise UserError("err.corrupt_sheet", path=self.path, sheet=sheet, detail=_detail(exc)) from exc

    def guard(self, sheet: str) -> None:
        """Refuse, before calamine allocates it, a sheet whose farthest cell would need gigabytes."""
        scan = self.extent(sheet)
        if scan is not None and scan.cells > MAX_CELLS:
            raise UserError("err.too_large", path=self.path, sheet=sheet, corner=scan.far_corner,
                            cells=f"{scan.cells:,}", limit=f"{MAX_CELLS:,}")


def sheet_extent(source, sheet: str) -> SheetScan | None:
    """The sheet's farthest row and column from the source's extent scan, or None (CSV, live Excel,
    Google Sheets: no scan)."""
    read = getattr(source, "extent", None) or getattr(source, "scan", None)
    return read(sheet) if read is not None else None


def guarded_file_sheet(source, sheet: str) -> bool:
    """Whether `source` is an .xlsx/.xlsm file whose sheet another reader (fastexcel, the row stream)
    may read beside calamine's grid, its extent passing the size guard first (a sheet too large is
    refused the same way, before anything allocates it)."""
    path = Path(getattr(source, "path", "") or "")
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not hasattr(source, "scan") or not hasattr(source, "guard"):
        return False
    source.guard(sheet)
    return True


def plain_scan(scan: SheetScan | None) -> bool:
    """No error cell, formula without a value or merge: what only calamine's grid and the scan handle."""
    return scan is not None and not scan.errors and not scan.uncached and not getattr(scan, "merged", True)


def exact_scan(scan: SheetScan | None) -> bool:
    """Whether a reader other than calamine's grid (the row stream, fastexcel) can give the sheet's
    table with the scan's help: every error cell known by its address (the stream gives its text
    where the grid has "") and every merged range read as calamine reads it (neither gives merges),
    `SheetScan.exact`. Formulas without a value are empty in all three."""
    return scan is not None and scan.exact


class CsvSource:
    """One sheet, named after the file. Line numbers are rows (header = 1 in a plain export)."""

    def __init__(self, path: Path):
        self.path = path
        self.name = str(path)
        self._text = decode(path.read_bytes(), path)
        self._rows: list[list[object]] | None = None

    def sheet_names(self) -> list[str]:
        return [self.path.stem]

    def head(self, sheet: str, rows: int) -> list[list[object]]:
        if self._rows is not None:
            return self._rows[:rows]
        return _csv_grid(self._text, self.path.suffix.lower() == ".tsv", rows)

    def grid(self, sheet: str) -> list[list[object]]:
        if self._rows is None:
            self._rows = _csv_grid(self._text, self.path.suffix.lower() == ".tsv")
        return self._rows


def _utf16(data: bytes) -> str | None:
    """Excel's "Unicode text" is UTF-16 with a BOM; without one, NULs in every other byte give it away."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    return None


def decode(data: bytes, path: Path) -> str:
    """UTF-16 when it is that, UTF-8 (with or without BOM), then GB18030 (a superset of GBK) as Taobao's older exports use."""
    if (wide := _utf16(data)) is not None:
        try:
            return data.decode(wide)
        except UnicodeDecodeError:
            raise UserError("err.bad_encoding", path=path, encoding="UTF-16") from None
    if b"\x00" in data[:4096]:
        raise UserError("err.not_spreadsheet", path=path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError("err.bad_encoding", path=path, encoding="UTF-8 / GBK")


def _csv_grid(text: str, tabs: bool, rows: int | None = None) -> list[list[object]]:
    """The rows (all, or the first `rows` lines)."""
    sample = text[:4096]
    delimiter = "\t" if tabs or sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[list[object]] = []
    for record in reader:
        while len(grid) < reader.line_num - 1:  # a quoted field spanning lines keeps later row numbers true
            grid.append([])
        grid.append(list(record))
        if rows is not None and len(grid) >= rows:
            return grid[:rows]
    return grid


def open_source(path: str | Path) -> SheetSource:
    path = Path(path)
    if not path.exists():
        raise UserError("err.missing_file", path=path)
    if path.is_dir():
        raise UserError("err.not_spreadsheet", path=path)
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise UserError("err.empty", path=path)
    with path.open("rb") as stream:
        head = stream.read(8)
    if suffix in CSV_SUFFIXES:
        if head.startswith(b"PK") or head.startswith(OLE_MAGIC):
            raise UserError("err.renamed", path=path, actual=".xlsx" if head.startswith(b"PK") else ".xls")
        return CsvSource(path)
    if suffix not in WORKBOOK_SUFFIXES:
        raise UserError("err.not_spreadsheet", path=path)
    if suffix in ZIP_SUFFIXES:
        if head.startswith(OLE_MAGIC):  # an encrypted OOXML package is wrapped in an OLE container
            _ole_workbook(path)
        if not head.startswith(b"PK"):
            raise UserError("err.not_spreadsheet", path=path)
        _check_package(path)
    if suffix == ".xls" and not head.startswith(OLE_MAGIC):
        if head.startswith(b"PK"):
            raise UserError("err.renamed", path=path, actual=".xlsx")
        raise UserError("err.not_spreadsheet", path=path)
    if suffix == ".ods" and not head.startswith(b"PK"):
        raise UserError("err.not_spreadsheet", path=path)
    return CalamineSource(path)


def _ole_workbook(path: Path) -> None:
    """An OLE file named .xlsx: an encrypted package (EncryptionInfo stream) or an old .xls renamed."""
    with path.open("rb") as stream:
        data = stream.read(1 << 16)
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        raise UserError("err.encrypted", path=path)
    raise UserError("err.renamed", path=path, actual=".xls")


def _check_package(path: Path) -> None:
    """A zip that is cut short or lacks xl/workbook.xml is damaged, and the message says which."""
    try:
        with zipfile.ZipFile(path) as book:
            names = set(book.namelist())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UserError("err.truncated", path=path) from exc
    if path.suffix.lower() != ".xlsb" and "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise UserError("err.renamed", path=path, actual=".ods")
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            raise UserError("err.not_spreadsheet", path=path)
        raise UserError("err.damaged", path=path, part="xl/workbook.xml")
