"""Issue 10 §7: the progress bar of long runs — on a terminal only, only once a step has run longer
than a second, never in --json or piped output. The clock is replaced (no sleeping for seconds)."""

from __future__ import annotations

import io
import itertools
import json

import pytest
from click.testing import CliRunner
from rich.console import Console

from automation import progress
from automation.cli import cli
from automation.progress import READING, RULES, WRITING, step, steps
from tests.test_validate import BAD, _orders_file


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(progress, "clock", fake)
    return fake


def _terminal() -> Console:
    return Console(file=io.StringIO(), force_terminal=True, width=80)


def test_a_slow_step_shows_the_bar_with_its_name(clock):
    screen = _terminal()
    with steps("校验", total=3, console=screen) as job:
        step(READING)
        clock.now += 2.5  # reading takes 2.5 s
        assert job.shown.wait(5), "no bar after a step of 2.5 s"
        step(RULES)
        step(WRITING)
    drawn = screen.file.getvalue()
    assert "校验 · 读取表格 (1/3)" in drawn and "\x1b[" in drawn  # drawn with terminal codes
    assert job.labels == ["读取表格", "检查规则", "写入结果"]


def test_quick_steps_draw_nothing(clock):
    screen = _terminal()
    with steps("校验", console=screen) as job:
        step(READING)
        clock.now += 0.4
        assert not job.shown.wait(3 * progress.POLL)
        step(RULES)
        clock.now += 0.4
    assert not job.shown.is_set() and screen.file.getvalue() == ""


def test_a_step_found_slow_when_the_next_begins_shows_the_bar_at_once(clock):
    screen = _terminal()
    with steps("旗帜", console=screen) as job:
        step(READING)
        clock.now += 1.5
        step(RULES)  # the watcher may not have looked yet: the step boundary checks too
        assert job.shown.is_set()


@pytest.mark.parametrize("screen,enabled", [(Console(file=io.StringIO(), force_terminal=False), True),  # piped, a cron log
                                            (_terminal(), False)])  # --json
def test_no_bar_off_a_terminal_or_with_json(clock, screen, enabled):
    with steps("校验", console=screen, enabled=enabled) as job:
        step(READING)
        clock.now += 10
        step(RULES)
        clock.now += 10
    assert not job.shown.is_set() and screen.file.getvalue() == ""


def test_nested_jobs_share_one_bar_and_the_sink_hears_every_step(clock):
    heard: list[str] = []
    with steps("月报", sink=heard.append, enabled=False) as outer:
        step(READING)
        with steps("扣分报表") as inner:
            assert inner is outer
            step(("计算扣分", "computing points"))
    step(WRITING)  # outside a job: nothing happens
    assert heard == ["读取表格", "计算扣分"]


@pytest.fixture
def slow_terminal(monkeypatch):
    """Every step takes 5 s, and stderr is a terminal."""
    screen = _terminal()
    ticks = itertools.count(0, 5)
    monkeypatch.setattr(progress, "clock", lambda: float(next(ticks)))
    monkeypatch.setattr(progress, "terminal", lambda: screen)
    return screen


def test_validate_json_stays_pure_json_with_the_bar_enabled(tmp_path, slow_terminal):
    path = _orders_file(tmp_path / "订单.xlsx", BAD)
    result = CliRunner().invoke(cli, ["validate", str(path), "--json", "--no-write"])
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["summary"]["error"] >= 1  # the whole of stdout is the JSON
    assert slow_terminal.file.getvalue() == ""


def test_validate_on_a_terminal_shows_the_bar_on_stderr_only(tmp_path, slow_terminal):
    path = _orders_file(tmp_path / "订单.xlsx", BAD)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    drawn = slow_terminal.file.getvalue()
    assert "校验 · 检查规则 (2/3)" in drawn or "校验 · 写入结果 (3/3)" in drawn
    assert "检查规则" not in result.stdout and "错误" in result.stdout


@pytest.mark.parametrize("args,title", [(["flags", "{orders}", "--no-write"], "旗帜 · "),
                                        (["stubs", "{shop}", "--month", "2026-10"], "底单核对 · "),
                                        (["reconcile", "{shop}", "--month", "2026-10"], "月度对账 · ")])
def test_each_job_draws_its_steps_and_json_never_does(tmp_path, slow_terminal, args, title):
    import courier_helpers as month_data

    places = {"orders": str(_orders_file(tmp_path / "订单.xlsx", BAD)), "shop": str(month_data.write_shop(tmp_path / "shop"))}
    argv = [a.format(**places) for a in args]
    shown = CliRunner().invoke(cli, argv)
    assert shown.exit_code == 0, shown.output
    assert title in slow_terminal.file.getvalue() and title not in shown.stdout
    slow_terminal.file.truncate(0)
    as_json = CliRunner().invoke(cli, [*argv, "--json"])
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) and slow_terminal.file.getvalue() == ""
