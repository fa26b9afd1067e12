"""What this run has read of each workbook: its sheet kinds (header rows only) and the tables asked for.

`shopbook demo`, the console and the monthly mail open the shop several times in one process, and
each step asks for a few kinds. A file's kinds are found once from its header rows
(`tables.find_kinds`), and a sheet is read in full only when its kind is asked for, once: later
`Shop`s of the same run get the same `Table` objects. Tables are shared, so callers treat them as
read-only. An entry is valid while the file's (mtime, size, inode) are the same; a file written
within the last two seconds (clock ticks are coarse) is also compared by a CRC of its bytes, so a
rewrite of the same size in the same tick is not missed.
"""

from __future__ import annotations

import os
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError
from .tables import SheetKind, Table, find_kinds, open_for_reading, read_kind

RACY_SECONDS = 2.0
Own = dict[str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class FileIdentity:
    """A file as it was when taken: (mtime, size, inode), and a CRC of its bytes only when it had been
    modified within RACY_SECONDS (a rewrite of the same size in the same clock tick keeps the stamp).
    `stamp` is None for a file that was not there."""

    path: str  # the real path
    stamp: tuple[int, int, int] | None
    crc: int | None = None

    @classmethod
    def of(cls, path: Path, missing_ok: bool = True) -> "FileIdentity":
        real = os.path.realpath(path)
        try:
            stamp = _stamp(path)
        except FileNotFoundError:
            if not missing_ok:
                raise
            return cls(real, None)
        racy = time.time_ns() - stamp[0] < RACY_SECONDS * 1e9
        return cls(real, stamp, _crc(real) if racy else None)

    def unchanged(self) -> bool:
        try:
            if self.stamp is None:
                return not os.path.lexists(self.path)
            if _stamp(self.path) != self.stamp:
                return False
            return self.crc is None or _crc(self.path) == self.crc
        except OSError:
            return False


@dataclass
class FileReads:
    identity: FileIdentity  # the file when it was read
    kinds: list[SheetKind] = field(default_factory=list)
    error: UserError | None = None  # the file is not a readable shop sheet (why)
    tables: dict[str, Table] = field(default_factory=dict)  # sheet -> its table, once read
    partial: dict[tuple[str, frozenset], Table] = field(default_factory=dict)  # (sheet, fields) -> a table of those fields only
    source: object | None = None  # kept only while it holds grids read whole for the header search


_FILES: dict[tuple[str, tuple], FileReads] = {}


def _stamp(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size, st.st_ino


def _crc(path: Path) -> int:
    crc = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
    return crc


def _key(path: Path, own: Own) -> tuple[str, tuple]:
    return os.path.realpath(path), tuple(sorted(own.items()))


def file_reads(path: Path, own: Own) -> FileReads:
    """The file's entry, its kinds found from the header rows (the first time, or after it changed)."""
    key = _key(path, own)
    entry = _FILES.get(key)
    if entry is not None and entry.identity.unchanged():
        return entry
    entry = FileReads(FileIdentity.of(path, missing_ok=False))
    try:
        source, ours = open_for_reading(path)
        entry.kinds = find_kinds(source, own=own, skip=ours)
        entry.source = source if getattr(source, "keeps_grids", lambda: False)() else None
    except UserError as exc:
        entry.error = exc
    _FILES[key] = entry
    return entry


def tables_of(path: Path, own: Own, kind: str | None = None, read=None, fields=None) -> list[Table]:
    """The file's tables (of one kind, or all), each sheet read in full at most once per run.
    `read` reads a sheet not read yet (default `tables.read_kind`; the courier match reads the shipment
    log and stubs to Arrow columns with `courier.arrow.read_columns`); a sheet read before is returned
    as it was read. Raises the file's UserError when it holds no readable shop sheet.

    `fields` (None: every field) asks for tables typed in those fields only (`read(..., fields=…)`,
    see `tables.build_from_columns`): a sheet already read in full is returned whole, else such a
    table is kept apart, under its field set, and only a caller asking for the same fields gets it."""
    entry = file_reads(path, own)
    if entry.error is not None:
        raise entry.error
    fields = None if fields is None else frozenset(fields)
    wanted = [k for k in entry.kinds if kind is None or k.kind == kind]
    missing = [k for k in wanted if _cached(entry, k.sheet, fields) is None]
    if missing:
        source = entry.source or open_for_reading(path)[0]
        try:
            for found in missing:
                if fields is None:
                    entry.tables[found.sheet] = (read or read_kind)(source, found, own)
                else:
                    entry.partial[found.sheet, fields] = (read or read_kind)(source, found, own, fields=fields)
        except UserError as exc:
            entry.error = exc
            raise
        entry.source = source if getattr(source, "keeps_grids", lambda: False)() else None
    return [_cached(entry, k.sheet, fields) for k in wanted]


def _cached(entry: FileReads, sheet: str, fields: frozenset | None) -> Table | None:
    """The sheet's table read before: the full one, else (when `fields` are asked) one of those fields."""
    full = entry.tables.get(sheet)
    return full if full is not None or fields is None else entry.partial.get((sheet, fields))


def kinds_of(path: Path, own: Own) -> list[SheetKind]:
    """The sheet kinds of a file from its header rows; [] when it holds none."""
    entry = file_reads(path, own)
    return [] if entry.error is not None else list(entry.kinds)


def forget_all() -> None:
    """Drop everything read (tests; a long-lived process between jobs)."""
    _FILES.clear()
