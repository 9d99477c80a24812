"""Which regions reports are made for, and the one check of a requested region id.

``ipanalysis assess --region X`` and ``ipanalysis run --region X`` accept and refuse the same
regions with the same message. Cities and districts are reportable; a country-level region
(``china``) is a national benchmark: its figures serve comparisons (高出全国平均水平…), and no
report is made for it.
"""

import re
from collections.abc import Iterable

import pandas as pd

from ipanalysis.tables import REGION_ID

#: Region levels reports are made for.
REPORTABLE_LEVELS = ("city", "district")


class RegionError(ValueError):
    """A requested region id is malformed, unknown or not reportable."""


def reportable_region_ids(regions: pd.DataFrame) -> list[str]:
    """Return the ids of the regions reports are made for, sorted.

    Parameters
    ----------
    regions
        The regions table (``region_id``, ``level``).

    Returns
    -------
    list of str
        Ids of the cities and districts.
    """
    return sorted(regions.loc[regions["level"].isin(REPORTABLE_LEVELS), "region_id"])


def check_region_ids(ids: Iterable[str], regions: pd.DataFrame) -> list[str]:
    """Return the requested region ids without repeats, after checking each is reportable.

    Parameters
    ----------
    ids
        Region ids as requested (``--region`` options or a notebook parameter).
    regions
        The regions table (``region_id``, ``level``).

    Returns
    -------
    list of str
        The ids in the order given, without repeats.

    Raises
    ------
    RegionError
        For an id that is not a plain region id (:data:`ipanalysis.tables.REGION_ID`), is not
        in the regions table, or is a benchmark region (level ``country``); the message lists
        the valid regions.
    """
    valid = reportable_region_ids(regions)
    levels = dict(zip(regions["region_id"], regions["level"], strict=True))
    listed = f"Valid regions: {', '.join(valid)}."
    out: list[str] = []
    for region in ids:
        if not isinstance(region, str) or not re.fullmatch(REGION_ID, region):
            raise RegionError(
                f"Region id {region!r} is not a plain slug (lower-case letters, digits and "
                f"underscores, starting with a letter: {REGION_ID}). {listed}"
            )
        if region not in levels:
            raise RegionError(f"Unknown region {region!r}. {listed}")
        if levels[region] not in REPORTABLE_LEVELS:
            raise RegionError(
                f"Region {region!r} is a {levels[region]}-level benchmark: its figures serve "
                f"comparisons and no report is made for it. {listed}"
            )
        if region not in out:
            out.append(region)
    return out
