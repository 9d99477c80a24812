"""The one place that says where things are.

Every path is derived from the repository root (the folder above this package), never from the
working directory, so the package, the notebooks and the tests agree wherever they are run from.
``IPANALYSIS_DATA_DIR`` and ``IPANALYSIS_OUTPUTS_DIR`` override the two folders a user may want
elsewhere (a copy of the data under edit, a scratch output folder).
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
#: Folders inside the outputs folder that git ignores, so any command may write there: files to
#: take away (``ipanalysis export``, ``needs``, ``brief``, ``backtest``) and variant runs.
EXPORT_DIRNAME = "export"
VARIANTS_DIRNAME = "variants"


def data_dir() -> Path:
    """Return the folder holding the dataset's CSV tables and ``sources/``."""
    return Path(os.environ.get("IPANALYSIS_DATA_DIR", REPO_ROOT / "data")).resolve()


def outputs_dir() -> Path:
    """Return the folder the runs write to."""
    return Path(os.environ.get("IPANALYSIS_OUTPUTS_DIR", REPO_ROOT / "outputs")).resolve()


def sources_dir() -> Path:
    """Return the folder holding the verbatim source texts."""
    return data_dir() / "sources"
