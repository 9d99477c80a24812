"""Load the validated dataset, reusing it across notebooks while nothing changed.

The cache holds the dataset's tables as JSON (values, column names and dtypes): reading it
can never run code, unlike a pickle, so a file planted in the user's cache folder can at
worst fail to parse (then the data is loaded afresh) or be a different table (the key is a
digest of every input, so only someone who can write the cache folder could do that, and
they get tables, not code execution).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ipanalysis import paths
from ipanalysis.data.dataset import Dataset, read_dataset

# --------------------------------------------------------------------------------------------
# Loading, with a cache of the validated dataset
# --------------------------------------------------------------------------------------------

#: Environment variable naming the cache folder (default ``$XDG_CACHE_HOME/ipanalysis``).
CACHE_DIR_ENV = "IPANALYSIS_CACHE_DIR"
#: Set to ``1`` to load without the cache.
NO_CACHE_ENV = "IPANALYSIS_NO_CACHE"
#: Cached datasets kept (the most recent ones); older files are removed.
CACHE_KEEP = 8
#: The package whose code the cache key covers (every module: any change may change a dataset).
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """Return the folder for cached datasets (outside the repository).

    Returns
    -------
    pathlib.Path
        ``$IPANALYSIS_CACHE_DIR``, else ``$XDG_CACHE_HOME/ipanalysis``, else
        ``~/.cache/ipanalysis``.
    """
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ipanalysis"


def dataset_key(data_dir: str | os.PathLike[str] | None = None) -> str:
    """Return a digest of everything a loaded dataset depends on.

    The bytes of every file under ``data_dir`` (tables and source texts) with their paths,
    the source of every module of the package, and the versions of Python, pandas and numpy:
    any change to any of them gives a new key.

    Parameters
    ----------
    data_dir : path, optional
        The data folder; default :func:`ipanalysis.paths.data_dir`.

    Returns
    -------
    str
        A hex digest.
    """
    data = Path(data_dir).resolve() if data_dir is not None else paths.data_dir()
    digest = hashlib.sha256()
    for part in (sys.version, pd.__version__, np.__version__, str(data)):
        digest.update(part.encode() + b"\0")
    for root in (data, PACKAGE_DIR):
        pattern = "*" if root == data else "*.py"
        for path in sorted(root.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_dataset(data_dir: str | os.PathLike[str] | None = None, *, cache: bool = True) -> Dataset:
    """Load and validate the dataset, reusing the validated result while nothing changed.

    :func:`ipanalysis.data.dataset.read_dataset` reads, validates and derives (one to two
    seconds, in every notebook of a run). The validated
    :class:`~ipanalysis.data.dataset.Dataset` is kept
    in :func:`cache_dir` under :func:`dataset_key` as JSON tables (never a pickle): the same
    data files, the same package code and the same library versions give the same dataset,
    so a cached one is returned only when it would be identical to a fresh load. Invalid
    data is never cached: it raises, as the loader does. Set ``IPANALYSIS_NO_CACHE=1`` (or
    ``cache=False``) to bypass the cache; a cache that cannot be read, parsed or written is
    ignored.

    Parameters
    ----------
    data_dir : path, optional
        The data folder; default :func:`ipanalysis.paths.data_dir`.
    cache : bool
        Use the cache.

    Returns
    -------
    Dataset
        The validated dataset.
    """
    data = Path(data_dir) if data_dir is not None else None
    if not cache or os.environ.get(NO_CACHE_ENV) == "1":
        return read_dataset(data)
    try:
        path: Path | None = cache_dir() / f"dataset-{dataset_key(data)}.json"
    except OSError:  # an unreadable data file: let the loader report it
        path = None
    cached = _read_cache(path) if path is not None and path.is_file() else None
    dataset = cached if cached is not None else read_dataset(data)
    if path is not None:
        if cached is None:
            _write_cache(dataset, path)
        object.__setattr__(dataset, "cache_key", path.stem.removeprefix("dataset-"))
    return dataset


def dataset_to_json(dataset: Dataset) -> str:
    """Serialise a dataset's tables as JSON: columns, dtypes and rows, floats exactly.

    Parameters
    ----------
    dataset : ipanalysis.data.dataset.Dataset
        A dataclass whose fields are DataFrames.

    Returns
    -------
    str
        ``{"field": {"columns": [...], "dtypes": [...], "rows": [[...], ...]}, ...}``.

    Raises
    ------
    TypeError
        A field is not a DataFrame (such a dataset is not cached).
    """
    out = {}
    for field in _table_fields():
        frame = getattr(dataset, field.name)
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"Dataset.{field.name} is not a DataFrame")
        out[field.name] = _frame_to_plain(frame)
    return json.dumps(out, ensure_ascii=False, default=_json_scalar)


def _frame_to_plain(frame: pd.DataFrame) -> dict:
    """Return a table as plain data: columns, dtypes and rows (floats exactly)."""
    return {
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(d) for d in frame.dtypes],
        "rows": frame.astype(object).where(frame.notna(), None).to_numpy().tolist(),
    }


def _frame_from_plain(part: dict) -> pd.DataFrame:
    """Rebuild a table from :func:`_frame_to_plain`, with its stored dtypes."""
    frame = pd.DataFrame(part["rows"], columns=part["columns"], dtype=object)
    return frame.astype(dict(zip(part["columns"], part["dtypes"], strict=True)))


def _json_scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot cache a {type(value).__name__}")


def dataset_from_json(text: str) -> Dataset:
    """Rebuild a dataset from :func:`dataset_to_json` (plain data only: no code runs).

    The tables get their stored dtypes. Raises ``ValueError``, ``KeyError`` or ``TypeError`` when
    the text is not a dataset of the current shape.
    """
    stored = json.loads(text)
    tables = {}
    for field in _table_fields():
        tables[field.name] = _frame_from_plain(stored[field.name])
    return Dataset(**tables)


def cached_table(dataset: Dataset, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Return a table derived from ``dataset`` alone, kept on disk beside the cached dataset.

    A dataset loaded by :func:`load_dataset` carries the digest of its inputs (data files,
    package code, library versions); a table derived from it by the same code is the same
    table, so ``compute()`` runs once per digest and ``name`` (which must say every other
    input, e.g. the scope) rather than once per notebook. Any other dataset (a vintage, one
    built in a test) or ``IPANALYSIS_NO_CACHE=1``: computed, not kept.

    Parameters
    ----------
    dataset : Dataset
        The dataset the table is derived from.
    name : str
        What the table is, with every parameter it depends on.
    compute : callable
        Returns the table.

    Returns
    -------
    pandas.DataFrame
        The table, from the cache when it holds it.
    """
    if not dataset.cache_key or os.environ.get(NO_CACHE_ENV) == "1":
        return compute()
    digest = hashlib.sha256(f"{dataset.cache_key}\0{name}".encode()).hexdigest()
    path = cache_dir() / f"table-{digest}.json"
    try:
        if path.is_file():
            return _frame_from_plain(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        pass  # unreadable or of another shape: computed afresh and rewritten
    table = compute()
    with contextlib.suppress(TypeError, ValueError):
        _write_atomic(json.dumps(_frame_to_plain(table), default=_json_scalar), path, "table")
    return table


def _table_fields() -> list[dataclasses.Field]:
    """Return the fields of :class:`Dataset` that hold its tables (not its internal caches)."""
    return [field for field in dataclasses.fields(Dataset) if field.init]


def _read_cache(path: Path) -> Dataset | None:
    """Return the cached dataset, or None when the file cannot be read as one.

    ``RecursionError``: a file nested thousands of levels deep (never one this module wrote)
    exhausts the JSON parser's stack; like any other unparseable file it is ignored.
    """
    try:
        return dataset_from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None


def _write_cache(dataset: Dataset, path: Path) -> None:
    """Store a dataset atomically (concurrent kernels may write the same key); never raise."""
    with contextlib.suppress(TypeError, ValueError):
        _write_atomic(dataset_to_json(dataset), path, "dataset")


def _write_atomic(text: str, path: Path, kind: str) -> None:
    """Write a cache file atomically, keep the :data:`CACHE_KEEP` newest of its kind; never raise.

    Concurrent kernels may write the same file: each writes its own temporary file first.
    """
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{kind}-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
        cached = sorted(path.parent.glob(f"{kind}-*.json"), key=lambda p: p.stat().st_mtime)
        for old in cached[:-CACHE_KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                Path(tmp).unlink(missing_ok=True)
