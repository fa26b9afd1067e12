"""Big sheets are deflated in a thread of their own (`package.compress_to`, `package.InOrder`) and the
sheet being rewritten is inflated a piece ahead in another (`package.ReadAhead`): the part is byte
for byte what deflating in line gives, whatever the pieces written; the rewrite reads the pieces in
line reading gives; an error while deflating, writing (a full disk) or reading reaches the caller as
it always did and leaves no thread behind."""

from __future__ import annotations

import errno
import io
import random
import tempfile
import threading
import zipfile
import zlib
from types import SimpleNamespace

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.errors import UserError
from automation.sheets.edit import NewSheet, WorkbookEdit
from automation.sheets.writers import apply_edit
from automation.sheets.xlsxpatch import package, patch
from automation.sheets.xlsxpatch.package import InOrder, ReadAhead, compress_to
from sheet_builders import xlsx


def _in_line(pieces: list[bytes]) -> tuple[bytes, int]:
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    return b"".join([*map(compressor.compress, pieces), compressor.flush()]), zlib.crc32(b"".join(pieces))


def _deflater_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name in ("shopbook-deflate", "shopbook-inflate")]


@pytest.mark.parametrize("batch", [1, 1000, 16 << 20])
def test_a_part_is_the_bytes_deflating_in_line_gives(monkeypatch, batch):
    monkeypatch.setattr(InOrder, "BATCH", batch)
    rng = random.Random(batch)
    pieces = [("<row>" + "订单" * rng.randrange(0, 400) + "</row>").encode() * rng.randrange(1, 50) for _ in range(300)]
    pieces[7:7] = [b"", b"x"]  # an empty write, a one-byte one
    with tempfile.TemporaryFile() as file:
        part = compress_to(file, lambda write: [write(p) for p in pieces])
        data = file.read()
    expected, crc = _in_line(pieces)
    assert data == expected and part.crc == crc and part.compress_size == len(data)
    assert part.file_size == sum(map(len, pieces)) and zlib.decompress(data, -15) == b"".join(pieces)
    assert not _deflater_threads()


class _FullDisk:
    """A temporary file whose disk fills after `room` bytes."""

    def __init__(self, room: int):
        self.room, self.file = room, tempfile.TemporaryFile()

    def write(self, data: bytes) -> None:
        self.room -= len(data)
        if self.room < 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.file.write(data)

    def __getattr__(self, name):
        return getattr(self.file, name)


def test_a_full_disk_while_deflating_reaches_the_caller_and_ends_the_thread(monkeypatch):
    monkeypatch.setattr(InOrder, "BATCH", 1)
    written = []

    def produce(write):
        for n in range(200):
            write(random.Random(n).randbytes(50_000))
            written.append(n)

    with pytest.raises(OSError) as info:
        compress_to(_FullDisk(200_000), produce)
    assert info.value.errno == errno.ENOSPC
    assert len(written) < 200  # the writer stops soon after, not at the end
    assert not _deflater_threads()


def test_a_sheet_deflates_while_it_is_made_from_its_first_megabyte_on():
    """The first batch is FIRST_BATCH bytes and each next one twice the last, up to BATCH: a 10k-row
    sheet (9 MB of XML) is no longer deflated only after it is all made."""
    handed, started = [], threading.Event()

    def work(piece: bytes) -> None:
        handed.append(len(piece))
        started.set()

    piece = b"x" * (64 << 10)
    with InOrder(work) as background:
        for _ in range(16):  # 1 MiB: the first batch is handed over
            background.put(piece)
        assert started.wait(10), "nothing was deflated while the sheet was being made"
        for _ in range(47 * 16 - 16):  # 47 MiB in all
            background.put(piece)
    mib = [size >> 20 for size in handed]
    assert mib == [1, 2, 4, 8, 16, 16] and sum(handed) == 47 << 20


def test_a_full_disk_on_the_last_piece_is_raised_on_leaving():
    """Everything fits one batch, so the disk fills in the thread only after the XML is made (the
    caller's own last write goes through): the caller still hears it."""
    class FullInTheThread(_FullDisk):
        def write(self, data: bytes) -> None:
            (super().write if threading.current_thread().name == "shopbook-deflate" else self.file.write)(data)

    with pytest.raises(OSError) as info:
        compress_to(FullInTheThread(10_000), lambda write: write(random.Random(1).randbytes(100_000)))
    assert info.value.errno == errno.ENOSPC
    assert not _deflater_threads()


def test_an_error_making_the_xml_ends_the_thread_and_is_raised_as_it_is():
    def produce(write):
        write(b"<sheetData>")
        raise ValueError("the worksheet ends inside <sheetData>")

    with tempfile.TemporaryFile() as file, pytest.raises(ValueError, match="ends inside"):
        compress_to(file, produce)
    assert not _deflater_threads()


def test_a_disk_filling_while_a_derived_sheet_is_deflated_leaves_the_workbook_untouched(tmp_path, monkeypatch):
    path = xlsx(tmp_path / "订单.xlsx", {"订单": [["订单编号", "订单状态"], ["5000000000000000001", "交易成功"]]})
    before = path.read_bytes()
    monkeypatch.setattr(InOrder, "BATCH", 1)
    # where the patch writer deflates the sheets it writes: a disk with 10 kB left
    monkeypatch.setattr(patch, "tempfile", SimpleNamespace(TemporaryFile=lambda: _FullDisk(10_000)))
    rows = [[f"5{i:018d}", "客服甲" * (i % 7)] for i in range(3000)]
    edit = WorkbookEdit(job="flags", new_sheets=[NewSheet("订单归属", ["订单编号", "客服"], rows)])
    with pytest.raises(UserError) as info:
        apply_edit(path, edit, inplace=True, on_notice=lambda message: None)
    assert info.value.key == "writers.disk_full" and path.read_bytes() == before
    assert openpyxl.load_workbook(path).sheetnames == ["订单"] and not _deflater_threads()


def test_a_sheet_read_ahead_gives_the_pieces_read_in_line_gives(tmp_path):
    data = random.Random(3).randbytes(300_000)
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", data)
    with zipfile.ZipFile(path) as book:
        with book.open("xl/worksheets/sheet1.xml") as part:
            in_line = list(iter(lambda: part.read(7_000), b""))
        with book.open("xl/worksheets/sheet1.xml") as part, ReadAhead(part.read, 7_000) as ahead:
            pieces = list(iter(ahead.read, b""))
            assert ahead.read() == b"" == ahead.read()  # the end stays the end
    assert pieces == in_line and b"".join(pieces) == data
    assert not _deflater_threads()


def test_leaving_early_stops_the_read_ahead_and_a_read_error_reaches_the_caller(tmp_path):
    pieces = iter([b"a" * 10] * 50)
    with ReadAhead(lambda size: next(pieces), 10) as ahead:
        assert ahead.read() == b"a" * 10  # the rewrite stops here (a damaged row, say): the thread must not hang
    assert not _deflater_threads()

    def damaged(size):
        raise zipfile.BadZipFile("Bad CRC-32 for file 'xl/worksheets/sheet1.xml'")

    with ReadAhead(damaged, 10) as ahead, pytest.raises(zipfile.BadZipFile):
        ahead.read()
    with pytest.raises(zipfile.BadZipFile):
        ahead.read()  # and on every read after
    assert not _deflater_threads()


def test_a_rewritten_sheet_is_the_same_read_ahead_or_in_line(tmp_path, monkeypatch):
    from automation.sheets.edit import RowFill

    rows = [["订单编号", "订单状态"], *([f"5{i:018d}", "交易成功" * (i % 5)] for i in range(20_000))]
    path = xlsx(tmp_path / "订单.xlsx", {"订单": rows})
    edit = WorkbookEdit(job="flags", row_fills=[RowFill("订单", r, "F8CBAD", width=2) for r in range(2, 20_002, 7)])
    monkeypatch.setattr(patch, "CHUNK", 4096)  # the sheet read ahead in many small pieces
    ahead = apply_edit(path, edit, on_notice=lambda message: None).read_bytes()
    monkeypatch.setattr(patch, "ReadAhead", _InLine)
    in_line = apply_edit(path, edit, on_notice=lambda message: None).read_bytes()
    with zipfile.ZipFile(io.BytesIO(ahead)) as a, zipfile.ZipFile(io.BytesIO(in_line)) as b:
        assert a.read("xl/worksheets/sheet1.xml") == b.read("xl/worksheets/sheet1.xml")
    book = openpyxl.load_workbook(io.BytesIO(ahead))
    assert book["订单"]["A9"].fill.fgColor.rgb.endswith("F8CBAD") and book["订单"].max_row == 20_001


class _InLine:
    """ReadAhead's stand-in that reads in line, as the writer did before."""

    def __init__(self, read, size):
        self.read = read

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


@given(st.text(alphabet=st.sampled_from(list("ab\"'&<>\n\r\t 中=")), max_size=12) | st.integers() | st.floats(allow_nan=False))
def test_attr_quotes_as_saxutils_does(value):
    """package.attr is quoteattr without importing xml.sax.saxutils (and urllib with it)."""
    from xml.sax.saxutils import quoteattr

    assert package.attr(value) == quoteattr(str(value))
