"""A lossless writer for .xlsx/.xlsm: edit a workbook by rewriting only the zip parts it must.

openpyxl rebuilds a workbook from its own object model and drops what it does not model (text
boxes, sparklines, x14 extensions, note sizes, cached values, customXml…). This package instead
treats the file as the zip of XML parts it is (ECMA-376 Part 2, OPC):

- every part we do not need is copied byte for byte, still compressed (`package.py`);
- the worksheets we mark are streamed row by row; only the rows holding marked cells are
  rewritten, and in them only the `s` (style) attribute or the value we write (`sheetstream.py`);
- new cell styles are appended to styles.xml as copies of the cell's own xf plus our fill
  (`styles.py`); notes merge into the sheet's comments part and legacy VML drawing (`notes.py`);
- the sheets we add are written whole (`newsheet.py`);
- what we changed is recorded in a customXml part of ours (`record.py`), so a re-run first puts
  every cell back exactly as it was and never mistakes a user's sheet for ours.

`patch.apply_patch(source, target, edit)` is the entry point; `automation.sheets.writers` wraps it
with the file semantics (atomic replace, backup, locks).
"""

from .patch import PatchResult, apply_patch, unsupported_format

__all__ = ["PatchResult", "apply_patch", "unsupported_format"]
