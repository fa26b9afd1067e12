"""Issue 12: what every `shopbook validate` / `flags` run pays before its real work. Patterns are compiled
when first used (`automation.lazyre`), the schema files' parse is kept (`schema.parsed_schema_files`),
and a run loads no module it does not use. The timings are in benchmarks/, never here."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from automation.lazyre import LazyPattern, lazy_compile
from automation.paths import data_dir
from automation.schema import PARSED_NAME, parsed_schema_files

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = data_dir("workbook_templates") / "schemas"


def fresh_python(code: str, cwd: Path = ROOT) -> dict:
    """Run `code` in a fresh interpreter; it prints one JSON line last, which is returned."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                          timeout=120, cwd=cwd)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- lazily compiled patterns ----------------------------------------------------------------

def test_a_lazy_pattern_compiles_on_first_use_and_then_is_the_compiled_pattern():
    lazy = lazy_compile(r"(?P<year>\d{4})年(?P<month>\d{1,2})月", re.IGNORECASE)
    assert lazy._compiled is None  # nothing compiled yet
    text = "2026年10月 到 2026年11月"
    real = re.compile(r"(?P<year>\d{4})年(?P<month>\d{1,2})月", re.IGNORECASE)
    assert lazy.search(text).groupdict() == {"year": "2026", "month": "10"}
    assert lazy.compiled is real  # re's own cache: the very pattern re.compile gives
    assert lazy.search == real.search  # the slot now holds the pattern's own bound method
    assert lazy.match(text).span() == real.match(text).span()
    assert lazy.fullmatch("2026年1月").group("month") == "1"
    assert lazy.sub("{}", text) == real.sub("{}", text) == "{} 到 {}"
    assert lazy.subn("", text) == (" 到 ", 2)
    assert lazy.split(text) == real.split(text)
    assert [m.group(0) for m in lazy.finditer(text)] == ["2026年10月", "2026年11月"]
    assert lazy.findall(text) == [("2026", "10"), ("2026", "11")]
    assert (lazy.pattern, lazy.flags, lazy.groups, lazy.groupindex) == (real.pattern, real.flags, real.groups, real.groupindex)


@pytest.mark.parametrize("first", ["pattern", "compiled", "groupindex"])
def test_a_lazy_pattern_first_looked_at_rather_than_called_still_matches(first):
    lazy = lazy_compile(rb'<c r="([A-Z]{1,3})([0-9]+)"')
    getattr(lazy, first)
    assert lazy.search(b'<row><c r="AB12" t="s">').groups() == (b"AB", b"12")


def test_a_bad_lazy_pattern_fails_when_used_with_re_s_own_error():
    lazy = lazy_compile(r"(unclosed")
    with pytest.raises(re.error):
        lazy.search("x")
    assert "unclosed" in repr(lazy)


# the modules whose patterns every run used to compile at import (privacy's address pattern alone ~5 ms);
# rules/orders.py keeps re.compile: its patterns are cheap, matched on every order row, and every order
# sheet uses them (a lazy pattern's call costs a little more, see automation/lazyre.py)
LAZY_MODULES = ("automation/privacy.py", "automation/remarks.py", "automation/click_zh.py", "automation/geo.py",
                "automation/attribution.py", "automation/rules/aftersales.py")

COMPILE_PROBE = """
import json, sys, re._compiler as rc
where = []
real = rc.compile
def compile(p, flags=0):
    frame = sys._getframe(1)
    while frame and frame.f_code.co_filename.endswith(("re/__init__.py", "enum.py")):
        frame = frame.f_back
    where.append(frame.f_code.co_filename.replace("\\\\", "/"))
    return real(p, flags)
rc.compile = compile
import automation.commands.validate
before_rules = list(where)
import automation.commands.flags, automation.rules.annotate, automation.rules.engine, automation.attribution
import automation.rules as rules
rules.load_all()
print(json.dumps({"validate_h": [w for w in before_rules if "/automation/" in w],
                  "all": [w for w in where if "/automation/" in w]}))
"""


def test_importing_the_commands_and_rules_compiles_none_of_our_patterns():
    found = fresh_python(COMPILE_PROBE)
    assert found["validate_h"] == []  # `shopbook validate -h` compiles nothing of ours
    assert [w for w in found["all"] if any(m in w for m in LAZY_MODULES)] == []


def test_the_lazy_modules_have_no_module_level_re_compile_left():
    """A new module-level pattern in these modules is written with lazy_compile too."""
    for name in LAZY_MODULES:
        top = [line for line in (ROOT / name).read_text(encoding="utf-8").splitlines()
               if re.match(r"[A-Za-z_]\w* = re\.compile\(", line)]
        assert top == [], name


# ---- the schema files' parse, kept ------------------------------------------------------------

def copy_of_schemas(tmp_path: Path) -> Path:
    folder = tmp_path / "schemas"
    folder.mkdir()
    for path in SCHEMAS.glob("*.toml"):
        shutil.copy2(path, folder / path.name)
    return folder


def parsed_by_tomllib(folder: Path) -> list[dict]:
    return [tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.toml"))]


def test_the_schema_parse_is_kept_and_equals_tomllib_s(tmp_path):
    folder = copy_of_schemas(tmp_path)
    first = parsed_schema_files(folder)
    assert first == parsed_by_tomllib(folder) and len(first) == len(list(folder.glob("*.toml"))) > 10
    kept = json.loads((folder / PARSED_NAME).read_text(encoding="utf-8"))
    assert [s[0] for s in kept["stamp"]] == sorted(p.name for p in folder.glob("*.toml"))
    assert parsed_schema_files(folder) == first  # read back from the kept parse


def test_the_kept_parse_is_what_a_run_reads_while_the_files_are_unchanged(tmp_path):
    folder = copy_of_schemas(tmp_path)
    parsed_schema_files(folder)
    kept_path = folder / PARSED_NAME
    kept = json.loads(kept_path.read_text(encoding="utf-8"))
    kept["files"][0]["zh"] = "从保存的解析读出"
    kept_path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    assert parsed_schema_files(folder)[0]["zh"] == "从保存的解析读出"


def test_an_edited_or_added_schema_file_is_parsed_again(tmp_path):
    folder = copy_of_schemas(tmp_path)
    parsed_schema_files(folder)
    orders = folder / "orders.toml"
    orders.write_text(orders.read_text(encoding="utf-8").replace('zh = "', 'zh = "改过的', 1), encoding="utf-8")
    (folder / "zz_extra.toml").write_text('kind = "extra"\nzh = "额外"\nen = "Extra"\ncolumns = []\n', encoding="utf-8")
    again = parsed_schema_files(folder)
    assert again == parsed_by_tomllib(folder)
    assert next(s for s in again if s["kind"] == "orders")["zh"].startswith("改过的")
    assert again[-1]["kind"] == "extra"


@pytest.mark.parametrize("kept", ["not json at all {", '{"stamp": 3}', "[]", '{"files": []}'])
def test_a_damaged_kept_parse_is_ignored_and_replaced(tmp_path, kept):
    folder = copy_of_schemas(tmp_path)
    (folder / PARSED_NAME).parent.mkdir()
    (folder / PARSED_NAME).write_text(kept, encoding="utf-8")
    assert parsed_schema_files(folder) == parsed_by_tomllib(folder)
    assert json.loads((folder / PARSED_NAME).read_text(encoding="utf-8"))["files"] == parsed_by_tomllib(folder)


def test_where_the_parse_cannot_be_kept_every_run_parses(tmp_path):
    folder = copy_of_schemas(tmp_path)
    (folder / "__pycache__").write_text("a file where the folder would go", encoding="utf-8")
    assert parsed_schema_files(folder) == parsed_by_tomllib(folder)
    assert parsed_schema_files(folder) == parsed_by_tomllib(folder)
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(".toml")) == ["__pycache__"]


def test_a_schema_value_json_cannot_hold_is_parsed_every_run_and_not_kept(tmp_path):
    """A TOML date (say a column's "since" day) has no JSON form: the parse is used as tomllib gives
    it, every run, instead of failing the run."""
    folder = copy_of_schemas(tmp_path)
    (folder / "zz_dated.toml").write_text('kind = "dated"\nzh = "有日期"\nen = "Dated"\nsince = 2026-11-11\ncolumns = []\n',
                                          encoding="utf-8")
    assert parsed_schema_files(folder) == parsed_by_tomllib(folder)
    assert parsed_schema_files(folder)[-1]["since"] == dt.date(2026, 11, 11)
    assert not (folder / PARSED_NAME).exists()


def test_a_bad_schema_file_still_fails_the_way_it_did(tmp_path):
    folder = copy_of_schemas(tmp_path)
    (folder / "broken.toml").write_text("kind = \n", encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        parsed_schema_files(folder)
    assert not (folder / PARSED_NAME).exists()


# ---- what a run loads ------------------------------------------------------------------------

RUN_PROBE = """
import json, sys
from pathlib import Path
from automation.schema import schemas
schemas()  # computed first (and cached in the process), so what follows shows nothing else imports tomllib
for name in [m for m in sys.modules if m == "tomllib" or m.startswith("tomllib.")]:
    del sys.modules[name]
from benchmarks.bench_validate import make_orders
folder, commands = Path(sys.argv[1]), sys.argv[2].split("+")
make_orders(folder / "订单.xlsx", 450)  # a late shipment, a placeholder postcode among them
report = {"findings": 0, "outputs": []}
if "validate" in commands:
    from automation.commands.validate import validate, write_annotations
    result = validate(folder / "订单.xlsx")
    write_annotations(result, on_notice=lambda m: None)
    report = {"findings": len(result.findings), "outputs": [str(p) for p in result.outputs]}
if "flags" in commands:
    from automation.commands.flags import run
    from automation.sheets.writers import apply_edit
    _, flags, _, edit = run(folder / "订单.xlsx")
    report["outputs"].append(str(apply_edit(folder / "订单.xlsx", edit, suffix=".flags", on_notice=lambda m: None)))
    report["findings"] += sum(1 for f in flags if f.remark.flag)
print(json.dumps({"modules": sorted(sys.modules), **report}))
"""


def modules_of_a_run(folder: Path, commands: str) -> set[str]:
    """The modules a fresh interpreter holds after `commands` ("validate+flags") on a 450-row order
    sheet in `folder` (no shop.toml), checking that they did their work."""
    done = subprocess.run([sys.executable, "-c", RUN_PROBE, str(folder), commands], capture_output=True, text=True,
                          encoding="utf-8", timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["findings"] > 0 and report["outputs"] and all(os.path.exists(p) for p in report["outputs"])
    return set(report["modules"])


def test_a_validate_and_flags_run_without_shop_toml_loads_no_toml_parser_nor_time_zones(tmp_path):
    loaded = modules_of_a_run(tmp_path, "validate+flags")
    assert {"automation.rules.orders", "automation.remarks", "chinese_calendar"} <= loaded  # ORD011 counts workdays
    assert sorted(loaded & {"tomllib", "zoneinfo", "html", "string"}) == []


def test_flags_counts_no_working_days_and_loads_no_holiday_tables(tmp_path):
    loaded = modules_of_a_run(tmp_path, "flags")
    assert "automation.attribution" in loaded
    assert sorted(loaded & {"chinese_calendar", "tomllib", "zoneinfo", "html", "string"}) == []
