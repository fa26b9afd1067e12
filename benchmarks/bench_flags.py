"""`shopbook flags` on a big order sheet (issue 12): read + typing + remark parsing + attribution + the
edit + the written copy, against a bare python-calamine read of the same file measured in the same run.

    python benchmarks/bench_flags.py [--rows 100000] [--repeat 3] [--json out.json]

Same sheet as bench_validate.py (100k x 20, a realistic mix of remarks), each measurement in a fresh
process. Steps: read (the order sheet read and typed in the fields flags reads, of which cells =
fastexcel's Arrow load), parse (remarks), attribute, edit, write (the .flags copy). Target
(issue 12): at 100k, run <= 3x the read and peak RSS <= 512 MiB. `make_orders(path, rows)` and
`run_flags(path)` are the flags case of `python -m benchmarks`; `run(rows, repeat)` measures the steps.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script: python benchmarks/bench_x.py
    sys.path.insert(0, str(HERE.parent))

from benchmarks.bench_validate import against_read, main, make_orders  # noqa: E402,F401  (the same sheet)

CASE = r"""
import automation.courier.arrow as arrow
from automation.commands import flags as command
from automation.sheets.writers import apply_edit
cells, read = arrow.load_cells, command.read_as_columns
parse, attribute, edit = command.read_flags, command.attribute_orders, command.build_edit
arrow.load_cells = lambda *a, **k: step("cells", lambda: cells(*a, **k))
command.read_as_columns = lambda *a, **k: step("read", lambda: read(*a, **k))
command.read_flags = lambda *a, **k: step("parse", lambda: parse(*a, **k))
command.attribute_orders = lambda *a, **k: step("attribute", lambda: attribute(*a, **k))
command.build_edit = lambda *a, **k: step("edit", lambda: edit(*a, **k))
orders, flags, attributions, made = command.run(path)
step("write", lambda: apply_edit(orders.source, made, suffix=".flags", on_notice=lambda m: None))
steps["flagged"] = sum(1 for f in flags if f.remark.flag)
steps["typed"] = len(orders.columns)  # fields typed (flags.FIELDS the sheet has), a count
"""


def run_flags(path: str) -> dict:
    """What `shopbook flags FILE` does: read, parse + attribute, the copy written."""
    from automation.commands.flags import run as flags_run
    from automation.sheets.writers import apply_edit

    _, flags, _, edit = flags_run(path)
    apply_edit(Path(path), edit, suffix=".flags", on_notice=lambda message: None)
    return {"flags": len(flags)}


def run(rows: int, repeat: int = 3, folder: Path | None = None) -> dict:
    """The flags case against the bare read, on bench_validate's sheet."""
    return against_read("flags", CASE, rows, repeat, folder)


if __name__ == "__main__":
    main(case=run)
