"""The ``ipanalysis`` console script: the command line, with Ctrl-C handled from the start.

This module imports nothing heavy, so that a Ctrl-C that arrives while the command line is
still importing pandas & co. ends the program quietly with the shell's code for an interrupt
(130) instead of a traceback. The commands themselves are in :mod:`ipanalysis.cli`.
"""

import contextlib
import os
import signal
import sys
from typing import Any

#: Exit code of a program stopped by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED_EXIT_CODE = 130


def main() -> None:
    """Run the command line; exit with code 130 on Ctrl-C, without a traceback.

    After an interrupt the command has already stopped its processes and removed its
    partial files; the interpreter's own tear-down (freeing every module pandas & co. loaded)
    can take a second or more on a busy machine, so the process ends at once instead.
    """
    try:
        from ipanalysis.cli import app

        app()
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        exit_now(INTERRUPTED_EXIT_CODE)
    except SystemExit as exit_:
        if exit_.code == INTERRUPTED_EXIT_CODE:
            exit_now(INTERRUPTED_EXIT_CODE)
        # The command is done; a Ctrl-C during the interpreter's tear-down ends it at once.
        signal.signal(signal.SIGINT, _exit_interrupted)
        raise


def _exit_interrupted(signum: int, frame: Any) -> None:
    """Handle a late Ctrl-C: exit now with code 130."""
    exit_now(INTERRUPTED_EXIT_CODE)


def exit_now(code: int) -> None:
    """Flush the output and end the process without the interpreter's tear-down."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
