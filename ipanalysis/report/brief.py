"""A Word brief per region, for the district office: the answer, the verdicts, the charts.

``<region>-brief.docx`` (python-docx; Word and WPS open and edit it) holds, in Chinese with
English alongside: the two-sentence answer, the verdict table (p, likelihood, evidence), the
two charts of the HTML reports, the figures still needed, the method in plain words and the
sources. Every wording that exists elsewhere comes from there: the answer from
:func:`~ipanalysis.report.text.region_summary`, targets and verdicts from
:func:`~ipanalysis.report.tables.verdict_table` (:func:`~ipanalysis.report.text.target_text`,
:func:`~ipanalysis.report.text.plain_note`), headers from the column specification, the
method from the HTML reports' method section, the charts from :mod:`ipanalysis.report.plots`.

The file is deterministic: the same data and code give the same bytes (fixed document
properties dated by the newest source, fixed zip entry dates), so the runner can commit it
beside the HTML reports and leave ``git status`` clean on a rerun.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
import pandas as pd
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ipanalysis.assess import assess
from ipanalysis.assess.method import METHOD
from ipanalysis.data.dataset import Dataset
from ipanalysis.formats import is_missing
from ipanalysis.report import plots
from ipanalysis.report.categories import verdict_groups
from ipanalysis.report.files import brief_name
from ipanalysis.report.labels import (
    EVIDENCE_LABELS,
    RELIABILITY_LABELS,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_TEXT_COLOURS,
    column_label,
)
from ipanalysis.report.lookups import region_names
from ipanalysis.report.needs import figures_needed, template_name
from ipanalysis.report.tables import figures_table, sources_table, verdict_table
from ipanalysis.report.text import region_summary
from ipanalysis.scope import Scope
from ipanalysis.writes import write_bytes_atomic

#: The document's font for Chinese text (present on every Chinese Windows and in WPS).
EAST_ASIAN_FONT = "宋体"
#: A4 landscape, and the room the tables and charts may take.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(29.7), Cm(21.0), Cm(1.8)
CHART_MAX_WIDTH, CHART_MAX_HEIGHT = Cm(25.5), Cm(15.5)
TABLE_FONT_SIZE = Pt(8.5)
ENGLISH_COLOUR = RGBColor(0x44, 0x44, 0x44)
#: Fixed date of every zip entry (the earliest a zip file can hold): the same bytes every run.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: Column widths of the three tables, in cm (they add up to the page's usable width).
VERDICT_WIDTHS = (4.6, 1.3, 3.3, 2.6, 2.2, 2.3, 2.8, 7.0)
NEEDED_WIDTHS = (5.0, 1.3, 3.6, 3.0, 5.0, 8.2)
SOURCE_WIDTHS = (4.4, 9.4, 4.0, 2.0, 2.2, 4.1)


def brief_bytes(dataset: Dataset, assessment: pd.DataFrame, region: str, scope: Scope) -> bytes:
    """Return a region's brief as .docx bytes (the same bytes for the same inputs).

    Parameters
    ----------
    dataset : Dataset
        The dataset.
    assessment : pandas.DataFrame
        The region's assessment in ``scope`` (rows of other regions are ignored).
    region : str
        Region id.
    scope : Scope
        What the assessment used (as-of, grades, interval level, target years).

    Returns
    -------
    bytes
        The Word document.
    """
    rows = assessment[assessment["region"] == region].reset_index(drop=True)
    document = _new_document(dataset, region)
    _add_answer(document, dataset, rows, region, scope)
    groups = verdict_groups(rows)
    # decided verdicts first, then the settled ones, the leans and the office's: the evidence
    # column says which is which
    shown = [groups.decided, groups.settled, groups.leans, groups.office]
    _add_verdicts(document, dataset, pd.concat([g for g in shown if len(g)] or [groups.decided]))
    _add_charts(document, dataset, rows, region, scope)
    _add_needed(document, dataset, groups.lacking, region, scope)
    _add_method(document)
    _add_sources(document, dataset, rows, region, scope)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())


def write_brief(
    dataset: Dataset, assessment: pd.DataFrame, region: str, scope: Scope, folder: Path
) -> Path:
    """Write ``<folder>/<region>-brief.docx`` whole or not at all; return its path."""
    path = Path(folder) / brief_name(region)
    return write_bytes_atomic(path, brief_bytes(dataset, assessment, region, scope))


def write_briefs(
    dataset: Dataset, regions: Sequence[str], scope: Scope, out_dir: Path
) -> list[Path]:
    """Assess each region in ``scope`` and write its brief into ``out_dir``.

    Returns
    -------
    list of pathlib.Path
        The files written, one per region.
    """
    return [
        write_brief(dataset, assess(dataset, scope, regions=[region]), region, scope, out_dir)
        for region in regions
    ]


def fixed_zip(package: bytes) -> bytes:
    """Return a zip file's entries rewritten with a fixed date and attributes, in order.

    python-docx dates every entry with the time of saving; this makes the bytes depend on the
    contents only.
    """
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the same on every platform
            info.external_attr = 0
            target.writestr(info, source.read(entry))
    return out.getvalue()


def newest_source_date(dataset: Dataset) -> datetime:
    """Return the publication date of the newest source (``2025`` counts as 1 January).

    The brief's document properties carry it as their date: it changes with the data, not
    with the clock.
    """
    dates = [str(d) for d in dataset.sources["date"] if not is_missing(d) and str(d)]
    newest = max(dates, default="2000")
    parts = [int(p) for p in newest.split("-")] + [1, 1]
    return datetime(parts[0], parts[1], parts[2])


# --------------------------------------------------------------------------- the document


def _new_document(dataset: Dataset, region: str) -> Any:
    """Return an empty A4-landscape document with the fonts and properties of a brief."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    for style in ("Normal", "Title", "Heading 1", "Heading 2"):
        fonts = document.styles[style].element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    zh, en = region_names(dataset, region)
    props = document.core_properties
    props.title = f"{zh} 知识产权规划目标简报 · {en}: IP plan targets brief"
    props.subject = "知识产权规划目标评估 IP plan targets"
    props.author = props.last_modified_by = "ipanalysis"
    props.comments = "由 ipanalysis 生成，可编辑。Made by ipanalysis from data/; edit freely."
    props.created = props.modified = newest_source_date(dataset)
    props.revision = 1
    return document


def _heading(document: Any, zh: str, en: str, level: int = 1) -> None:
    document.add_heading(f"{zh} · {en}", level=level)


def _bilingual(paragraph: Any, zh: str, en: str, *, size: Any = None, bold: bool = False) -> Any:
    """Write Chinese, then the English on a new line in grey (one paragraph: one cell's text)."""
    first = paragraph.add_run(zh)
    first.bold = bold
    if size is not None:
        first.font.size = size
    if en and en != zh:
        paragraph.add_run().add_break()
        second = paragraph.add_run(en)
        second.font.color.rgb = ENGLISH_COLOUR
        second.bold = bold
        if size is not None:
            second.font.size = size
    return paragraph


def _add_answer(
    document: Any, dataset: Dataset, rows: pd.DataFrame, region: str, scope: Scope
) -> None:
    """Add the title, what the brief covers and the two-sentence answer."""
    zh, en = region_names(dataset, region)
    document.add_heading(f"{zh} 知识产权规划目标简报", level=0)
    document.add_paragraph(f"{en}: brief on the IP plan targets")
    years = "、".join(str(y) for y in scope.target_years or sorted(rows["target_year"].unique()))
    cut = "全部数据" if scope.as_of is None else f"截至{scope.as_of}年的数据"
    cut_en = "every figure" if scope.as_of is None else f"figures up to {scope.as_of}"
    _bilingual(
        document.add_paragraph(),
        f"目标年份：{years}；{cut}；来源等级 {scope.min_reliability} 及以上；"
        f"预测区间 {scope.interval_level:.0%}。本文件由 ipanalysis 生成，可直接编辑。",
        f"Target years {years.replace('、', ', ')}; {cut_en}; sources of grade "
        f"{scope.min_reliability} or better; {scope.interval_level:.0%} intervals. Made by "
        "ipanalysis; edit freely.",
        size=Pt(9),
    )
    _heading(document, "结论", "The answer")
    summary_zh, summary_en = region_summary(rows, dataset, region)
    _bilingual(document.add_paragraph(), summary_zh, summary_en)


def _add_verdicts(document: Any, dataset: Dataset, decided: pd.DataFrame) -> None:
    """Add the table of targets with a verdict: target, latest, status, p, evidence, note."""
    _heading(document, "已有结论的目标", "Targets with a verdict")
    if decided.empty:
        _bilingual(document.add_paragraph(), "暂无已有结论的目标。", "No target has a verdict.")
        return
    shown = verdict_table(decided, dataset)
    headers = [
        column_label(name, "\n")
        for name in ("indicator", "target_year", "target_value", "latest_value", "status",
                     "p_meet", "evidence", "note")
    ]  # fmt: skip
    table = _table(document, headers, VERDICT_WIDTHS)
    for rec, row in zip(decided.to_dict("records"), shown.to_dict("records"), strict=True):
        zh_status, en_status = STATUS_LABELS.get(row["status"], (row["status"],) * 2)
        likelihood_en = "" if is_missing(rec.get("likelihood")) else str(rec["likelihood"])
        cells = [
            (row["indicator_zh"], row["indicator_en"]),
            (str(row["target_year"]), ""),
            (row["target"], ""),
            (row["latest"], ""),
            (zh_status, en_status),
            (row["p_meet"], likelihood_en),
            evidence_text(rec),
            (row["plain_zh"], row["plain_en"]),
        ]
        cell_row = _add_row(table, cells)
        _shade(cell_row[4], row["status"])


def evidence_text(rec: Any) -> tuple[str, str]:
    """Return a verdict's evidence tier (Chinese, then English with the reason).

    ``("倾向", "indicative lean: one figure, 6 year(s) before the target year: …")``;
    the reason is the English half of ``evidence_reason``.
    """
    evidence = rec.get("evidence")
    if is_missing(evidence) or not str(evidence):
        return "–", ""
    zh, en = EVIDENCE_LABELS.get(str(evidence), (str(evidence), str(evidence)))
    reason = rec.get("evidence_reason")
    if is_missing(reason) or not str(reason):
        return zh, en
    return zh, f"{en}: {str(reason).split(' / ', 1)[-1]}"


def _add_charts(
    document: Any, dataset: Dataset, rows: pd.DataFrame, region: str, scope: Scope
) -> None:
    """Add the two charts of the HTML reports: targets with their trends, every series."""
    charts = [
        (
            ("数据、趋势与目标", "Figures, trend and target"),
            plots.plot_forecasts(dataset, rows, scope),
        ),
        (
            ("各指标数据", "Figures by indicator"),
            plots.plot_series(dataset, region, scope),
        ),
    ]
    for (zh, en), figure in charts:
        _heading(document, zh, en)
        if figure is None:
            _bilingual(document.add_paragraph(), "没有可画的数据。", "No figures to draw.")
            continue
        width, height = figure.get_size_inches()
        scale = min(CHART_MAX_WIDTH / width, CHART_MAX_HEIGHT / height)
        document.add_picture(io.BytesIO(plots.figure_png(figure)), width=int(width * scale))


def _add_needed(
    document: Any, dataset: Dataset, lacking: pd.DataFrame, region: str, scope: Scope
) -> None:
    """Add the figures that would settle the targets without enough figures."""
    _heading(
        document, "数据不足的目标：需要哪些数据", "Targets without enough figures: what is needed"
    )
    needed = figures_needed(
        dataset, lacking, as_of=scope.as_of, min_reliability=scope.min_reliability
    )
    if needed.empty:
        _bilingual(document.add_paragraph(), "没有数据不足的目标。", "No target lacks figures.")
        return
    _bilingual(
        document.add_paragraph(),
        f"请在模板 {template_name(region)} 中填写数值、来源和原文后交回。",
        f"Please fill in value, source and quote in the template {template_name(region)} "
        "and send it back.",
    )
    names = ("indicator", "target_year", "target_value", "years_held", "collect", "required")
    table = _table(document, [column_label(n, "\n") for n in names], NEEDED_WIDTHS)
    for rec in needed.to_dict("records"):
        _add_row(
            table,
            [
                (rec["name_zh"], rec["name_en"]),
                (str(rec["target_year"]), ""),
                (rec["target"], ""),
                (rec["years_held"], ""),
                (rec["collect"], ""),
                (rec["required"], ""),
            ],
        )


def _add_method(document: Any) -> None:
    """Add the method in plain words (:data:`ipanalysis.assess.method.METHOD`)."""
    _heading(document, "方法", "Method")
    for title, zh, en in METHOD:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{title}  ").bold = True
        _bilingual(paragraph, zh, en)


def _add_sources(
    document: Any, dataset: Dataset, rows: pd.DataFrame, region: str, scope: Scope
) -> None:
    """Add the sources of the region's figures and targets."""
    _heading(document, "来源", "Sources")
    used = figures_table(dataset, region, scope)
    cited = {s for c in rows["citations"].dropna() for s in str(c).split(";") if s}
    sources = sources_table(dataset, {*used["source"], *cited})
    names = ("source_id", "source", "issuer", "date", "reliability", "url")
    table = _table(document, [column_label(n, "\n") for n in names], SOURCE_WIDTHS)
    for rec in sources.to_dict("records"):
        _add_row(
            table,
            [
                (rec["source_id"], ""),
                (rec["title_zh"], rec["title_en"]),
                (rec["issuer"], ""),
                (rec["date"] or "–", ""),
                (RELIABILITY_LABELS.get(rec["reliability"], rec["reliability"]), ""),
                (rec["url"], ""),
            ],
        )


# ------------------------------------------------------------------------------- tables


def _table(document: Any, headers: Sequence[str], widths: Sequence[float]) -> Any:
    """Add a bordered table with a bold header row repeated on every page."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid: what LibreOffice and WPS lay out by
    for cell, header, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = Cm(width)  # each cell: what Word lays out by
        zh, _, en = header.partition("\n")
        _bilingual(cell.paragraphs[0], zh, en, size=TABLE_FONT_SIZE, bold=True)
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    return table


def _add_row(table: Any, cells: Sequence[tuple[str, str]]) -> list[Any]:
    """Add a row of bilingual cells (Chinese, English) to a table; return its cells."""
    row = table.add_row().cells
    widths = [cell.width for cell in table.rows[0].cells]
    for cell, (zh, en), width in zip(row, cells, widths, strict=True):
        cell.width = width
        _bilingual(cell.paragraphs[0], str(zh), str(en), size=TABLE_FONT_SIZE)
    return row


def _shade(cell: Any, status: str) -> None:
    """Colour a status cell as the reports do (background and text colour)."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), STATUS_COLOURS.get(status, "#ffffff").lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)
    colour = RGBColor.from_string(STATUS_TEXT_COLOURS.get(status, "#000000").lstrip("#"))
    for run in cell.paragraphs[0].runs:
        run.font.color.rgb = colour
