"""Every verdict in the committed outputs can be re-derived from the numbers printed beside it.

A reader of ``outputs/<region>/assessment.csv`` (or of the reports, which print the same
numbers) sees the forecast, its 80% interval, the degrees of freedom and the target. From those
alone p_meet follows (the interval is ``forecast * exp(±t(df) * se)`` on the log scale, so ``se``
is its log width over ``2 * t_0.9(df)``), and from p_meet the status and the likelihood phrase
(IPCC scale). These tests redo that arithmetic with scipy, independently of the package; a
forecast from one or two figures keeps p within the documented limits (3%–97%).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ipanalysis import paths
from ipanalysis.assess.rules import FEW_FIGURES, P_LIMITS_FEW_FIGURES, likelihood

OUTPUTS = paths.REPO_ROOT / "outputs"
# the committed sets: the overview's and each region's (not export/ or variants/)
ASSESSMENTS = [OUTPUTS / "assessment.csv"] + sorted(
    p for p in OUTPUTS.glob("*/assessment.csv") if (p.parent / "forecast.ipynb").is_file()
)
#: ``~ L`` (左右) is met from 5% below L (the band of ipanalysis.assess.rules, documented there).
APPROX_TOLERANCE = 0.05


def _label(path: Path) -> str:
    return path.relative_to(paths.REPO_ROOT).as_posix()


@pytest.mark.parametrize("path", ASSESSMENTS, ids=_label)
def test_no_target_appears_twice(path):
    table = pd.read_csv(path)
    assert table["target_id"].is_unique
    same = ["region", "indicator", "target_year", "target_kind", "target_value"]
    assert not table.duplicated(same).any(), table[table.duplicated(same, keep=False)]


@pytest.mark.parametrize("path", ASSESSMENTS, ids=_label)
def test_p_meet_follows_from_the_printed_interval(path):
    table = pd.read_csv(path)
    rows = table[table["p_meet"].notna() & table["forecast_lower"].notna()]
    for row in rows.itertuples():
        assert row.method == "damped_drift", row  # the deployed model: log scale
        t = stats.t(row.df)
        lo, hi = np.log(row.forecast_lower), np.log(row.forecast_upper)
        se = (hi - lo) / (2 * t.ppf(0.9))
        assert np.exp((lo + hi) / 2) == pytest.approx(row.forecast, rel=1e-6)
        bound = row.target_value * (1 - APPROX_TOLERANCE if row.comparator == "~" else 1)
        z = (np.log(bound) - (lo + hi) / 2) / se
        p = t.cdf(z) if row.comparator in ("<=", "<") else t.sf(z)
        if row.n_points <= FEW_FIGURES:  # one or two figures: p kept within the limits
            p = min(max(p, P_LIMITS_FEW_FIGURES[0]), P_LIMITS_FEW_FIGURES[1])
        assert p == pytest.approx(row.p_meet, abs=1e-6), (row.target_id, p, row.p_meet)


@pytest.mark.parametrize("path", ASSESSMENTS, ids=_label)
def test_status_and_likelihood_follow_from_p_meet(path):
    table = pd.read_csv(path, keep_default_na=False, na_values=[""])
    open_targets = table[table["status"].isin(["on_track", "at_risk", "off_track"])]
    for row in open_targets.itertuples():
        if np.isnan(row.p_meet):
            continue  # decided by the growth ratio (printed beside it) without an interval
        p = row.p_meet
        expected = "on_track" if p >= 2 / 3 else "off_track" if p <= 1 / 3 else "at_risk"
        assert row.status == expected, (row.target_id, row.p_meet, row.status)
        assert (row.likelihood, row.likelihood_zh) == likelihood(row.p_meet)
