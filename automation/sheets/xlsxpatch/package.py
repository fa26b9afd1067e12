"""The workbook as an OPC package: parts, content types, relationships, sheets; and a zip writer
that copies untouched parts still compressed, byte for byte."""

from __future__ import annotations

import posixpath
import queue
import re
import shutil
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_WORKSHEET = NS_REL + "/worksheet"
REL_COMMENTS = NS_REL + "/comments"
REL_VML = NS_REL + "/vmlDrawing"
REL_CUSTOM_XML = NS_REL + "/customXml"
REL_CUSTOM_XML_PROPS = NS_REL + "/customXmlProps"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_CUSTOM_XML_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
CT_XML = "application/xml"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class PackageError(Exception):
    """The file is not a workbook this writer can edit (the caller turns it into a UserError)."""

    def __init__(self, key: str, detail: str = ""):
        super().__init__(key, detail)
        self.key, self.detail = key, detail


@dataclass
class Relationship:
    id: str
    type: str
    target: str  # as written (relative to the source part's folder, or absolute with a leading /)
    mode: str | None = None  # TargetMode="External"


@dataclass
class Sheet:
    name: str
    sheet_id: int
    rel_id: str
    part: str  # zip name, e.g. xl/worksheets/sheet1.xml
    kind: str  # worksheet, chartsheet, dialogsheet…


@dataclass
class Package:
    """Read access to the source zip, plus the parts a patch replaces or adds (by zip name)."""

    zip: zipfile.ZipFile
    replaced: dict[str, bytes] = field(default_factory=dict)
    streamed: dict[str, "CompressedPart"] = field(default_factory=dict)  # rewritten worksheets, deflated already
    removed: set[str] = field(default_factory=set)
    touched: dict[str, None] = field(default_factory=dict)  # replaced or streamed parts in the order first given

    @classmethod
    def open(cls, path) -> "Package":
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise PackageError("not_zip", str(exc)) from exc
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            archive.close()
            raise PackageError("damaged", "xl/workbook.xml" if "[Content_Types].xml" in names else "[Content_Types].xml")
        return cls(archive)

    def close(self) -> None:
        self.zip.close()

    # ---- reading ----------------------------------------------------------------------------------
    def has(self, name: str) -> bool:
        if name in self.removed:
            return False
        return name in self.replaced or name in self.streamed or name in self._names

    @property
    def _names(self) -> set[str]:
        if not hasattr(self, "_name_set"):
            self._name_set = set(self.zip.namelist())
        return self._name_set

    def read(self, name: str) -> bytes:
        if name in self.replaced:
            return self.replaced[name]
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise PackageError("damaged", name) from exc

    def names(self) -> list[str]:
        original = [n for n in self.zip.namelist() if n not in self.removed]
        added = [n for n in self.touched if n not in self._names and (n in self.replaced or n in self.streamed)]
        return original + added

    def rels_name(self, part: str) -> str:
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def relationships(self, part: str) -> list[Relationship]:
        name = self.rels_name(part)
        if not self.has(name):
            return []
        root = ET.fromstring(self.read(name))
        return [Relationship(r.get("Id"), r.get("Type"), r.get("Target"), r.get("TargetMode"))
                for r in root.iter(f"{{{NS_PKG_REL}}}Relationship")]

    @staticmethod
    def resolve(source_part: str, target: str) -> str:
        if target.startswith("/"):
            return target[1:]
        return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))

    @staticmethod
    def relative(source_part: str, target_part: str) -> str:
        return posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")

    def main_namespace(self) -> str:
        head = self.read("xl/workbook.xml")[:2000]
        return NS_STRICT if NS_STRICT.encode() in head and NS_MAIN.encode() not in head else NS_MAIN

    def sheets(self) -> list[Sheet]:
        root = ET.fromstring(self.read("xl/workbook.xml"))
        rels = {r.id: r for r in self.relationships("xl/workbook.xml")}
        out = []
        for node in root.iter(f"{{{NS_MAIN}}}sheet"):
            rel = rels.get(node.get(f"{{{NS_REL}}}id"))
            if rel is None:
                continue
            out.append(Sheet(node.get("name"), int(node.get("sheetId")), rel.id,
                             self.resolve("xl/workbook.xml", rel.target), rel.type.rsplit("/", 1)[-1]))
        return out

    def date1904(self) -> bool:
        return bool(re.search(rb'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"', self.read("xl/workbook.xml")))

    # ---- writing ----------------------------------------------------------------------------------
    def replace(self, name: str, data: bytes) -> None:
        self.removed.discard(name)
        self.streamed.pop(name, None)
        self.replaced[name] = data
        self.touched.setdefault(name)

    def stream(self, name: str, part: "CompressedPart") -> None:
        self.removed.discard(name)
        self.replaced.pop(name, None)
        self.streamed[name] = part
        self.touched.setdefault(name)

    def remove(self, name: str) -> None:
        self.replaced.pop(name, None)
        self.streamed.pop(name, None)
        if name in self._names:
            self.removed.add(name)

    def save(self, out) -> None:
        """Write the patched package to a binary file object: original order, untouched parts raw."""
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as dest:
            for name in self.names():
                if name in self.streamed:
                    write_compressed(dest, self._info(name), self.streamed[name])
                elif name in self.replaced:
                    dest.writestr(self._info(name), self.replaced[name], compresslevel=6)
                else:
                    copy_raw(self.zip, self.zip.getinfo(name), dest)

    def _info(self, name: str) -> zipfile.ZipInfo:
        if name in self._names:
            old = self.zip.getinfo(name)
            info = zipfile.ZipInfo(name, date_time=old.date_time)
            info.external_attr = old.external_attr
        else:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        return info


def copy_raw(source: zipfile.ZipFile, info: zipfile.ZipInfo, dest: zipfile.ZipFile) -> None:
    """Copy one member's compressed bytes as they are: no decompression, same CRC, same content.

    zipfile has no public raw copy; this writes the local header and data the way
    `ZipFile.writestr` does, with the source's sizes and CRC."""
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type, new.CRC = info.compress_type, info.CRC
    new.compress_size, new.file_size = info.compress_size, info.file_size
    new.external_attr, new.internal_attr, new.extra = info.external_attr, info.internal_attr, b""
    new.flag_bits = info.flag_bits & ~0x08 & ~0x01  # sizes go in the local header (no data descriptor)
    new.create_system, new.create_version, new.extract_version = info.create_system, info.create_version, info.extract_version
    if info.flag_bits & 0x01:
        raise PackageError("encrypted", info.filename)
    with source.open(info) as _:  # validates the member header before copying its bytes
        pass
    source.fp.seek(info.header_offset)
    header = source.fp.read(zipfile.sizeFileHeader)
    name_len, extra_len = int.from_bytes(header[26:28], "little"), int.from_bytes(header[28:30], "little")
    source.fp.seek(info.header_offset + zipfile.sizeFileHeader + name_len + extra_len)
    dest._writecheck(new)
    dest._didModify = True
    new.header_offset = dest.fp.tell()
    zip64 = new.file_size > zipfile.ZIP64_LIMIT or new.compress_size > zipfile.ZIP64_LIMIT
    dest.fp.write(new.FileHeader(zip64))
    remaining = info.compress_size
    while remaining:
        chunk = source.fp.read(min(remaining, 1 << 20))
        if not chunk:
            raise PackageError("damaged", info.filename)
        dest.fp.write(chunk)
        remaining -= len(chunk)
    dest.filelist.append(new)
    dest.NameToInfo[new.filename] = new
    dest.start_dir = dest.fp.tell()


# ---- small XML text helpers (string-level edits keep every other byte of a part as it was) -------------

_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def attr(value: object) -> str:
    """`xml.sax.saxutils.quoteattr(str(value))`, without importing it: saxutils pulls in urllib.request,
    http.client and email (~30 ms of every command's start)."""
    text = str(value).translate(_ATTR_ESCAPES)
    if '"' not in text:
        return f'"{text}"'
    return f"'{text}'" if "'" not in text else '"' + text.replace('"', "&quot;") + '"'


def add_relationship(package: Package, part: str, rel_type: str, target_part: str) -> str:
    """Add a relationship from `part` to `target_part`; returns its new rId."""
    name = package.rels_name(part)
    existing = package.read(name) if package.has(name) else None
    ids = set(re.findall(rb'Id="([^"]+)"', existing or b""))
    n = 1
    while f"rId{n}".encode() in ids:
        n += 1
    rid = f"rId{n}"
    rel = f'<Relationship Id="{rid}" Type="{rel_type}" Target={attr(package.relative(part, target_part))}/>'.encode()
    if existing is None:
        data = XML_DECL + f'<Relationships xmlns="{NS_PKG_REL}">'.encode() + rel + b"</Relationships>"
    else:
        data = insert_before_close(existing, b"Relationships", rel)
    package.replace(name, data)
    return rid


def remove_relationship(package: Package, part: str, rid: str) -> None:
    name = package.rels_name(part)
    if not package.has(name):
        return
    data = re.sub(rb'<Relationship\b[^>]*\bId="' + re.escape(rid.encode()) + rb'"[^>]*/>', b"", package.read(name))
    if not re.search(rb"<Relationship\b", data):
        package.remove(name)
    else:
        package.replace(name, data)


def insert_before_close(data: bytes, tag: bytes, insert: bytes) -> bytes:
    """Insert before `</tag>` (any prefix); expands a self-closed `<tag/>`."""
    close = re.search(rb"</(?:\w+:)?" + tag + rb"\s*>", data)
    if close:
        return data[:close.start()] + insert + data[close.start():]
    empty = re.search(rb"<((?:\w+:)?" + tag + rb")\b([^>]*?)/>", data)
    if empty is None:
        raise PackageError("damaged", tag.decode())
    return data[:empty.start()] + b"<" + empty.group(1) + empty.group(2) + b">" + insert + b"</" + empty.group(1) + b">" + data[empty.end():]


def ensure_override(package: Package, part: str, content_type: str) -> None:
    data = package.read("[Content_Types].xml")
    if re.search(rb'PartName="/' + re.escape(part.encode()) + rb'"', data):
        return
    override = f'<Override PartName="/{part}" ContentType="{content_type}"/>'.encode()
    package.replace("[Content_Types].xml", insert_before_close(data, b"Types", override))


def ensure_default(package: Package, extension: str, content_type: str) -> bool:
    """Declare a content type for an extension; True when it had to be added."""
    data = package.read("[Content_Types].xml")
    if re.search(rb'<Default\b[^>]*Extension="' + re.escape(extension.encode()) + rb'"', data, re.IGNORECASE):
        return False
    default = f'<Default Extension="{extension}" ContentType="{content_type}"/>'.encode()
    package.replace("[Content_Types].xml", insert_before_close(data, b"Types", default))
    return True


def remove_default(package: Package, extension: str, content_type: str) -> None:
    data = package.read("[Content_Types].xml")
    default = f'<Default Extension="{extension}" ContentType="{content_type}"/>'.encode()
    if default in data:
        package.replace("[Content_Types].xml", data.replace(default, b"", 1))


def remove_override(package: Package, part: str) -> None:
    data = package.read("[Content_Types].xml")
    new = re.sub(rb'<Override\b[^>]*PartName="/' + re.escape(part.encode()) + rb'"[^>]*/>', b"", data)
    if new != data:
        package.replace("[Content_Types].xml", new)


def free_part_name(package: Package, pattern: str) -> str:
    """The first unused name like xl/comments{n}.xml."""
    n = 1
    while package.has(pattern.format(n=n)):
        n += 1
    return pattern.format(n=n)



@dataclass
class CompressedPart:
    """A part already deflated into a temporary file (a streamed worksheet), copied into the zip as is."""

    file: object
    crc: int
    compress_size: int
    file_size: int


def compress_to(file, produce) -> CompressedPart:
    """Run `produce(write)` and deflate what it writes into `file` (raw deflate, as zip stores it).

    The deflating (with its CRC and the file writes) runs in a thread of its own, a piece at a time
    in the order written: zlib releases the GIL, so on a second core it overlaps the Python that
    makes the XML (a 100k-row flags run deflates ~140 MB of sheets). The bytes are the ones deflating
    in line gives; `write` takes bytes, never to be changed after."""
    # level 1: a rewritten 86 MB sheet deflates in 0.3 s instead of 1.4 s, for an 18 % larger part
    # (the rest of the zip is copied as it was compressed; Excel recompresses on its next save)
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    state = {"crc": 0, "size": 0, "csize": 0}

    def deflate(data: bytes) -> None:
        state["crc"] = zlib.crc32(data, state["crc"])
        state["size"] += len(data)
        out = compressor.compress(data)
        state["csize"] += len(out)
        file.write(out)

    with InOrder(deflate) as background:
        produce(background.put)
    tail = compressor.flush()
    file.write(tail)
    state["csize"] += len(tail)
    file.seek(0)
    return CompressedPart(file, state["crc"], state["csize"], state["size"])


class InOrder:
    """`work(piece)` for every piece `put`, in order, in a thread of its own (at most DEPTH pieces
    waiting, so memory stays a few chunks). Leaving the `with` waits for the last piece; an error of
    `work` is raised in the caller (at the next `put`, or on leaving)."""

    DEPTH, FIRST_BATCH, BATCH = 2, 1 << 20, 16 << 20

    def __init__(self, work):
        self.work, self.error = work, None
        self.batch: list[bytes] = []
        self.size = 0
        self.limit = min(self.FIRST_BATCH, self.BATCH)
        self.pieces: queue.Queue = queue.Queue(self.DEPTH)
        self.thread = threading.Thread(target=self._run, name="shopbook-deflate", daemon=True)

    def __enter__(self) -> "InOrder":
        self.thread.start()
        return self

    def put(self, piece: bytes) -> None:
        """Pieces are handed over in batches of FIRST_BATCH bytes, doubling up to BATCH: each hand-over
        makes the thread take the GIL a few times, and on a busy machine a thread holding it may wait
        for a core; yet a sheet of one batch is deflated only after it is made (at 10k rows, 9 MB of
        XML: 0.05 s waited on), so the first batches are small."""
        if self.error is not None:
            raise self.error
        if piece:
            self.batch.append(piece)
            self.size += len(piece)
            if self.size >= self.limit:
                self._hand_over()
                self.limit = min(self.limit * 2, self.BATCH)

    def _hand_over(self) -> None:
        if self.batch:
            self.pieces.put(b"".join(self.batch))
            self.batch, self.size = [], 0

    def _run(self) -> None:
        while (piece := self.pieces.get()) is not None:
            if self.error is None:
                try:
                    self.work(piece)
                except BaseException as exc:  # handed to the caller's thread
                    self.error = exc

    def __exit__(self, kind, value, trace) -> None:
        if kind is None:
            self._hand_over()
        self.pieces.put(None)
        self.thread.join()
        if kind is None and self.error is not None:
            raise self.error


class ReadAhead:
    """A part's `read(size)` done in a thread of its own, a piece or two ahead of the caller: zlib
    releases the GIL, so on a second core inflating a big sheet overlaps the Python rewriting it.
    The caller gets the same pieces in the same order (b"" at the end); an error reading is raised
    in the caller. Leaving the `with` stops the thread, whether or not everything was read."""

    DEPTH = 2

    def __init__(self, read, size: int):
        self.pieces: queue.Queue = queue.Queue(self.DEPTH)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(read, size), name="shopbook-inflate", daemon=True)

    def __enter__(self) -> "ReadAhead":
        self.thread.start()
        return self

    def _run(self, read, size: int) -> None:
        while not self.stop.is_set():
            try:
                piece = read(size)
            except BaseException as exc:  # handed to the caller's thread
                piece = exc
            while not self._offer(piece):
                if self.stop.is_set():
                    return
            if not isinstance(piece, bytes) or not piece:
                return

    def _offer(self, piece) -> bool:
        try:
            self.pieces.put(piece, timeout=0.1)
            return True
        except queue.Full:
            return False

    def read(self, size: int | None = None) -> bytes:
        """The next piece (of the size the thread reads, whatever `size` is asked)."""
        piece = self.pieces.get()
        if not isinstance(piece, bytes):
            self.pieces.put(piece)  # every later read raises it too
            raise piece
        if not piece:
            self.pieces.put(piece)  # the end stays the end
        return piece

    def __exit__(self, kind, value, trace) -> None:
        self.stop.set()
        while self.thread.is_alive():
            try:
                self.pieces.get(timeout=0.1)  # a thread waiting to hand over a piece can see the stop
            except queue.Empty:
                pass
        self.thread.join()


def write_compressed(dest: zipfile.ZipFile, info: zipfile.ZipInfo, part: CompressedPart) -> None:
    info.compress_type, info.CRC = zipfile.ZIP_DEFLATED, part.crc
    info.compress_size, info.file_size = part.compress_size, part.file_size
    info.flag_bits = 0
    dest._writecheck(info)
    dest._didModify = True
    info.header_offset = dest.fp.tell()
    zip64 = info.file_size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT
    dest.fp.write(info.FileHeader(zip64))
    shutil.copyfileobj(part.file, dest.fp, 1 << 20)
    dest.filelist.append(info)
    dest.NameToInfo[info.filename] = info
    dest.start_dir = dest.fp.tell()
