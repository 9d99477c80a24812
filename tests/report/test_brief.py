"""The Word brief per district: read back with python-docx, converted by LibreOffice, stable."""

import io
import shutil
import subprocess
import zipfile

import docx
import pytest
from typer.testing import CliRunner

from ipanalysis import paths
from ipanalysis.assess import assess
from ipanalysis.cli import app
from ipanalysis.data.dataset import read_dataset
from ipanalysis.report.brief import ZIP_DATE, brief_bytes, evidence_text, newest_source_date
from ipanalysis.report.categories import verdict_groups
from ipanalysis.report.files import brief_name
from ipanalysis.report.text import region_summary
from ipanalysis.runner.plan import declared_parameters
from ipanalysis.scope import Scope

runner = CliRunner()
#: The reports' scope: the target years the forecast notebook declares (as `brief` uses).
REPORT_SCOPE = Scope(
    target_years=declared_parameters(paths.NOTEBOOKS_DIR / "forecast.ipynb").get("target_years")
)


@pytest.fixture(scope="module")
def tianjin_brief(tmp_path_factory):
    out = tmp_path_factory.mktemp("briefs")
    result = runner.invoke(app, ["brief", "--region", "tianjin", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / brief_name("tianjin")


def test_brief_reads_back_with_the_verdict_table_and_pictures(tianjin_brief):
    document = docx.Document(tianjin_brief)
    verdicts = document.tables[0]
    header = [cell.text for cell in verdicts.rows[0].cells]
    assert header[0] == "指标\nIndicator" and "达标概率\nP(meet)" in header
    assert any("Evidence" in h for h in header)
    dataset = read_dataset()
    assessment = assess(dataset, REPORT_SCOPE, regions=["tianjin"])
    groups = verdict_groups(assessment)
    judged = len(groups.decided) + len(groups.settled) + len(groups.leans) + len(groups.office)
    assert len(verdicts.rows) == judged + 1
    assert len(document.inline_shapes) >= 1  # the charts
    text = "\n".join(p.text for p in document.paragraphs)
    zh, en = region_summary(assessment, dataset, "tianjin")
    assert zh in text and en in text  # the two-sentence answer, in both languages
    for heading in ("方法 · Method", "来源 · Sources", "数据不足的目标"):
        assert heading in text


def test_brief_is_the_same_bytes_for_the_same_inputs(tianjin_brief):
    dataset = read_dataset()
    assessment = assess(dataset, REPORT_SCOPE, regions=["tianjin"])
    again = brief_bytes(dataset, assessment, "tianjin", REPORT_SCOPE)
    assert again == tianjin_brief.read_bytes()
    with zipfile.ZipFile(io.BytesIO(again)) as package:
        assert {entry.date_time for entry in package.infolist()} == {ZIP_DATE}
    properties = docx.Document(io.BytesIO(again)).core_properties
    assert properties.created.replace(tzinfo=None) == newest_source_date(dataset)


def test_brief_converts_to_pdf_with_libreoffice(tianjin_brief, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install -y libreoffice-writer)")
    profile = (tmp_path / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
               "pdf", "--outdir", str(tmp_path), str(tianjin_brief)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "tianjin-brief.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stdout + done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_region_without_verdicts_or_figures_gets_a_brief(mini_data, tmp_path, monkeypatch):
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path / "outputs"))
    result = runner.invoke(app, ["brief", "--region", "binhai"])  # no targets in the mini data
    assert result.exit_code == 0, result.output
    path = tmp_path / "outputs" / "export" / brief_name("binhai")
    text = "\n".join(p.text for p in docx.Document(path).paragraphs)
    assert "暂无已有结论的目标" in text and "No target has a verdict" in text


def test_evidence_shows_the_tier_and_the_reason_in_english():
    rec = {"evidence": "indicative", "evidence_reason": "一个数据 / one figure, 6 years ahead"}
    assert evidence_text(rec) == ("倾向", "indicative lean: one figure, 6 years ahead")
    observed = {"evidence": "observed", "evidence_reason": ""}
    assert evidence_text(observed) == ("数据已定", "observed")
    assert evidence_text({"evidence": float("nan")}) == ("–", "")
