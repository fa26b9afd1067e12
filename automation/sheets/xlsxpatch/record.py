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
from dataclasses import dataclass, field

from .package import (CT_CUSTOM_XML_PROPS, CT_XML, REL_CUSTOM_XML, REL_CUSTOM_XML_PROPS, XML_DECL, Package,
                      add_relationship, ensure_default, ensure_override, free_part_name)

NAMESPACE = "urn:shopbook:marks:1"
_ITEM_ROOT = re.compile(rb"<(?:\w+:)?shopbook\b[^>]*" + re.escape(NAMESPACE.encode()))


@dataclass
class CellRecord:
    orig: int | None  # style index before us (None: no s attribute)
    ours: int | None  # the style we set (None: we did not change the style)
    absent: bool = False  # the cell element did not exist before us
    value: str | None = None  # the cell's XML before we wrote a value (writes only), "" for none
    wrote: bool = False

    def to_json(self) -> list:
        return [self.orig, self.ours, int(self.absent), self.value, int(self.wrote)]

    @classmethod
    def from_json(cls, data: list) -> "CellRecord":
        orig, ours, absent, value, wrote = (list(data) + [None, None, 0, None, 0])[:5]
        return cls(orig, ours, bool(absent), value, bool(wrote))


@dataclass
class NoteRecord:
    shape: str | None  # the VML shape id we added ("" when the note is the user's, extended by us)
    user_text: str | None = None  # the user's <text> element as it was, when we appended to it

    def to_json(self) -> list:
        return [self.shape, self.user_text]


@dataclass
class JobRecord:
    sheets: list[str] = field(default_factory=list)  # sheets this job added (current names)
    cells: dict[str, dict[str, CellRecord]] = field(default_factory=dict)  # sheet -> ref -> record
    notes: dict[str, dict[str, NoteRecord]] = field(default_factory=dict)
    created: dict[str, list[str]] = field(default_factory=dict)  # sheet -> parts we created for its notes
    idmap_blocks: dict[str, list[int]] = field(default_factory=dict)  # sheet -> VML id blocks we added

    def to_json(self) -> dict:
        return {"sheets": self.sheets,
                "cells": {s: _pack_cells(c) for s, c in self.cells.items() if c},
                "notes": {s: {ref: n.to_json() for ref, n in notes.items()} for s, notes in self.notes.items() if notes},
                "created": self.created, "idmap": self.idmap_blocks}

    @classmethod
    def from_json(cls, data: dict) -> "JobRecord":
        return cls(list(data.get("sheets", [])),
                   {s: _unpack_cells(c) for s, c in data.get("cells", {}).items()},
                   {s: {ref: NoteRecord(*n) for ref, n in notes.items()} for s, notes in data.get("notes", {}).items()},
                   {s: list(p) for s, p in data.get("created", {}).items()},
                   {s: list(b) for s, b in data.get("idmap", {}).items()})


def _pack_cells(cells: dict[str, CellRecord]) -> dict:
    """Cells sharing one record (a filled row: same before/after style) are stored once, with their refs."""
    groups: dict[str, list[str]] = {}
    for ref, record in cells.items():
        groups.setdefault(json.dumps(record.to_json(), ensure_ascii=False), []).append(ref)
    return {key: " ".join(refs) for key, refs in groups.items()}


def _unpack_cells(packed: dict) -> dict[str, CellRecord]:
    out = {}
    for key, refs in packed.items():
        record = json.loads(key)
        for ref in refs.split():
            out[ref] = CellRecord.from_json(record)
    return out


@dataclass
class Record:
    jobs: dict[str, JobRecord] = field(default_factory=dict)
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
                return Record(jobs, name)
    return Record()


def write_record(package: Package, record: Record) -> None:
    """Store the record in its customXml part (created the first time, with its properties part)."""
    jobs = {name: job.to_json() for name, job in record.jobs.items() if job.sheets or job.cells or job.notes}
    payload = json.dumps({"version": 1, "jobs": jobs}, ensure_ascii=False, separators=(",", ":"))
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
