"""Reading rich's box tables back from a command's output (shared by the console-output tests)."""

from __future__ import annotations

BODY_START = ("┡", "├")  # the line under a header, or between rows when rich draws row lines
TABLE_END = "└"


def table_rows(output: str) -> list[list[str]]:
    """Every body row of every table in `output`, each cell's wrapped lines joined (whitespace dropped,
    since a wrap replaces a space with a line break). A row starts where its first cell has text."""
    rows: list[list[str]] = []
    in_body = False
    for line in output.splitlines():
        edge = line.lstrip()[:1]
        if edge in BODY_START:
            in_body = True
            continue
        if edge in (TABLE_END, "┏", "┃"):  # a table's end, the next one's top or header
            in_body = False
            continue
        if not in_body or not line.lstrip().startswith("│"):
            continue
        cells = [part.strip() for part in line.strip().strip("│").split("│")]
        if cells[0] or not rows:
            rows.append(cells)
        else:
            rows[-1] = [a + b for a, b in zip(rows[-1], cells)]
    return [["".join(cell.split()) for cell in row] for row in rows]


def squeezed(text: str) -> str:
    return "".join(str(text).split())
