"""Shared fixtures: LibreOffice headless (never silently skipped in CI), CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner


@pytest.fixture(autouse=True, scope="session")
def _demo_cache_of_the_session(tmp_path_factory):
    """Generated demo shops are kept for this session only (automation.demo.cache), never in the
    user's cache folder; later `shopbook demo` runs of the session copy them, as a user's second run does."""
    from automation.demo.cache import DIR_ENV

    before = os.environ.get(DIR_ENV)
    os.environ[DIR_ENV] = str(tmp_path_factory.mktemp("demo-cache"))
    yield
    if before is None:
        os.environ.pop(DIR_ENV, None)
    else:
        os.environ[DIR_ENV] = before


@pytest.fixture(autouse=True)
def _default_language(monkeypatch):
    """Every test starts in the default language; `--lang en` in one test never leaks into the next."""
    from automation.i18n import set_lang

    monkeypatch.delenv("SHOPBOOK_LANG", raising=False)
    set_lang(None)
    yield
    set_lang(None)


@pytest.fixture(autouse=True)
def _fresh_read_cache():
    """What one test read, computed or drew is never another test's run (automation.sheetcache,
    automation.runcache and the drawn charts live per process)."""
    yield
    for name, forget in (("automation.sheetcache", "forget_all"), ("automation.runcache", "forget_all"),
                         ("automation.sales.charts", "forget_drawn")):
        module = sys.modules.get(name)
        if module is not None:
            getattr(module, forget)()


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def soffice_convert(tmp_path_factory):
    """Convert a file with LibreOffice headless: `soffice_convert(path, "csv") -> Path`.

    Skipped when LibreOffice is missing on a developer's machine; in CI (CI set) that is a failure,
    because .ci/run installs it.
    """
    binary = _soffice()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing in CI: .ci/run must install libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed")

    def convert(path: Path | list[Path], fmt: str) -> Path | list[Path]:
        """One file -> its converted file; a list -> the converted files in the same order (one soffice run)."""
        paths = path if isinstance(path, list) else [path]
        outdirs = []
        produced = []
        profile = tmp_path_factory.mktemp("profile") / uuid.uuid4().hex
        by_stem: dict[str, list[Path]] = {}
        for p in paths:  # files with the same stem would overwrite each other in one folder
            by_stem.setdefault(p.stem, []).append(p)
        batches = [[group[i] for group in by_stem.values() if i < len(group)] for i in range(max(map(len, by_stem.values())))]
        for batch in batches:
            outdir = tmp_path_factory.mktemp("soffice")
            outdirs.append(outdir)
            result = subprocess.run(
                [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                 "--outdir", str(outdir), *map(str, batch)],
                capture_output=True, text=True, timeout=300,
            )
            assert result.returncode == 0, f"soffice failed: {result.stdout} {result.stderr}"
            for p in batch:
                # a per-sheet CSV export names its files <stem>-<sheet>.csv
                found = sorted(f for f in outdir.iterdir() if f.stem == p.stem or f.stem.startswith(p.stem + "-"))
                assert found, f"soffice produced nothing for {p.name}: {result.stdout} {result.stderr}"
                produced.append((p, found[0]))
        out = dict(produced)
        return out[path] if not isinstance(path, list) else [out[p] for p in paths]

    return convert


@pytest.fixture
def cli():
    """Invoke `shopbook …` in-process; returns click's Result (exit_code, output)."""
    from automation.cli import cli as group

    runner = CliRunner()

    def run(*args: str, env: dict | None = None):
        return runner.invoke(group, list(args), env=env, catch_exceptions=False)

    return run
