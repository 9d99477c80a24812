"""A worker process: ``python -m ipanalysis.runner.worker``, started by the runner.

It reads jobs from stdin, one per line, executes each notebook (:func:`execute_job`) and
answers with one line per result on its original stdout; anything the libraries print goes
to stderr instead (the runner sends that to a log). It ignores SIGINT: the runner's main
process decides when to stop and kills the worker and its kernels itself
(:meth:`ipanalysis.runner.execute.WorkerPool.terminate`). It exits when stdin is closed.

The lines are base64-encoded pickles: both ends are this package, in processes the runner
started, over a private pipe.
"""

import base64
import os
import pickle
import signal
import sys
from typing import Any

#: Imported as soon as the worker starts, while the main process is still planning.
PRELOAD = ("papermill", "nbformat", "nbconvert", "jupyter_client.manager")


def encode_message(obj: Any) -> bytes:
    """Return one protocol line for ``obj`` (a job or a result).

    Parameters
    ----------
    obj : object
        A picklable object.

    Returns
    -------
    bytes
        Base64 of its pickle, ending with a newline.
    """
    return base64.b64encode(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)) + b"\n"


def decode_message(line: bytes) -> Any:
    """Return the object a protocol line holds (see :func:`encode_message`).

    Parameters
    ----------
    line : bytes
        One line written by :func:`encode_message`.

    Returns
    -------
    object
        The job or result.
    """
    return pickle.loads(base64.b64decode(line))  # noqa: S301 - our own pipe, our own objects


def main() -> None:
    """Serve jobs from stdin until it is closed."""
    import importlib

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process owns Ctrl-C

    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to the log
    for module in PRELOAD:
        importlib.import_module(module)
    from ipanalysis.runner.execute import execute_job

    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        result = execute_job(decode_message(line))
        protocol.write(encode_message(result))
        protocol.flush()


if __name__ == "__main__":
    main()
