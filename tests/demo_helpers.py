"""Shared by tests/test_demo*.py: the demo shop built once per test session."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pytest

from automation.demo import DEFAULT_SEED, Demo, build_demo
from automation.tables import Table, read_tables


SEED = int(os.environ.get("SHOPBOOK_DEMO_TEST_SEED", DEFAULT_SEED))  # try the tests on another month


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Demo:
    return build_demo(tmp_path_factory.mktemp("demo") / "demo-shop", SEED)


@pytest.fixture(scope="session")
def key(demo: Demo) -> dict:
    return json.loads((demo.folder / "answer_key.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=64)
def tables_of(path: Path) -> dict[str, Table]:
    return {t.sheet: t for t in read_tables(path)}


def table(demo: Demo, file: str, sheet: str) -> Table:
    return tables_of(demo.folder / file)[sheet]
