"""The ``ipanalysis`` console script: the command line, with Ctrl-C handled from the start.

This module imports nothing heavy, so that a Ctrl-C that arrives while the command line is
still importing pandas & co. ends the program quietly with the shell's code for an interrupt
(130) instead of a traceback. The commands themselves are in :mod:`ipanalysis.cli`.
"""

import sys

from ipanalysis.exits import INTERRUPTED_EXIT_CODE, exit_now


def main() -> None:
    """Run the command line; exit with code 130 on Ctrl-C, without a traceback.

    The process ends with :func:`exit_now` once the command is done: the commands close
    their own files and stop their own processes, and the interpreter's tear-down (freeing
    every module pandas & co. loaded) can take a second or more on a busy machine, a window in
    which a Ctrl-C would kill the process by signal instead of ending it with code 130.
    """
    try:
        from ipanalysis.cli import app

        app()
        code = 0
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        code = INTERRUPTED_EXIT_CODE
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (exit_.code is not None)
        if isinstance(exit_.code, str):
            sys.stderr.write(exit_.code + "\n")
    exit_now(int(code))
