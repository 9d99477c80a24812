"""Names for ids: indicators and regions in Chinese and English, with units."""

from __future__ import annotations

import pandas as pd

from ipanalysis.data.dataset import Dataset
from ipanalysis.formats import is_missing


def indicator_names(dataset: Dataset) -> pd.DataFrame:
    """Return ``indicator_id → name_zh, name_en, unit, kind, better`` (indexed by id)."""
    cols = ["name_zh", "name_en", "unit", "kind", "better"]
    return dataset.indicators.set_index("indicator_id")[cols]


def with_indicator_names(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Add ``name_zh, name_en, unit`` for the frame's ``indicator`` column (ids as fallback)."""
    names = indicator_names(dataset)[["name_zh", "name_en", "unit"]]
    out = frame.merge(names, left_on="indicator", right_index=True, how="left")
    for col in ("name_zh", "name_en"):
        out[col] = out[col].fillna(out["indicator"])
    out["unit"] = out["unit"].fillna("")
    return out


def indicator_row(dataset: Dataset, indicator_id: str) -> dict[str, str]:
    """Return one indicator's names, unit, kind and direction as text (the id as its name)."""
    names = indicator_names(dataset)
    if indicator_id in names.index:
        row = names.loc[indicator_id]
        return {c: ("" if is_missing(row[c]) else str(row[c])) for c in names.columns}
    return {"name_zh": indicator_id, "name_en": indicator_id, "unit": "", "kind": "", "better": ""}


def region_names(dataset: Dataset, region: str) -> tuple[str, str]:
    """Return the Chinese and English names of a region (the id when unknown)."""
    regions = dataset.regions.set_index("region_id")
    if region not in regions.index:
        return region, region
    return str(regions.at[region, "name_zh"]), str(regions.at[region, "name_en"])
