"""The edges: every place a sheet lives (files, live Excel, Google Sheets) behind one small interface.

A `SheetSource` hands out the raw cell grid of each sheet, anchored at A1, so row numbers are the
sheet's own. Writers (annotating, new sheets) live beside it in `writers.py`.
"""

from .source import SheetSource, open_source

__all__ = ["SheetSource", "open_source"]
