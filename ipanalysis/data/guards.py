"""Refuse a run that would silently replace good results with empty ones.

A dataset emptied by mistake (observations.csv reduced to its header, a sheet saved without its
rows) still validates, and a run would overwrite every report with ``insufficient_data``.
:func:`check_figures_kept` refuses that unless the user asks for it explicitly.
"""

from pathlib import Path

import pandas as pd

from ipanalysis import paths
from ipanalysis.data.dataset import Dataset

#: A run is refused when fewer than this share of the targets that had figures in the committed
#: assessment still have any.
MIN_KEPT_SHARE = 0.5
#: The option that lets a run go ahead anyway.
OVERRIDE_OPTION = "--allow-fewer-figures"


class FiguresLostError(ValueError):
    """The dataset has no figures, or lost most of them against the committed outputs."""


def count_targets_with_figures(assessment: pd.DataFrame, ds: Dataset) -> tuple[int, int]:
    """Count the committed assessment's targets that had figures, and those that still have.

    Parameters
    ----------
    assessment
        A committed assessment table (``region``, ``indicator``, ``n_points``).
    ds
        The dataset about to be run.

    Returns
    -------
    had : int
        Targets with at least one figure (``n_points > 0``) in ``assessment``.
    kept : int
        Of those, the targets whose region and indicator still have a full-year figure in ``ds``.
    """
    had = assessment[pd.to_numeric(assessment["n_points"], errors="coerce").fillna(0) > 0]
    full_year = ds.observations[ds.observations["period"] == ""]
    present = set(zip(full_year["region"], full_year["indicator"], strict=True))
    kept = sum((r, i) in present for r, i in zip(had["region"], had["indicator"], strict=True))
    return len(had), kept


def check_figures_kept(ds: Dataset, committed: Path | None = None) -> None:
    """Refuse a dataset with no figures, or one that lost most figures the outputs were made from.

    Parameters
    ----------
    ds
        The validated dataset about to be run.
    committed
        The committed assessment to compare with; default ``outputs/assessment.csv``. When it
        does not exist (a fresh output folder), only the no-figures rule applies.

    Raises
    ------
    FiguresLostError
        With what was found and how to go ahead anyway (:data:`OVERRIDE_OPTION`).
    """
    stated = int((~ds.observations["derived"]).sum())
    if stated == 0:
        raise FiguresLostError(
            "The dataset has no figures (observations.csv has no rows): a run would replace "
            f"every report with insufficient_data. Restore the data, or pass {OVERRIDE_OPTION}."
        )
    committed = committed if committed is not None else paths.outputs_dir() / "assessment.csv"
    if not committed.is_file():
        return
    try:
        assessment = pd.read_csv(
            committed, encoding="utf-8-sig", dtype={"region": str, "indicator": str}
        )
        had, kept = count_targets_with_figures(assessment, ds)
    except (ValueError, KeyError, OSError):  # an unreadable or foreign file: nothing to compare
        return
    if had and kept < MIN_KEPT_SHARE * had:
        raise FiguresLostError(
            f"Only {kept} of the {had} targets that had figures in {committed.name} still have "
            f"any: a run would replace their verdicts with insufficient_data. Check "
            f"observations.csv and relations.csv, or pass {OVERRIDE_OPTION} if the loss is "
            f"intended."
        )
