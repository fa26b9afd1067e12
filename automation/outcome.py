"""What a job reports back when it ends: its name as staff read it, its figures, the files it wrote.

Shared by the places that show a job's result without its own console output: the 控制台 sheet's
status cells (automation/console.py) and the summary table of `shopbook demo`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Outcome:
    job: str  # e.g. 校验, 扣分报表 (already in the current language)
    figures: list[str] = field(default_factory=list)  # short lines: 错误 76，警告 31；刘洋 11 分…
    outputs: list[Path] = field(default_factory=list)

    @property
    def counts(self) -> str:
        """The figures on one line (the console's 结果 cell)."""
        return "；".join(self.figures)
