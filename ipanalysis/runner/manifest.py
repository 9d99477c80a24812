"""What each output was made from: the manifest that lets a rerun skip unchanged notebooks.

``outputs/manifest.json`` (and ``outputs/variants/<slug>/manifest.json``) records, for every
output of the folder, digests of its inputs::

    {
     "format": 1,
     "outputs": {
      "binhai/forecast": {"data": "…", "notebook": "…", "package": "…", "parameters": "…"},
      "binhai/assessment.csv": {"data": "…", "package": "…", "parameters": "…"},
      "overview/overview": {…},
      …
     }
    }

* ``notebook``: the bytes of ``notebooks/<name>.ipynb`` (line ends normalised);
* ``parameters``: the parameters injected into it (region included);
* ``data``: the rows of the *resolved* dataset the region reads (its stated and derived
  figures, targets and conflicts, its row of ``regions``, every indicator, the sources it
  cites); the overview reads everything, so its digest covers every table;
* ``package``: the package's files and the versions of Python and of the libraries that
  shape the outputs.

A notebook whose four digests equal the recorded ones, and whose outputs are there, is not
executed again. The file has no timestamps and no absolute paths, keys are sorted: the same
inputs give the same bytes, so it is committed with the outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

#: The manifest's file name inside an outputs folder.
MANIFEST_NAME = "manifest.json"
#: Version of the manifest's layout; another number means "rerun everything".
MANIFEST_FORMAT = 1
#: Libraries whose version can change what a report shows (besides Python itself).
OUTPUT_LIBRARIES = (
    "ipykernel",
    "ipython",
    "jinja2",
    "jupyter_client",
    "matplotlib",
    "mistune",
    "nbclient",
    "nbconvert",
    "nbformat",
    "numpy",
    "pandas",
    "pandera",
    "papermill",
    "pygments",
    "scipy",
    "seaborn",
    "statsmodels",
)
_DIGEST_CHARS = 16  # 64 bits: plenty to tell a changed input from an unchanged one


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()[:_DIGEST_CHARS]


def _file_bytes(path: Path) -> bytes:
    """Return a file's bytes, with Windows line ends normalised (git may convert them)."""
    return path.read_bytes().replace(b"\r\n", b"\n")


def notebook_fingerprint(path: Path) -> str:
    """Return the digest of a source notebook's bytes.

    Parameters
    ----------
    path : Path
        The notebook (``notebooks/forecast.ipynb``).

    Returns
    -------
    str
        A hex digest.
    """
    return _digest(_file_bytes(path))


def parameters_fingerprint(parameters: Mapping[str, Any]) -> str:
    """Return the digest of a notebook's injected parameters (order does not matter).

    Parameters
    ----------
    parameters : mapping
        Name to value, as papermill injects them.

    Returns
    -------
    str
        A hex digest.
    """
    return _digest(json.dumps(dict(parameters), sort_keys=True, default=repr).encode())


def package_fingerprint(package_dir: Path | None = None) -> str:
    """Return the digest of the package's files and of the versions that shape the outputs.

    Parameters
    ----------
    package_dir : Path, optional
        The package folder; default the installed ``ipanalysis``.

    Returns
    -------
    str
        A hex digest over every file of the package (bytecode caches left out), the Python
        version and the versions of :data:`OUTPUT_LIBRARIES`.
    """
    root = package_dir or Path(__file__).resolve().parent.parent
    parts = [sys.version.split()[0].encode()]
    for name in OUTPUT_LIBRARIES:
        try:
            parts.append(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            parts.append(f"{name} missing".encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            parts.append(path.relative_to(root).as_posix().encode())
            parts.append(_file_bytes(path))
    return _digest(*parts)


def _frame_bytes(frame: Any) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def data_fingerprints(dataset: Any, regions: Iterable[str], overview_key: str) -> dict[str, str]:
    """Return the digest of the data each region's reports read, and of all of it.

    Parameters
    ----------
    dataset : ipanalysis.data.dataset.Dataset
        The resolved dataset (figures derived and selected, conflicts found).
    regions : iterable of str
        Region ids.
    overview_key : str
        The key under which to return the digest of the whole dataset.

    Returns
    -------
    dict of str to str
        Region id (and ``overview_key``) to a hex digest. A region's digest covers its rows
        of ``observations`` (stated and derived: a figure derived from another region's
        figure is one of its rows), ``targets`` and ``conflicts``, its row of ``regions``,
        the whole ``indicators`` table and the rows of ``sources`` its figures and targets
        cite.
    """
    obs, targets, conflicts = dataset.observations, dataset.targets, dataset.conflicts
    everything = [
        _frame_bytes(getattr(dataset, name))
        for name in ("sources", "regions", "indicators", "observations", "targets", "conflicts")
    ]
    out = {overview_key: _digest(*everything)}
    indicators = _frame_bytes(dataset.indicators)
    for region in regions:
        own_obs = obs[obs["region"] == region]
        own_targets = targets[targets["region"] == region]
        cited = set(own_obs["source"]) | set(own_targets["source"])
        out[region] = _digest(
            _frame_bytes(own_obs),
            _frame_bytes(own_targets),
            _frame_bytes(conflicts[conflicts["region"] == region]),
            _frame_bytes(dataset.regions[dataset.regions["region_id"] == region]),
            indicators,
            _frame_bytes(dataset.sources[dataset.sources["source_id"].isin(cited)]),
        )
    return out


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """Return the recorded inputs of each output in ``folder`` (empty if none or unreadable).

    Parameters
    ----------
    folder : Path
        An outputs folder.

    Returns
    -------
    dict
        ``"<key>/<notebook>"`` to its digests. An entry that is not an object of strings (a
        hand edit, a merge gone wrong) is left out: its output counts as not made, and is
        made again.
    """
    try:
        content = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return {}
    if not isinstance(content, dict) or content.get("format") != MANIFEST_FORMAT:
        return {}
    entries = content.get("outputs")
    if not isinstance(entries, dict):
        return {}
    return {key: digests for key, digests in entries.items() if _is_entry(key, digests)}


def _is_entry(key: object, digests: object) -> bool:
    """Whether a manifest entry has the recorded shape: ``"<key>/<name>"`` to str digests."""
    return (
        isinstance(key, str)
        and "/" in key
        and isinstance(digests, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in digests.items())
    )


def write_manifest(folder: Path, entries: Mapping[str, Mapping[str, str]]) -> Path:
    """Write the manifest atomically (sorted keys, no timestamps, no paths).

    Parameters
    ----------
    folder : Path
        The outputs folder.
    entries : mapping
        ``"<key>/<notebook>"`` to its digests.

    Returns
    -------
    Path
        The manifest's path.
    """
    path = folder / MANIFEST_NAME
    text = json.dumps(
        {"format": MANIFEST_FORMAT, "outputs": {k: dict(v) for k, v in entries.items()}},
        indent=1,
        sort_keys=True,
        ensure_ascii=False,
    )
    tmp = folder / f".{MANIFEST_NAME}.{os.getpid()}.tmp"
    tmp.write_text(text + "\n", encoding="utf-8", newline="\n")
    os.replace(tmp, path)
    return path


def changed_inputs(recorded: Mapping[str, str] | None, current: Mapping[str, str]) -> list[str]:
    """Return which inputs differ from the recorded ones (all of them when nothing is recorded).

    Parameters
    ----------
    recorded : mapping or None
        The manifest's entry for an output.
    current : mapping
        The digests of its inputs now.

    Returns
    -------
    list of str
        Sorted input names (``data``, ``notebook``, ``package``, ``parameters``) that changed.
    """
    if not recorded:
        return sorted(current)
    return sorted(
        name for name in set(current) | set(recorded) if recorded.get(name) != current.get(name)
    )
