"""Big sheets are deflated in a thread of their own (`package.compress_to`, `package.InOrder`): the part
is byte for byte what deflating in line gives, whatever the pieces written; an error while deflating
or writing (a full disk) reaches the caller as it always did and leaves no thread behind."""

from __future__ import annotations

import errno
import random
import tempfile
import threading
import zlib
from types import SimpleNamespace

import openpyxl
import pytest

from automation.errors import UserError
from automation.sheets.edit import NewSheet, WorkbookEdit
from automation.sheets.writers import apply_edit
from automation.sheets.xlsxpatch import patch
from automation.sheets.xlsxpatch.package import InOrder, compress_to
from sheet_builders import xlsx


def _in_line(pieces: list[bytes]) -> tuple[bytes, int]:
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    return b"".join([*map(compressor.compress, pieces), compressor.flush()]), zlib.crc32(b"".join(pieces))


def _deflater_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "shopbook-deflate"]


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
