"""How the command line ends: at once, with the shell's codes (130 after Ctrl-C).

Standard library only, so that :mod:`ipanalysis.console` can use it before anything heavy is
imported.
"""

import contextlib
import os
import signal
import sys
from typing import Any

#: Exit code of a program stopped by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED_EXIT_CODE = 130


def exit_on_interrupt() -> None:
    """From now on, a Ctrl-C ends the process at once with code 130 (the work is done)."""
    signal.signal(signal.SIGINT, _exit_interrupted)


def _exit_interrupted(signum: int, frame: Any) -> None:
    """Handle a late Ctrl-C: exit now with code 130."""
    exit_now(INTERRUPTED_EXIT_CODE)


def exit_now(code: int) -> None:
    """Flush the output and end the process without the interpreter's tear-down."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
