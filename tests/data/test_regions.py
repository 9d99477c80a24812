"""One rule for requested region ids, shared by ``assess --region`` and ``run --region``."""

import pandas as pd
import pytest

from ipanalysis.data.regions import RegionError, check_region_ids, reportable_region_ids

REGIONS = pd.DataFrame(
    {
        "region_id": ["binhai", "china", "tianjin"],
        "level": ["district", "country", "city"],
    }
)


def test_reportable_regions_are_cities_and_districts():
    assert reportable_region_ids(REGIONS) == ["binhai", "tianjin"]


def test_repeats_are_dropped_in_order():
    assert check_region_ids(["tianjin", "binhai", "tianjin"], REGIONS) == ["tianjin", "binhai"]


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ("hexi-qu", "is not a plain slug"),
        ("Binhai", "is not a plain slug"),
        ("nosuch", "Unknown region 'nosuch'"),
        ("china", "country-level benchmark"),
    ],
)
def test_refusals_name_the_region_and_list_the_valid_ones(region, message):
    with pytest.raises(RegionError) as err:
        check_region_ids([region], REGIONS)
    assert message in str(err.value)
    assert str(err.value).endswith("Valid regions: binhai, tianjin.")
