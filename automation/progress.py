"""Progress on long runs: the steps of a job (reading, rules, writing), shown only when they take time.

A job opens `with steps(title, total=3): ...` once and its code says where it is with
`step(pick("读取表格", "reading"))`, however deep it sits (validate's readers, the reports, the
monthly e-mail that runs all of them): the current `Steps` is a context variable, and `step()` is a
no-op outside one. Nested `steps()` (the monthly run calling the reports) reuse the outer one.

Where the steps go:
- the terminal: a rich progress bar on stderr, and only when stderr is a terminal and a step has run
  longer than `DELAY` (a quick run prints nothing extra); erased when the job ends, so the summary
  that follows is what stays on screen. Never in `--json` (the command passes `enabled=False`) and
  never in piped or redirected output (cron logs, CliRunner);
- a `sink`: every step's label as it starts — the Excel console writes them into its status cell.

Time comes from `clock` (tests replace it instead of sleeping); a watcher thread looks every `POLL`
seconds whether the current step has passed `DELAY`, and a new step checks the one that just ended.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections.abc import Callable, Iterator

DELAY = 1.0  # seconds a step runs before the bar appears
POLL = 0.1
clock: Callable[[], float] = time.monotonic

READING = ("读取表格", "reading the sheets")
RULES = ("检查规则", "checking the rules")
WRITING = ("写入结果", "writing the results")

_current: contextvars.ContextVar["Steps | None"] = contextvars.ContextVar("shopbook_steps", default=None)


class Steps:
    """One job's steps; `step(label)` starts the next one."""

    def __init__(self, title: str, console=None, sink: Callable[[str], None] | None = None, total: int | None = None):
        self.title = title
        self.console = console  # a rich Console that is a terminal, or None: no bar
        self.sink = sink
        self.total = total
        self.labels: list[str] = []  # every step so far, in order
        self.started = clock()
        self.shown = threading.Event()  # set once the bar is on screen
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._progress = None
        self._task = None
        self._watcher: threading.Thread | None = None

    def step(self, label: str) -> None:
        with self._lock:
            if self.console is not None and self._progress is None and self.labels and clock() - self.started >= DELAY:
                self._show()  # the step that just ended was slow: show the rest (the watcher may not have looked yet)
            if self._progress is not None and len(self.labels) >= (self.total or 0):
                self.total = None  # more steps than announced (a nested job): no count, a pulsing bar
                self._progress.update(self._task, total=None)
            self.labels.append(label)
            self.started = clock()
            if self._progress is not None:
                self._progress.update(self._task, description=self._description(), completed=len(self.labels) - 1)
        if self.sink is not None:
            self.sink(label)

    def _description(self) -> str:
        from rich.markup import escape

        count = f" ({len(self.labels)}/{self.total})" if self.total else ""
        return escape(f"{self.title} · {self.labels[-1] if self.labels else ''}{count}")

    # ---- the bar ------------------------------------------------------------------------------

    def start(self) -> None:
        if self.console is not None:
            self._watcher = threading.Thread(target=self._watch, name="shopbook-progress", daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        while not self._stop.wait(POLL):
            with self._lock:
                if self._progress is None and self.labels and clock() - self.started >= DELAY:
                    self._show()

    def _show(self) -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                                  console=self.console, transient=True)
        self._task = self._progress.add_task(self._description(), total=self.total, completed=len(self.labels) - 1)
        self._progress.start()
        self.shown.set()

    def quiet(self) -> None:
        """Take the bar off the screen for good (the job prints its summary now); the sink still hears."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()
        with self._lock:
            if self._progress is not None:
                self._progress.stop()
                self._progress = None

    def close(self) -> None:
        self.quiet()


def terminal():
    """The console the bar draws on: stderr, when it is a terminal (else None: no bar)."""
    from rich.console import Console

    console = Console(stderr=True)
    return console if console.is_terminal else None


@contextlib.contextmanager
def steps(title: str, *, total: int | None = None, enabled: bool = True, console=None,
          sink: Callable[[str], None] | None = None) -> Iterator[Steps]:
    """The steps of one job. `enabled=False` (--json) or a non-terminal stderr: no bar; `sink` still
    gets every step. Inside another job's steps, that one is used."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    bar = (console if console is not None else terminal()) if enabled else None
    current = Steps(title, bar if bar is not None and bar.is_terminal else None, sink, total)
    token = _current.set(current)
    current.start()
    try:
        yield current
    finally:
        current.close()
        _current.reset(token)


def step(label: str | tuple[str, str]) -> None:
    """Say which step the running job is in: a label, or a (zh, en) pair such as READING (nothing
    happens outside a job's `steps`)."""
    current = _current.get()
    if current is not None:
        if isinstance(label, tuple):
            from .i18n import pick

            label = pick(*label)
        current.step(label)


def quiet() -> None:
    """The running job is about to print its summary: the bar leaves the screen first."""
    current = _current.get()
    if current is not None:
        current.quiet()
