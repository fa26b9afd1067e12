"""What shopbook changed in a workbook, kept inside the workbook (a customXml part of ours).

The record names the sheets we added and, for every cell we styled, wrote or noted, what it was
before: its style index (or that the cell did not exist), its value, the user's own note text. A
re-run reads it first and puts each cell back, so a user's fill returns once the problem is fixed
and a user's sheet that happens to carry one of our names is never taken for ours. Each job
(validate, flags) has its own section, so one never clears the other's marks.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from .sheetstream import column_index, column_letters
from .package import (CT_CUSTOM_XML_PROPS, CT_XML, REL_CUSTOM_XML, REL_CUSTOM_XML_PROPS, XML_DECL, Package,
                      add_relationship, ensure_default, ensure_override, free_part_name)

NAMESPACE = "urn:shopbook:marks:1"
_REF = re.compile(r"([A-Z]+)(\d+)$")
_ITEM_ROOT = re.compile(rb"<(?:\w+:)?shopbook\b[^>]*" + re.escape(NAMESPACE.encode()))


@dataclass
class CellRecord:
    """One cell shopbook changed, shared by all jobs: what it was, and what each job put there."""

    orig: int | None  # the user's style index (None: no s attribute)
    absent: bool = False  # the cell element did not exist before us
    ours: int | None = None  # the style we set
    fills: dict[str, str] = field(default_factory=dict)  # job -> RRGGBB it wants on this cell
    value: str | None = None  # the user's value before a job wrote one ("" for none)
    wrote_by: str | None = None
    quote: bool = False  # the written text needs quotePrefix

    def to_json(self) -> list:
        return [self.orig, int(self.absent), self.ours, sorted(self.fills.items()), self.value, self.wrote_by, int(self.quote)]

    def copy(self) -> "CellRecord":
        return CellRecord(self.orig, self.absent, self.ours, dict(self.fills), self.value, self.wrote_by, self.quote)

    def key(self) -> tuple:
        return (self.orig, self.absent, self.ours, tuple(sorted(self.fills.items())), self.value, self.wrote_by, self.quote)

    @classmethod
    def from_json(cls, data: list) -> "CellRecord":
        orig, absent, ours, fills, value, wrote_by, quote = (list(data) + [None] * 7)[:7]
        return cls(orig, bool(absent), ours, dict(fills or []), value, wrote_by, bool(quote))


@dataclass
class NoteRecord:
    shape: str | None  # the VML shape id we added ("" when the note is the user's, extended by us)
    user_text: str | None = None  # the user's <text> element as it was, when we appended to it

    def to_json(self) -> list:
        return [self.shape, self.user_text]


@dataclass
class JobRecord:
    sheets: list[str] = field(default_factory=list)  # sheets this job added (current names)
    notes: dict[str, dict[str, NoteRecord]] = field(default_factory=dict)
    created: dict[str, list[str]] = field(default_factory=dict)  # sheet -> parts we created for its notes
    idmap_blocks: dict[str, list[int]] = field(default_factory=dict)  # sheet -> VML id blocks we added

    def to_json(self) -> dict:
        return {"sheets": self.sheets,
                "notes": {s: {ref: n.to_json() for ref, n in notes.items()} for s, notes in self.notes.items() if notes},
                "created": self.created, "idmap": self.idmap_blocks}

    @classmethod
    def from_json(cls, data: dict) -> "JobRecord":
        return cls(list(data.get("sheets", [])),
                   {s: {ref: NoteRecord(*n) for ref, n in notes.items()} for s, notes in data.get("notes", {}).items()},
                   {s: list(p) for s, p in data.get("created", {}).items()},
                   {s: list(b) for s, b in data.get("idmap", {}).items()})


def _pack_cells(cells: dict[tuple[int, int], CellRecord]) -> dict:
    """Cells sharing one record (a filled row: same before/after style) are stored once, with their refs
    in row-major order (so the same marks always give the same bytes)."""
    by_object: dict[int, list[tuple[int, int]]] = defaultdict(list)  # the writer shares records: group by object first
    for position, record in cells.items():
        by_object[id(record)].append(position)
    records = {id(record): record for record in cells.values()}
    groups: dict[tuple, tuple[CellRecord, list[tuple[int, int]]]] = {}
    for key, positions in by_object.items():
        record = records[key]
        groups.setdefault(record.key(), (record, []))[1].extend(positions)
    letters = [column_letters(c) for c in range(max(c for _, c in cells) + 1)] if cells else []
    out = {}
    for record, positions in sorted(groups.values(), key=lambda g: min(g[1])):
        positions.sort()
        out[json.dumps(record.to_json(), ensure_ascii=False)] = " ".join([f"{letters[c]}{r}" for r, c in positions])
    return out


def _unpack_cells(packed: dict) -> dict[tuple[int, int], CellRecord]:
    out = {}
    for key, refs in packed.items():
        record = CellRecord.from_json(json.loads(key))  # one object per group: the writer copies before changing one
        for ref in refs.split():
            m = _REF.match(ref)
            out[(int(m.group(2)), column_index(m.group(1)))] = record
    return out


@dataclass
class Record:
    jobs: dict[str, JobRecord] = field(default_factory=dict)
    cells: dict[str, dict[tuple[int, int], CellRecord]] = field(default_factory=dict)  # sheet -> (row, col) -> record
    dimensions: dict[str, str] = field(default_factory=dict)  # sheet -> its <dimension ref> before we grew it
    spans: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> row -> its spans before we widened them
    part: str | None = None  # where it was read from

    def job(self, name: str) -> JobRecord:
        return self.jobs.setdefault(name, JobRecord())

    def owned_sheets(self) -> set[str]:
        return {s for job in self.jobs.values() for s in job.sheets}


def read_record(package: Package) -> Record:
    for name in package.names():
        if name.startswith("customXml/item") and not name.startswith("customXml/itemProps") and name.endswith(".xml"):
            data = package.read(name)
            if _ITEM_ROOT.search(data[:400]):
                payload = re.search(rb"<!\[CDATA\[(.*?)\]\]>", data, re.S)
                try:
                    parsed = json.loads(payload.group(1)) if payload else {}
                except json.JSONDecodeError:
                    parsed = {}
                jobs = {name_: JobRecord.from_json(job) for name_, job in parsed.get("jobs", {}).items()}
                cells = {sheet: _unpack_cells(packed) for sheet, packed in parsed.get("cells", {}).items()}
                return Record(jobs, cells, dict(parsed.get("dimensions", {})), dict(parsed.get("spans", {})), name)
    return Record()


def write_record(package: Package, record: Record) -> None:
    """Store the record in its customXml part (created the first time, with its properties part)."""
    jobs = {name: job.to_json() for name, job in sorted(record.jobs.items()) if job.sheets or job.notes or job.created}
    cells = {sheet: _pack_cells(c) for sheet, c in sorted(record.cells.items()) if c}
    payload = json.dumps({"version": 1, "jobs": jobs, "cells": cells, "dimensions": dict(sorted(record.dimensions.items())),
                          "spans": {k: dict(sorted(v.items(), key=lambda kv: int(kv[0]))) for k, v in sorted(record.spans.items()) if v}},
                         ensure_ascii=False, separators=(",", ":"))
    data = (XML_DECL + f'<shopbook xmlns="{NAMESPACE}"><![CDATA['.encode() + payload.replace("]]>", "]]\\u003e").encode()
            + b"]]></shopbook>")
    if record.part is not None:
        package.replace(record.part, data)
        return
    item = free_part_name(package, "customXml/item{n}.xml")
    props = item.replace("/item", "/itemProps")
    package.replace(item, data)
    package.replace(props, XML_DECL + (
        f'<ds:datastoreItem ds:itemID="{{{str(uuid.uuid4()).upper()}}}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>').encode())
    add_relationship(package, item, REL_CUSTOM_XML_PROPS, props)
    add_relationship(package, "xl/workbook.xml", REL_CUSTOM_XML, item)
    ensure_default(package, "xml", CT_XML)
    ensure_override(package, props, CT_CUSTOM_XML_PROPS)
    record.part = item


def owned_sheets(path) -> set[str]:
    """The sheets shopbook added to this workbook file (never to be read as the shop's own data)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.startswith("customXml/item") and "Props" not in n]
            if not names:
                return set()
            package = Package(archive)
            return read_record(package).owned_sheets()
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return set()
