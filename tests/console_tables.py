"""Reading rich's box tables back from a command's output (shared by the console-output tests)."""

from __future__ import annotations


def _cells(line: str) -> list[str]:
    return [part.strip() for part in line.strip().strip("│").split("│")]


def _join(lines: list[list[str]]) -> list[str]:
    """One row's wrapped lines joined cell by cell, whitespace dropped (a wrap turns a space into a break)."""
    return ["".join("".join(parts).split()) for parts in zip(*lines)]


def _table_bodies(output: str) -> list[list[list[list[str]]]]:
    """Each table's body as groups of lines: one group per row line (`├`) drawn, else one group."""
    tables: list[list[list[list[str]]]] = []
    for line in output.splitlines():
        edge = line.lstrip()[:1]
        if edge == "┡":  # under the header: a body starts
            tables.append([[]])
        elif edge == "├" and tables:
            tables[-1].append([])
        elif edge in ("└", "┏", "┃"):
            continue
        elif edge == "│" and tables:
            tables[-1][-1].append(_cells(line))
    return tables


def table_rows(output: str) -> list[list[str]]:
    """Every body row of every table in `output`, each cell's wrapped lines joined. With row lines
    drawn (`show_lines`), a row is what lies between them; else a row starts where its first cell has text."""
    rows: list[list[str]] = []
    for groups in _table_bodies(output):
        if len(groups) > 1:
            rows += [_join(group) for group in groups if group]
            continue
        current: list[list[str]] = []
        for cells in groups[0]:
            if cells[0] and current:
                rows.append(_join(current))
                current = []
            current.append(cells)
        if current:
            rows.append(_join(current))
    return rows


def squeezed(text: str) -> str:
    return "".join(str(text).split())
