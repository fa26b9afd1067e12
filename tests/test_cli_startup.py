"""Issue 12: `shopbook --help` and `shopbook validate -h` load no heavy library (the lazy command group).

Deterministic: each case runs in a fresh interpreter and lists what ended up in `sys.modules`.
The timing itself is in benchmarks/bench_startup.py, never here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

HEAVY = ("polars", "openpyxl", "matplotlib", "xlsxwriter", "jinja2", "python_calamine", "pydantic", "xlwings", "gspread")

PROBE = """
import contextlib, io, json, sys
from automation.cli import cli, command_modules
if sys.argv[1] == "--load-all":  # as after a run that used every command
    sys.argv.pop(1)
    for _name, module in command_modules():
        cli.add_command(module.command)
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        cli.main(sys.argv[1:], prog_name="shopbook", standalone_mode=False)
    except SystemExit:
        pass
print(json.dumps({"modules": sorted(sys.modules), "output": out.getvalue()}))
"""


def loaded_after(*args: str) -> tuple[list[str], str]:
    """(every module in sys.modules, the output) after `shopbook ARGS` in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=120, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["modules"], report["output"]


@pytest.mark.parametrize("args", [["--help"], ["--lang", "en", "--help"], ["validate", "-h"]])
def test_help_loads_no_heavy_library(args):
    modules, output = loaded_after(*args)
    assert "shopbook" in output and "--help" in output
    assert sorted({m.split(".")[0] for m in modules} & set(HEAVY)) == []


def test_help_imports_no_command_module_and_validate_h_only_its_own():
    modules, output = loaded_after("--help")
    assert "validate" in output and "reconcile" in output
    assert [m for m in modules if m.startswith("automation.commands.")] == []
    modules, output = loaded_after("validate", "-h")
    assert "--inplace" in output
    assert [m for m in modules if m.startswith("automation.commands.")] == ["automation.commands.validate"]


def test_listing_from_source_matches_the_loaded_commands():
    """The names and short help `--help` reads from the sources are what the imported commands say."""
    import importlib

    from automation.cli import COMMAND_MODULES, command_index

    index = command_index()
    assert len(index) == len(COMMAND_MODULES) == 13
    for name, entry in index.items():
        command = importlib.import_module(f"automation.commands.{entry.module}").command
        assert command.name == name
        assert entry.short_help(45) == command.get_short_help_str(45)
        assert entry.short_help(200) == command.get_short_help_str(200)


def test_help_before_and_after_loading_every_command_is_the_same():
    _, lazy = loaded_after("--help")
    modules, loaded = loaded_after("--load-all", "--help")
    assert "automation.commands.xlwings_cmd" in modules and "polars" in modules  # the probe really loaded them
    assert lazy == loaded
    assert "button" in loaded and "生成带“校验”“旗帜”按钮的宏工作簿" in loaded  # the docstring's Chinese paragraph by default


def test_an_invoked_command_is_loaded_and_runs(tmp_path):
    """Lazy loading keeps behaviour: the command parses its options and reports a missing file in one line."""
    from automation.cli import cli

    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "none.xlsx")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert str(tmp_path / "none.xlsx") in result.output
