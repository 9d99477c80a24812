"""Ctrl-C during a run: the main process owns it, and it is delivered exactly once.

While :func:`interrupt_guard` is active (the whole of a run, in the main thread):

* the first SIGINT raises :class:`KeyboardInterrupt` in the main thread, which stops the
  workers and cleans up (see :func:`ipanalysis.runner.run.run_notebooks`);
* any later SIGINT is ignored, so a second Ctrl-C cannot break off that clean-up half-way and
  leave orphan processes or a staging folder behind;
* inside :func:`deferred_interrupt` (a set of files being swapped in, a worker being
  spawned) a SIGINT is held back and raised when the section ends.

Worker processes ignore SIGINT themselves (:mod:`ipanalysis.runner.worker`); kernels run in
their own session, so Ctrl-C in a terminal reaches only the main process and the workers.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any


class _Guard:
    """The state of SIGINT handling for the run in progress."""

    def __init__(self) -> None:
        self.deferring = 0
        self.pending = False
        self.raised = False

    def handle(self, signum: int, frame: Any) -> None:
        if self.raised:
            return  # clean-up in progress: a second Ctrl-C must not break it off
        if self.deferring:
            self.pending = True
            return
        self.raised = True
        raise KeyboardInterrupt

    def release(self) -> None:
        if self.pending and not self.raised:
            self.pending = False
            self.raised = True
            raise KeyboardInterrupt


_active: _Guard | None = None


def _ignore(signum: int, frame: Any) -> None:
    """Ignore a SIGINT (the process is shutting down after one)."""


@contextlib.contextmanager
def interrupt_guard() -> Iterator[None]:
    """Own SIGINT for the duration of a run.

    A no-op outside the main thread, if nested, or when the process was started with SIGINT
    ignored (as a shell starts a background job): that choice is the parent's.

    After a Ctrl-C was delivered, further ones stay ignored when the guard ends: the caller
    is on its way out (``ipanalysis run`` exits with code 130).

    Yields
    ------
    None
    """
    global _active
    if (
        threading.current_thread() is not threading.main_thread()
        or _active is not None
        or signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # started with Ctrl-C ignored
    ):
        yield
        return
    guard = _Guard()
    previous = signal.signal(signal.SIGINT, guard.handle)
    _active = guard
    try:
        yield
    finally:
        _active = None
        restored = _ignore if guard.raised else previous
        signal.signal(signal.SIGINT, restored if restored is not None else signal.SIG_DFL)


@contextlib.contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Hold back Ctrl-C while a critical section runs, then raise it.

    Inside :func:`interrupt_guard` this defers the guard's delivery; outside it (the commit
    functions called on their own) a temporary handler does the same.

    Yields
    ------
    None
    """
    if _active is not None:
        _active.deferring += 1
        try:
            yield
        finally:
            _active.deferring -= 1
        if not _active.deferring:
            _active.release()
        return
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
    if received:
        raise KeyboardInterrupt
