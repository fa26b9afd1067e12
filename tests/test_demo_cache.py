"""Issue 12 (`shopbook demo` ≤ 10 s): a second demo copies the generated shop from the cache
(automation.demo.cache) instead of generating and writing it again — and the copy is exactly what
generation writes: generation is deterministic (two builds, byte-identical files), the key covers
every file of the package and its data, and a cache that is off, elsewhere or unwritable changes
nothing but the time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from automation.demo import KEY_NAME, cache
from demo_helpers import SEED, demo  # noqa: F401  (the session's demo shop)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _without_shop_dir(data: bytes) -> dict:
    key = json.loads(data)
    key.pop("shop_dir")
    return key


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.DIR_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_second_demo_copies_exactly_what_generation_writes(demo, tmp_path, own_cache):  # noqa: F811
    first = cache.demo_shop(tmp_path / "first", SEED)  # generated, then kept
    assert first.world is not None
    generated, session = _files(first.folder), _files(demo.folder)
    assert generated.keys() == session.keys() and len(generated) > 10
    for name in generated:  # two separate builds: byte for byte the same (what makes a cache exact)
        if name != KEY_NAME:
            assert generated[name] == session[name], name
    second = cache.demo_shop(tmp_path / "second", SEED)
    assert second.world is None  # copied, not generated
    copied = _files(second.folder)
    assert copied.keys() == generated.keys()
    for name in generated:
        if name != KEY_NAME:
            assert copied[name] == generated[name], name
    assert _without_shop_dir(copied[KEY_NAME]) == _without_shop_dir(generated[KEY_NAME])
    assert json.loads(copied[KEY_NAME])["shop_dir"] == str(second.folder)
    assert second.key == json.loads(copied[KEY_NAME])
    assert [p.relative_to(second.folder) for p in second.written] == [p.relative_to(first.folder) for p in first.written]


def _stored_entry(root: Path, seed: int, marker: str) -> None:
    entry = root / "demo" / f"{cache.code_hash()}-{seed}"
    (entry / "shop").mkdir(parents=True)
    (entry / "shop" / "shop.toml").write_text(marker, encoding="utf-8")
    (entry / KEY_NAME).write_text(json.dumps({"seed": seed, "shop_dir": "elsewhere"}), encoding="utf-8")
    (entry / cache.FILES_NAME).write_text(json.dumps(["shop.toml", KEY_NAME]), encoding="utf-8")


@pytest.fixture
def generated(monkeypatch):
    """The folders build_demo was asked to generate (it only marks them here: generating is the other test's)."""
    asked = []

    def build(folder, seed, **_options):
        asked.append(Path(folder))
        return cache.Demo(Path(folder), "world", {"seed": seed}, [])

    monkeypatch.setattr(cache, "build_demo", build)
    return asked


def test_an_entry_of_other_code_or_another_seed_is_not_used(tmp_path, own_cache, generated, monkeypatch):
    _stored_entry(own_cache, 7, "kept")
    assert cache.demo_shop(tmp_path / "a", 7).world is None and (tmp_path / "a" / "shop.toml").read_text() == "kept"
    assert cache.demo_shop(tmp_path / "b", 8).world == "world"  # another seed: generated
    monkeypatch.setattr(cache, "code_hash", lambda: "changed-code")
    assert cache.demo_shop(tmp_path / "c", 7).world == "world"  # other code: generated
    assert generated == [tmp_path / "b", tmp_path / "c"]


def test_the_cache_can_be_off_and_an_unwritable_one_is_passed_over(tmp_path, own_cache, generated, monkeypatch):
    _stored_entry(own_cache, 7, "kept")
    monkeypatch.setenv(cache.SWITCH_ENV, "0")
    assert cache.demo_shop(tmp_path / "off", 7).world == "world"
    monkeypatch.delenv(cache.SWITCH_ENV)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(cache.DIR_ENV, str(blocked))
    assert cache.demo_shop(tmp_path / "blocked", 7).world == "world"  # no error: generated, nothing kept
    assert generated == [tmp_path / "off", tmp_path / "blocked"]


def test_the_key_changes_with_any_data_file(tmp_path, monkeypatch):
    from automation import paths

    real = paths.data_dir
    for name in ("workbook_templates", "reports", "macros"):
        shutil.copytree(real(name), tmp_path / name)
    monkeypatch.setattr(paths, "data_dir", lambda name: tmp_path / name)
    before = cache.code_hash.__wrapped__()
    schema = next((tmp_path / "workbook_templates" / "schemas").glob("*.toml"))
    schema.write_text(schema.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert cache.code_hash.__wrapped__() != before
