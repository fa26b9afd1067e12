"""Tables on the terminal: every value whole, wrapped inside its cell, never cut to `…`.

rich's default cuts a word wider than its column with an ellipsis, and a Chinese message has no
spaces, so the whole message is one "word": `超过 … 天` lost the number that mattered. Folding
breaks such a word over lines instead; words with spaces still wrap at the spaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.table import Table as RichTable


def wrapping_table(headers: Sequence[str], *, title: str | None = None, right: Iterable[int] = ()) -> RichTable:
    """A table whose cells fold long text instead of cutting it; `right`: the columns (by index) of
    figures, right-aligned. When the terminal is narrow rich narrows the widest columns first."""
    right = set(right)
    grid = RichTable(title=title, show_header=True, header_style="bold")
    for i, head in enumerate(headers):
        grid.add_column(head, justify="right" if i in right else "left", overflow="fold", no_wrap=False)
    return grid


def numeric(text: str) -> bool:
    """A figure as we print it (`1,234.50`, `+2`, `—`): right-aligned in its column."""
    return text.replace(",", "").replace(".", "").replace("%", "").lstrip("+-").isdigit() or text in ("", "—")


def figures_table(title: str | None, headers: Sequence[str], rows: list[list[str]]) -> RichTable:
    """Headers and rows of text; a column whose every value is a figure is right-aligned."""
    right = [i for i in range(1, len(headers)) if all(numeric(r[i]) for r in rows)]
    grid = wrapping_table(headers, title=title, right=right)
    for row in rows:
        grid.add_row(*row)
    return grid
