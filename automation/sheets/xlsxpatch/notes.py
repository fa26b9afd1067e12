"""Notes (legacy comments) merged into a sheet's comments part and its VML drawing.

A note is two things (field notes): `<comment>` in xl/commentsN.xml and a `<v:shape>` in the
sheet's VML drawing, which also holds form buttons. Both are edited as text: existing notes,
shapes and buttons stay as they are; ours are appended, with shape ids from a new `o:idmap` block
so they never collide with anyone's; and removed again, exactly, on the next run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .package import (CT_COMMENTS, CT_VML, REL_COMMENTS, REL_VML, XML_DECL, NS_MAIN, NS_REL, Package,
                      add_relationship, ensure_default, ensure_override, free_part_name, insert_before_close,
                      remove_default, remove_override, remove_relationship)
from ..edit import NOTE_AUTHOR, NOTE_SEPARATOR
from .record import JobRecord, NoteRecord
from .sheetstream import column_letters, xml_text

AUTHOR, SEPARATOR = NOTE_AUTHOR, NOTE_SEPARATOR
_COMMENT = re.compile(rb"<((?:\w+:)?comment)\b([^>]*?)(?:/>|>(.*?)</\1\s*>)", re.S)
_REF = re.compile(rb'\bref="([A-Z]+)(\d+)"')
_TEXT = re.compile(rb"<((?:\w+:)?text)\b[^>]*?(?:/>|>.*?</\1\s*>)", re.S)
_SHAPE_ID = re.compile(rb'<v:shape\b[^>]*?\bid="_x0000_s(\d+)"')
_IDMAP = re.compile(rb'(<o:idmap\b[^>]*?\bdata=")([^"]*)(")')
_SUCCESSORS = (b"legacyDrawingHF", b"drawingHF", b"picture", b"oleObjects", b"controls", b"webPublishItems",
               b"tableParts", b"extLst")  # what follows <legacyDrawing> in CT_Worksheet (ECMA-376 Part 1, 18.3.1.99)
SHAPETYPE = (b'<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
             b'<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')
DEFAULT_VML = "[Default vml]"  # in a job's created list: we declared the .vml content type
NOTE_SIZE_PT = (240, 96)  # width, height: room for code, message and fix


@dataclass
class SheetNotes:
    """The notes parts of one sheet, loaded for editing."""

    sheet_part: str
    comments_part: str | None = None
    vml_part: str | None = None
    vml_rid: str | None = None
    comments: bytes | None = None
    vml: bytes | None = None
    threaded_refs: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, package: Package, sheet_part: str, sheet_xml_tail: bytes) -> "SheetNotes":
        notes = cls(sheet_part)
        legacy = re.search(rb'<(?:\w+:)?legacyDrawing\b[^>]*?\b(?:\w+:)?id="([^"]+)"', sheet_xml_tail)
        for rel in package.relationships(sheet_part):
            target = package.resolve(sheet_part, rel.target)
            if rel.type == REL_COMMENTS and package.has(target):
                notes.comments_part, notes.comments = target, package.read(target)
            elif rel.type == REL_VML and legacy and rel.id == legacy.group(1).decode() and package.has(target):
                notes.vml_part, notes.vml, notes.vml_rid = target, package.read(target), rel.id
            elif rel.type.endswith("/threadedComment") and package.has(target):
                notes.threaded_refs = {m.decode() for m in re.findall(rb'\bref="([A-Z]+\d+)"', package.read(target))}
        return notes

    # ---- cleaning up a previous run ----------------------------------------------------------------------
    def remove_ours(self, job: JobRecord, sheet: str) -> None:
        for ref, note in job.notes.get(sheet, {}).items():
            if note.user_text is not None:
                self._restore_user_text(ref, note.user_text.encode())
            else:
                self._drop_comment(ref)
                if note.shape and self.vml is not None:
                    self.vml = re.sub(rb'<v:shape\b[^>]*?\bid="' + re.escape(note.shape.encode()) + rb'".*?</v:shape>\s*',
                                      b"", self.vml, count=1, flags=re.S)
        if self.vml is not None:
            for block in job.idmap_blocks.get(sheet, []):
                self.vml = _IDMAP.sub(lambda m: m.group(1) + _without_block(m.group(2), block) + m.group(3), self.vml, count=1)
        job.notes.pop(sheet, None)
        job.idmap_blocks.pop(sheet, None)
        self._drop_unused_author()

    def _drop_unused_author(self) -> None:
        """Our author entry goes when no note uses it any more (it is always the last one: we add it last)."""
        if self.comments is None:
            return
        authors = re.findall(rb"<(?:\w+:)?author\b[^>]*>.*?</(?:\w+:)?author\s*>", self.comments, re.S)
        if not authors or not re.search(rb">" + re.escape(AUTHOR.encode()) + rb"<", authors[-1]):
            return
        ours = len(authors) - 1
        if re.search(rb'\bauthorId="' + str(ours).encode() + rb'"', self.comments):
            return
        at = self.comments.rfind(authors[-1])
        self.comments = self.comments[:at] + self.comments[at + len(authors[-1]):]

    def _comment_spans(self) -> dict[str, re.Match]:
        return {(_REF.search(m.group(2)).group(1) + _REF.search(m.group(2)).group(2)).decode(): m
                for m in _COMMENT.finditer(self.comments or b"") if _REF.search(m.group(2))}

    def _restore_user_text(self, ref: str, text: bytes) -> None:
        found = self._comment_spans().get(ref)
        if found is None:
            return
        whole = found.group(0)
        self.comments = self.comments.replace(whole, _TEXT.sub(lambda _: text, whole, count=1), 1)

    def _drop_comment(self, ref: str) -> None:
        found = self._comment_spans().get(ref)
        if found is not None:
            self.comments = self.comments[:found.start()] + self.comments[found.end():]

    # ---- adding ours -------------------------------------------------------------------------------------
    def add(self, package: Package, job: JobRecord, sheet: str, notes: dict[tuple[int, int], str]) -> None:
        """Our notes at (row, col), after the user's own text where the cell has a note already."""
        if not notes:
            return
        self._ensure_parts(package, job, sheet)
        author_id = self._author_id()
        existing = self._comment_spans()
        shapes = []
        new_comments = []
        ids = _ShapeIds(package, self, job, sheet)
        recorded = job.notes.setdefault(sheet, {})
        for (row, col), message in sorted(notes.items()):
            ref = f"{column_letters(col)}{row}"
            if ref in self.threaded_refs:
                continue  # Excel keeps one kind per cell; a threaded comment stays alone
            if ref in existing:
                whole = existing[ref].group(0)
                text_el = _TEXT.search(whole)
                if text_el is None:
                    continue
                recorded[ref] = NoteRecord("", text_el.group(0).decode())
                self.comments = self.comments.replace(whole, whole.replace(text_el.group(0), _append_run(text_el.group(0), message), 1), 1)
                continue
            shape_id = ids.next()
            recorded[ref] = NoteRecord(f"_x0000_s{shape_id}")
            new_comments.append(f'<comment ref="{ref}" authorId="{author_id}"><text>{_run(message)}</text></comment>'.encode())
            shapes.append(_shape(shape_id, row, col))
        if new_comments:
            self.comments = insert_before_close(self.comments, b"commentList", b"".join(new_comments))
        if shapes:
            self.vml = _insert_shapes(self.vml, b"".join(shapes))

    def _author_id(self) -> int:
        authors = re.search(rb"<(?:\w+:)?authors\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?authors\s*>)", self.comments, re.S)
        names = re.findall(rb"<(?:\w+:)?author\b[^>]*>(.*?)</(?:\w+:)?author\s*>", authors.group(1) or b"", re.S) if authors else []
        if AUTHOR.encode() in names:
            return names.index(AUTHOR.encode())
        self.comments = insert_before_close(self.comments, b"authors", f"<author>{AUTHOR}</author>".encode())
        return len(names)

    def _ensure_parts(self, package: Package, job: JobRecord, sheet: str) -> None:
        created = job.created.setdefault(sheet, [])
        if self.comments is None:
            self.comments_part = free_part_name(package, "xl/comments{n}.xml")
            self.comments = XML_DECL + f'<comments xmlns="{NS_MAIN}"><authors/><commentList/></comments>'.encode()
            add_relationship(package, self.sheet_part, REL_COMMENTS, self.comments_part)
            ensure_override(package, self.comments_part, CT_COMMENTS)
            created.append(self.comments_part)
        if self.vml is None:
            self.vml_part = free_part_name(package, "xl/drawings/vmlDrawing{n}.vml")
            self.vml = (b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
                        b'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
                        b'<o:idmap v:ext="edit" data=""/></o:shapelayout>' + SHAPETYPE + b"</xml>")
            self.vml_rid = add_relationship(package, self.sheet_part, REL_VML, self.vml_part)
            created.append(self.vml_part)
            if ensure_default(package, "vml", CT_VML):
                created.append(DEFAULT_VML)
        elif b'id="_x0000_t202"' not in self.vml:
            self.vml = _insert_shapes(self.vml, SHAPETYPE)

    # ---- writing back ------------------------------------------------------------------------------------
    def save(self, package: Package, job: JobRecord, sheet: str) -> None:
        """Write the edited parts; parts we created and no longer need are removed whole."""
        created = job.created.get(sheet, [])
        empty = self.comments is not None and not _COMMENT.search(self.comments)
        if empty and self.comments_part in created:
            self._remove_created(package, created)
            job.created.pop(sheet, None)
            return
        if self.comments is not None and self.comments_part:
            package.replace(self.comments_part, self.comments)
        if self.vml is not None and self.vml_part:
            package.replace(self.vml_part, self.vml)

    def _remove_created(self, package: Package, created: list[str]) -> None:
        for part in created:
            if part == DEFAULT_VML:
                continue
            for rel in package.relationships(self.sheet_part):
                if package.resolve(self.sheet_part, rel.target) == part:
                    remove_relationship(package, self.sheet_part, rel.id)
            remove_override(package, part)
            package.remove(part)
        if DEFAULT_VML in created and not any(n.endswith(".vml") for n in package.names()):
            remove_default(package, "vml", CT_VML)
        self.comments = self.vml = None

    def legacy_drawing_tail(self, tail: bytes, removed_rid: str | None, added_rid: str | None) -> bytes:
        """The sheet's tail with <legacyDrawing> added (in schema order) or removed."""
        if removed_rid:
            tail = re.sub(rb'<(?:\w+:)?legacyDrawing\b[^>]*?"' + re.escape(removed_rid.encode()) + rb'"[^>]*/>', b"", tail)
        if added_rid and not re.search(rb"<(?:\w+:)?legacyDrawing\b", tail):
            prefix = re.search(rb"</(\w+:)?worksheet\s*>", tail)
            p = (prefix.group(1) or b"") if prefix else b""
            # the r prefix is declared on the element itself: the sheet's root may not declare it
            element = b"<" + p + b'legacyDrawing xmlns:r="' + NS_REL.encode() + b'" r:id="' + added_rid.encode() + b'"/>'
            for name in _SUCCESSORS:
                found = re.search(rb"<(?:\w+:)?" + name + rb"\b", tail)
                if found:
                    return tail[:found.start()] + element + tail[found.start():]
            close = prefix.start() if prefix else len(tail)
            return tail[:close] + element + tail[close:]
        return tail


class _ShapeIds:
    """Shape ids for our notes: in idmap blocks (1024 ids each) that no drawing of the workbook uses."""

    def __init__(self, package: Package, notes: SheetNotes, job: JobRecord, sheet: str):
        used_blocks: set[int] = set()
        used_ids: set[int] = set()
        for name in package.names():
            if name.endswith(".vml"):
                data = notes.vml if name == notes.vml_part else package.read(name)
                used_ids |= {int(i) for i in _SHAPE_ID.findall(data)}
                for found in _IDMAP.finditer(data):
                    used_blocks |= {int(b) for b in re.findall(rb"\d+", found.group(2))}
        if notes.vml is not None and notes.vml_part not in package.names():
            used_ids |= {int(i) for i in _SHAPE_ID.findall(notes.vml)}
        used_blocks |= {i // 1024 for i in used_ids}
        self.notes, self.job, self.sheet = notes, job, sheet
        self.used_blocks, self.used_ids = used_blocks, used_ids
        self.block, self.offset = None, 1024

    def next(self) -> int:
        while self.block is None or self.offset >= 1024 or self.block * 1024 + self.offset in self.used_ids:
            if self.block is None or self.offset >= 1024:
                self.block = max(self.used_blocks | {0}) + 1
                self.used_blocks.add(self.block)
                self.offset = 1
                self.job.idmap_blocks.setdefault(self.sheet, []).append(self.block)
                self.notes.vml = _add_block(self.notes.vml, self.block)
            else:
                self.offset += 1
        shape = self.block * 1024 + self.offset
        self.offset += 1
        return shape


def _add_block(vml: bytes, block: int) -> bytes:
    found = _IDMAP.search(vml)
    if found is None:
        layout = b'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="%d"/></o:shapelayout>' % block
        return _insert_shapes(vml, layout, first=True)
    data = found.group(2)
    new = (data + b"," if data.strip() else b"") + str(block).encode()
    return vml[:found.start(2)] + new + vml[found.end(2):]


def _without_block(data: bytes, block: int) -> bytes:
    return b",".join(b for b in data.split(b",") if b.strip() and int(b) != block)


def _insert_shapes(vml: bytes, shapes: bytes, first: bool = False) -> bytes:
    if first:
        opened = re.search(rb"<xml\b[^>]*>", vml)
        return vml[:opened.end()] + shapes + vml[opened.end():] if opened else shapes + vml
    close = vml.rfind(b"</xml>")
    return vml[:close] + shapes + vml[close:] if close >= 0 else vml + shapes


def _run(message: str) -> str:
    return (f'<r><rPr><sz val="9"/><rFont val="宋体"/><charset val="134"/></rPr>'
            f'<t xml:space="preserve">{xml_text(message)}</t></r>')


def _append_run(text_element: bytes, message: str) -> bytes:
    """The user's note text with ours after the separator, as one more run (their runs untouched)."""
    tag = re.match(rb"<((?:\w+:)?text)\b", text_element).group(1)
    if text_element.endswith(b"/>"):
        return b"<" + tag + b">" + _run(SEPARATOR.lstrip("\n") + message).encode() + b"</" + tag + b">"
    inner_start = text_element.index(b">") + 1
    inner = text_element[inner_start:-len(b"</" + tag + b">")]
    if not re.search(rb"<(?:\w+:)?r\b", inner):  # plain <t>: make it a run so ours can follow
        inner = b"<r>" + inner + b"</r>"
    return text_element[:inner_start] + inner + _run(SEPARATOR + message).encode() + b"</" + tag + b">"


def _shape(shape_id: int, row: int, col: int) -> bytes:
    width, height = NOTE_SIZE_PT
    anchor = f"{col + 1}, 15, {max(row - 2, 0)}, 10, {col + 5}, 15, {max(row - 2, 0) + 6}, 4"
    return (f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;'
            f'margin-top:2pt;width:{width}pt;height:{height}pt;z-index:{shape_id % 1024};visibility:hidden" '
            'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            f'<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{anchor}</x:Anchor>'
            f'<x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row><x:Column>{col}</x:Column></x:ClientData>'
            '</v:shape>').encode()
