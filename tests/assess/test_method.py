"""One method text: the README and every report show the package's words, the notebooks none."""

import html
import json

import pytest

from ipanalysis import paths
from ipanalysis.assess.method import METHOD, method_markdown

REPORTS = sorted(paths.REPO_ROOT.glob("outputs/**/forecast.html")) + [
    paths.REPO_ROOT / "outputs" / "overview.html"
]
#: What earlier method texts said, contradicting the model (issue 16): none may come back.
CONTRADICTIONS = (
    "regression of log",
    "log-linear regression",
    "对数值对年份回归进行预测",
    "三年才能给出预测区间",
    "a forecast interval three",
    "two figures give no probability",
)


def test_the_readme_shows_the_method_word_for_word():
    readme = (paths.REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert method_markdown() in readme


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.parent.name + "/" + p.name)
def test_every_report_shows_the_method_word_for_word(report):
    text = report.read_text(encoding="utf-8")
    for _, zh, en in METHOD:
        assert html.escape(zh, quote=False) in text and html.escape(en, quote=False) in text


@pytest.mark.parametrize("notebook", sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")),
                         ids=lambda p: p.name)  # fmt: skip
def test_notebooks_describe_no_method_of_their_own(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert not [phrase for phrase in CONTRADICTIONS if phrase in prose]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    if notebook.stem in ("forecast", "overview"):
        assert "show_method(" in code  # the method is shown from the package, not written here
