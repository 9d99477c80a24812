"""Figure labels wrap between words, Chinese included (企事业单位 stays whole)."""

import pytest

from ipanalysis.data.dataset import read_dataset
from ipanalysis.report.wrapping import WORDS, ems, wrap_label


def _cuts(wrapped: str) -> list[int]:
    """Return where the lines were cut, as positions in the unwrapped text."""
    lengths = [len(line) for line in wrapped.split("\n")]
    return [sum(lengths[: i + 1]) for i in range(len(lengths) - 1)]


def _cuts_a_word(text: str, cut: int) -> bool:
    return any(
        text[start : start + len(word)] == word
        for word in WORDS
        for start in range(max(0, cut - len(word) + 1), cut)
    )


@pytest.mark.parametrize("width", [7, 9, 12, 20])
def test_no_indicator_name_is_cut_inside_a_word(width):
    for name in read_dataset().indicators["name_zh"]:
        wrapped = wrap_label(name, width)
        assert wrapped.replace("\n", "") == name.strip()
        assert not any(_cuts_a_word(name, cut) for cut in _cuts(wrapped)), wrapped


def test_the_issues_examples():
    # issue 19: the title was cut 企事业/单位
    assert "企事业单位" in wrap_label("通过知识产权贯标认证的企事业单位", 9).split("\n")[-1]
    assert wrap_label("每万人口高价值发明专利拥有量", 7) == "每万人口高价值\n发明专利拥有量"
    english = wrap_label("patent micro-navigation projects for enterprise operation", 14)
    assert (
        " ".join(english.split("\n"))
        == "patent micro-navigation projects for enterprise operation"
    )
    assert all(ems(line) <= 14 for line in english.split("\n"))
    assert wrap_label("短标签", 9) == "短标签"
