"""pytest plugin for the mutation run only (`-p tests.mutation.fast_first` in [tool.mutmut]): a mutant's
tests run fastest first, so that `-x` stops at the cheapest test that kills it. mutmut's fork server
hands the tests over in arbitrary (set) order; the durations are mutmut's own, from the clean run it
measured (mutants/mutmut-stats.json, the working directory of every mutant's pytest)."""

from __future__ import annotations

import json
import math
from pathlib import Path

_durations: dict[str, float] | None = None


def durations() -> dict[str, float]:
    global _durations
    if _durations is None:
        try:
            _durations = json.loads(Path("mutmut-stats.json").read_text("utf-8"))["duration_by_test"]
        except (OSError, ValueError, KeyError):  # stats not collected yet: keep pytest's order
            return {}
    return _durations


def pytest_collection_modifyitems(items) -> None:
    known = durations()
    items.sort(key=lambda item: known.get(item.nodeid, math.inf))
