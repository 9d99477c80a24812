"""A worker process: ``python -m ipanalysis.runner.worker``, started by the runner.

It reads jobs from stdin, one per line, executes each notebook (:func:`execute_job`) and
answers with one line per result on its original stdout; anything the libraries print goes
to stderr instead (the runner sends that to a log). It ignores SIGINT: the runner's main
process decides when to stop and kills the worker and its kernels itself
(:meth:`ipanalysis.runner.execute.WorkerPool.terminate`). It exits when stdin is closed.

The lines are :mod:`ipanalysis.runner.protocol` messages.
"""

import os
import signal
import sys

from ipanalysis.runner.execute import execute_job
from ipanalysis.runner.protocol import decode_message, encode_message

#: Imported as soon as the worker starts, while the main process is still planning.
PRELOAD = ("papermill", "nbformat", "nbconvert", "jupyter_client.manager")


def main() -> None:
    """Serve jobs from stdin until it is closed."""
    import importlib

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process owns Ctrl-C

    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to the log
    for module in PRELOAD:
        importlib.import_module(module)
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        result = execute_job(decode_message(line))
        protocol.write(encode_message(result))
        protocol.flush()


if __name__ == "__main__":
    main()
