"""What validate --detail prints: conflicts with the rule or the tie, implied populations."""

import pytest

from ipanalysis.data.dataset import read_dataset
from ipanalysis.report.validation import conflict_lines, population_lines, selection_label


@pytest.fixture(scope="module")
def shipped():
    return read_dataset()


@pytest.mark.parametrize(
    ("selected", "tied", "selection", "said"),
    [
        (True, False, "grade", ", used: grade"),
        (False, False, "", ""),
        (True, True, "tie", ", tie: verdict shown under each"),
        (False, True, "", ", tie"),
    ],
)
def test_selection_label(selected, tied, selection, said):
    assert selection_label(selected, tied, selection) == said


def test_the_promotion_events_tie_shows_both_figures(shipped):
    (line,) = [ln for ln in conflict_lines(shipped) if "patent_promotion_events 2024" in ln]
    assert "36 (" in line and "41 (" in line and line.count("tie") == 2


def test_nankai_baseline_is_flagged(shipped):
    flagged = [ln for ln in population_lines(shipped) if "not comparable" in ln]
    assert len(flagged) == 1 and "nankai 2020" in flagged[0] and "114.4万" in flagged[0]
