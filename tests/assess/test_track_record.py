"""The track record: past targets in earlier vintages, Brier scores, the reliability table."""

import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ipanalysis.assess.track_record import (
    ALL_FORECASTS,
    RELIABILITY_COLUMNS,
    TARGET_BACKTEST_COLUMNS,
    UNKNOWN_OUTCOME,
    backtest_targets,
    run_backtest,
    summarise_track_record,
)
from ipanalysis.cli import app
from ipanalysis.model.backtest import SITUATION_COLUMNS
from ipanalysis.report.files import BACKTEST_FILES, write_backtest
from tests.model.test_backtest import YEARLY, make_dataset


def _target(target_id, year, value, source="plan", comparator=">="):
    return {
        "target_id": target_id,
        "region": "binhai",
        "indicator": "stock_i",
        "target_year": year,
        "kind": "level",
        "comparator": comparator,
        "value": float(value),
        "value_max": np.nan,
        "value_basis": "level",
        "base_year": pd.NA,
        "start_year": pd.NA,
        "source": source,
        "supersedes": "",
        "current": True,
    }


def _targets(*rows):
    return pd.DataFrame(list(rows)).astype({"base_year": "Int64", "start_year": "Int64"})


# The plan of 2017 (published with the 2016 figure, "2017-01") sets 150 for 2022.
PLAN = (2016, 100.0, "plan", "2017-01")


def test_past_targets_are_assessed_one_to_three_years_before_with_their_outcome():
    frame = backtest_targets(make_dataset([*YEARLY, PLAN], _targets(_target("t", 2022, 150))))
    assert list(frame.columns) == TARGET_BACKTEST_COLUMNS
    # 2022: 100 × 1.1**6 = 177.2 ≥ 150: achieved; assessed as of 2021, 2020, 2019
    assert sorted(frame["as_of"]) == [2019, 2020, 2021]
    assert set(frame["outcome"]) == {"achieved"}
    # a stock already at 161 in 2021 is achieved then: p counts as 1, Brier 0
    then = frame.set_index("as_of")
    assert then.at[2021, "predicted_status"] == "achieved" and then.at[2021, "brier"] == 0
    # forecasts are scored by their p: Brier (p − 1)² for a target met
    forecast = frame[frame["p_meet"].notna()]
    assert len(forecast) and np.allclose(forecast["brier"], (forecast["p_meet"] - 1) ** 2)


def test_a_restated_target_is_matched_across_vintages_by_what_it_asks():
    # The 2017 plan's target and its 2021 restatement (another id, another source) ask the
    # same; early vintages see only the plan's id, the final one may show either.
    restated = (2020, 100 * 1.1**4, "restatement", "2021-04")
    figures = [*[f for f in YEARLY if f[0] != 2020], PLAN, restated]
    targets = _targets(_target("plan-t", 2022, 150), _target("later-t", 2022, 150, "restatement"))
    frame = backtest_targets(make_dataset(figures, targets))
    assert sorted(frame["as_of"]) == [2019, 2020, 2021]  # one row per vintage, not two
    assert frame.loc[frame["as_of"] == 2019, "target_id"].item() == "plan-t"


def test_a_past_target_without_its_figure_is_listed_with_an_unknown_outcome():
    figures = [f for f in YEARLY if f[0] <= 2019] + [PLAN, (2022, 190.0, "wp2022", "2023-04")]
    frame = backtest_targets(make_dataset(figures, _targets(_target("t", 2021, 150))))
    assert set(frame["outcome"]) == {UNKNOWN_OUTCOME}
    assert frame["brier"].isna().all() and frame["correct"].isna().all()
    assert summarise_track_record(frame).empty  # listed, not scored


def _past(status, p, outcome, evidence="tested"):
    return {"predicted_status": status, "p_meet": p, "outcome": outcome, "evidence": evidence}


def test_reliability_table_known_answer():
    # Worked by hand: two tested calls in p ≥ 2/3 (0.9 met, 0.7 missed): mean p 0.8, share
    # met 0.5, Brier ((0.1)² + (0.7)²) / 2 = 0.25; an indicative at_risk 0.5 that met:
    # Brier 0.25; an achieved-by-figures verdict scores p = 1 against a met target: 0.
    past = pd.DataFrame(
        [
            _past("on_track", 0.9, "achieved"),
            _past("on_track", 0.7, "missed"),
            _past("at_risk", 0.5, "achieved", "indicative"),
            _past("achieved", math.nan, "achieved", "observed"),
            _past("insufficient_data", math.nan, "achieved", "none"),
        ]
    )
    table = summarise_track_record(past)
    assert list(table.columns) == RELIABILITY_COLUMNS
    row = table.set_index(["evidence", "p_band"]).loc[("tested", "p ≥ 2/3")]
    assert (row["n"], row["mean_p"], row["share_met"]) == (2, pytest.approx(0.8), 0.5)
    assert row["brier"] == pytest.approx(0.25)
    lean = table.set_index(["evidence", "p_band"]).loc[("indicative", "1/3 < p < 2/3")]
    assert lean["brier"] == pytest.approx(0.25)
    forecasts = table.set_index(["evidence", "p_band"]).loc[(ALL_FORECASTS, "all")]
    assert forecasts["n"] == 3  # the settled verdict and the one without p are not forecasts
    assert forecasts["brier"] == pytest.approx((0.01 + 0.49 + 0.25) / 3)
    settled = table.set_index(["evidence", "p_band"]).loc[("observed", "all")]
    assert (settled["n"], settled["brier"]) == (1, 0)


def test_run_backtest_and_writer(tmp_path):
    targets = _targets(_target("t", 2022, 150))
    situations, past, reliability = run_backtest(make_dataset([*YEARLY, PLAN], targets))
    assert "deployed" in set(situations["method"])
    paths = write_backtest(situations, past, reliability, folder=tmp_path)
    assert [p.name for p in paths] == list(BACKTEST_FILES)
    assert list(pd.read_csv(paths[0]).columns) == SITUATION_COLUMNS
    assert list(pd.read_csv(paths[2]).columns) == RELIABILITY_COLUMNS


def test_cli_backtest_writes_its_three_files_and_prints_no_nan(tmp_path, monkeypatch, mini_data):
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["backtest"])
    assert result.exit_code == 0, result.output
    assert "nan" not in result.output and "<NA>" not in result.output
    export = tmp_path / "export"  # not over the run's committed track record
    assert all((export / name).exists() for name in BACKTEST_FILES)
    assert not (tmp_path / BACKTEST_FILES[0]).exists()
