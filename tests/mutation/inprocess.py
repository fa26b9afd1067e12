"""`python -m tests.mutation.inprocess "automation.rules.stock*" …`: mutmut's verdicts, a fork per mutant
from one collected pytest session instead of a new pytest run per mutant.

mutmut (through tests/mutation/run.py) makes the mutants and measures which tests reach each function
(`mutants/mutmut-stats.json`); it then starts a pytest session for every mutant, which costs ~0.3 s of
CPU before the first test runs. On the shared 2-core machine that overhead is most of a killed
mutant's cost (docs/testing.md). Here pytest collects mutmut's test selection once, in `mutants/`,
without running a test (so, as in mutmut's fork server, no cache is warm and polars' thread pool is
not started); then for each mutant the process forks, the child sets `MUTANT_UNDER_TEST` — the switch
mutmut's trampolines read on every call — and runs that function's tests, fastest first, until one
fails. Exit codes are mutmut's (1 killed, 0 survived, 33 no tests, 36 timeout) and are written into
mutmut's own records (`mutants/**/*.py.meta`), so `python -m tests.mutation.run results` and `show`
work on them as on mutmut's. A timeout is (the tests' measured time + 20 s) × 5 of wall clock, as in
[tool.mutmut].

Options: `--survivors` re-runs the matching mutants recorded as survived (after new tests); `--all`
every matching mutant; by default only those not run yet. `--new-tests` also runs, first, every
collected test that mutmut's stats do not know yet (written since `run.py run` measured them; which
functions they reach is not known, so each mutant runs all of them): a survivor re-run against the
tests written for it without a new stats run. Those tests are first run once with no mutant, and
the run stops if one fails (it would "kill" every mutant: e.g. a test of code newer than the
mutated copy). Run it niced, after `run.py run` has made
the mutants and the stats (`nice -n 19 .venv/bin/python -m tests.mutation.inprocess PATTERN …`).
"""

from __future__ import annotations

import fnmatch
import gc
import json
import os
import signal
import sys
import time
import tomllib
from pathlib import Path

KILLED, SURVIVED, NO_TESTS, TIMEOUT = 1, 0, 33, 36
PLUGINS_OFF = ["-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:unraisableexception",
               "-p", "no:threadexception", "-p", "no:faulthandler"]


def mangled(mutant: str) -> str:
    return mutant.partition("__mutmut_")[0]


class Records:
    """mutmut's per-file verdicts (`mutants/<path>.py.meta`, JSON with `exit_code_by_key`)."""

    def __init__(self, root: Path):
        self.files = {path: json.loads(path.read_text("utf-8")) for path in sorted(root.glob("automation/**/*.py.meta"))}
        self.owner = {name: path for path, data in self.files.items() for name in data["exit_code_by_key"]}

    def pick(self, patterns: list[str], which: str) -> list[str]:
        out = []
        for name, path in self.owner.items():
            code = self.files[path]["exit_code_by_key"][name]
            wanted = {"new": code is None, "survivors": code == SURVIVED, "all": True}[which]
            if wanted and any(fnmatch.fnmatch(name, p) for p in patterns):
                out.append(name)
        return out

    def set(self, name: str, code: int) -> None:
        self.files[self.owner[name]]["exit_code_by_key"][name] = code

    def save(self) -> None:
        for path, data in self.files.items():
            part = path.with_suffix(".part")
            part.write_text(json.dumps(data, indent=4), "utf-8")
            part.replace(path)


def preload() -> None:
    """Import every module of the package once, before forking: the mutated modules are large and no
    bytecode is cached for them, so a module first imported inside a child (rules/__init__'s
    `load_all`, lazy imports in functions) would be compiled again in every child — most of a killed
    mutant's cost. Module-level code is not mutated; a mutant of a function that only runs at import
    time (`rule()` registering the checks) is then not exercised, so it can only survive here, never
    be counted killed wrongly: run such functions with mutmut (`run.py run`)."""
    import importlib
    import pkgutil

    import automation

    for module in pkgutil.walk_packages(automation.__path__, "automation."):
        try:
            importlib.import_module(module.name)
        except Exception:  # an optional back end (xlwings, gspread) missing here: its tests skip anyway
            pass
    from automation.rules import load_all

    load_all()


class Verdicts:
    """The pytest plugin: replaces the run loop with one forked child per mutant."""

    def __init__(self, mutants: list[str], records: Records, stats: dict, log, new_tests: bool = False):
        self.mutants, self.records, self.log, self.new_tests = mutants, records, log, new_tests
        self.tests_of = stats["tests_by_mangled_function_name"]
        self.duration = stats["duration_by_test"]
        self.counts: dict[int, int] = {}

    def pytest_runtestloop(self, session) -> bool:
        if session.testsfailed:
            raise SystemExit("collection failed: fix it before a mutation run")
        items = {item.nodeid: item for item in session.items}
        preload()
        gc.collect()
        gc.freeze()  # a child's garbage collector would touch (and so copy) every page of the parent's heap
        unknown = [t for t in items if t not in self.duration] if self.new_tests else []
        if unknown and self._verdict("", [items[t] for t in unknown], 0.0) != SURVIVED:
            # a new test that fails with no mutant would "kill" every mutant
            raise SystemExit("--new-tests: a new test fails without any mutant; run them with pytest first")
        for done, name in enumerate(self.mutants, 1):
            known = sorted((t for t in self.tests_of.get(mangled(name), ()) if t in items), key=lambda t: self.duration.get(t, 0.0))
            tests = unknown + known
            started = time.monotonic()
            code = self._verdict(name, [items[t] for t in tests], sum(self.duration.get(t, 0.0) for t in tests)) if tests else NO_TESTS
            self.records.set(name, code)
            self.counts[code] = self.counts.get(code, 0) + 1
            self.log.write(f"{done}/{len(self.mutants)} {code} {time.monotonic() - started:.2f}s {name}\n")
            self.log.flush()
            if done % 25 == 0:
                self.records.save()
        self.records.save()
        return True

    @staticmethod
    def _verdict(name: str, items: list, seconds: float) -> int:
        from _pytest.runner import runtestprotocol

        pid = os.fork()
        if pid == 0:  # the child: the mutant switched on, its tests fastest first until one fails
            gc.disable()
            code = SURVIVED
            try:
                os.environ["MUTANT_UNDER_TEST"] = name
                for item in items:
                    if any(report.failed for report in runtestprotocol(item, log=False, nextitem=None)):
                        code = KILLED
                        break
            except BaseException:  # an error outside a test (e.g. in teardown) is a failing run too
                code = KILLED
            os._exit(code)
        timed_out = False

        def stop(*_):
            nonlocal timed_out
            timed_out = True
            os.kill(pid, signal.SIGKILL)

        previous = signal.signal(signal.SIGALRM, stop)
        signal.alarm(int((seconds + 20) * 5) + 1)
        try:
            _, status = os.waitpid(pid, 0)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        if timed_out:
            return TIMEOUT
        return os.waitstatus_to_exitcode(status)


def main(argv: list[str]) -> int:
    which = "survivors" if "--survivors" in argv else "all" if "--all" in argv else "new"
    patterns = [a for a in argv if not a.startswith("--")]
    if not patterns:
        print(__doc__)
        return 2
    config = tomllib.loads(Path("pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    os.chdir("mutants")
    sys.path.insert(0, os.getcwd())
    records = Records(Path("."))
    mutants = records.pick(patterns, which)
    stats = json.loads(Path("mutmut-stats.json").read_text("utf-8"))
    import pytest

    with open("inprocess.log", "a", encoding="utf-8") as log:
        log.write(f"# {time.strftime('%H:%M:%S')} {len(mutants)} mutants ({which}): {' '.join(patterns)}\n")
        plugin = Verdicts(mutants, records, stats, log, "--new-tests" in argv)
        pytest.main(["--rootdir=.", "-q", *PLUGINS_OFF, *config["pytest_add_cli_args_test_selection"]], plugins=[plugin])
        summary = ", ".join(f"{n} × {code}" for code, n in sorted(plugin.counts.items()))
        log.write(f"# {time.strftime('%H:%M:%S')} done: {summary}\n")
    print(f"{len(mutants)} mutants: {summary} (1 killed, 0 survived, 33 no tests, 36 timeout)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
