"""Which regions reports are made for, and the one check of a requested region id.

``ipanalysis assess --region X``, ``ipanalysis run --region X`` and a notebook run by plain
papermill accept and refuse the same regions with the same message. Cities and districts are
reportable; a country-level region (``china``) is a national benchmark: its figures serve
comparisons (高出全国平均水平…), and no report is made for it.
"""

from collections.abc import Iterable, Sequence

import pandas as pd

from ipanalysis.errors import RegionError
from ipanalysis.vocab import REGION_ID, REPORTABLE_LEVELS, is_region_id


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
        For an id that is not a plain region id (:data:`ipanalysis.vocab.REGION_ID`), is not
        in the regions table, or is a benchmark region (level ``country``); the message lists
        the valid regions.
    """
    valid = reportable_region_ids(regions)
    levels = dict(zip(regions["region_id"], regions["level"], strict=True))
    listed = f"Valid regions: {', '.join(valid)}."
    out: list[str] = []
    for region in ids:
        check_slug(region, listed)
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


def check_slug(region: object, listed: str = "") -> str:
    """Return ``region`` if it is a plain region id (it becomes a folder name), else refuse it.

    Parameters
    ----------
    region
        A requested region id.
    listed
        The valid regions, added to the message when known.

    Returns
    -------
    str
        ``region``.

    Raises
    ------
    RegionError
        For anything but :data:`ipanalysis.vocab.REGION_ID` (no data needed to say so).
    """
    if not is_region_id(region):
        raise RegionError(
            f"Region id {region!r} is not a plain slug (lower-case letters, digits and "
            f"underscores, starting with a letter: {REGION_ID}). {listed}".rstrip()
        )
    return region


def requested_regions(regions: pd.DataFrame, requested: Sequence[str] | str | None) -> list[str]:
    """Return the regions a report or command covers: every reportable one, or those asked for.

    Parameters
    ----------
    regions
        The regions table.
    requested
        One region id, several, or None for every reportable region.

    Returns
    -------
    list of str
        The region ids, checked (:func:`check_region_ids`) and de-duplicated.
    """
    if requested is None:
        return reportable_region_ids(regions)
    return check_region_ids([requested] if isinstance(requested, str) else requested, regions)
