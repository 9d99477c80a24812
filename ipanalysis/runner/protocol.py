"""The lines the runner and its worker processes exchange: one object per line.

The lines are base64-encoded pickles: both ends are this package, in processes the runner
started, over a private pipe.
"""

import base64
import pickle
from typing import Any


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
