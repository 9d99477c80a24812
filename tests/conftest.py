"""Shared fixtures: a tiny, self-consistent dataset written to a temporary folder."""

import csv
import hashlib
import os
from pathlib import Path

import pytest

MINI_SOURCE_TEXT = (
    "截至2024年底,全市有效发明专利达到7.29万件,同比增长14.3%。"
    "滨海新区有效发明专利达到26513件,占全市36.4%。"
    "2023年,全市有效发明专利63761件。"
    "到2025年,全市每万人口高价值发明专利拥有量达到22.5件。"
    "2024年,我市每万人口高价值发明专利拥有量达到21.8件,同比增长15.3%。"
)

MINI_TABLES = {
    "sources": [
        {
            "source_id": "doc",
            "title_zh": "文件",
            "title_en": "A document",
            "issuer": "某局",
            "date": "2025-04",
            "date_basis": "page",
            "date_note": "",
            "file": "doc.txt",
            "url": "",
            "reliability": "A",
            "sha256": None,
            "note": "",
        },
    ],
    "regions": [
        {
            "region_id": "binhai",
            "name_zh": "滨海新区",
            "name_en": "Binhai",
            "level": "district",
            "parent": "tianjin",
        },
        {
            "region_id": "tianjin",
            "name_zh": "天津市",
            "name_en": "Tianjin",
            "level": "city",
            "parent": "",
        },
    ],
    "indicators": [
        {
            "indicator_id": "valid_invention_patents",
            "name_zh": "有效发明专利",
            "name_en": "valid invention patents",
            "unit": "件",
            "kind": "stock",
            "better": "higher",
            "basis": "statistic",
            "per_10k_of": "",
            "note": "",
        },
        {
            "indicator_id": "hv_per_10k",
            "name_zh": "每万人口高价值发明专利拥有量",
            "name_en": "high-value invention patents per 10k",
            "unit": "件/万人",
            "kind": "ratio",
            "better": "higher",
            "basis": "statistic",
            "per_10k_of": "",
            "note": "",
        },
    ],
    "observations": [
        {
            "region": "tianjin",
            "indicator": "valid_invention_patents",
            "year": "2024",
            "period": "",
            "value": "7.29",
            "scale": "万",
            "qualifier": "",
            "scale_missing_in_quote": "",
            "source": "doc",
            "quote": "全市有效发明专利达到7.29万件,同比增长14.3%",
            "note": "",
        },
        {
            "region": "binhai",
            "indicator": "valid_invention_patents",
            "year": "2024",
            "period": "",
            "value": "26513",
            "scale": "",
            "qualifier": "",
            "scale_missing_in_quote": "",
            "source": "doc",
            "quote": "滨海新区有效发明专利达到26513件,占全市36.4%",
            "note": "",
        },
        {
            "region": "tianjin",
            "indicator": "valid_invention_patents",
            "year": "2023",
            "period": "",
            "value": "63761",
            "scale": "",
            "qualifier": "",
            "scale_missing_in_quote": "",
            "source": "doc",
            "quote": "2023年,全市有效发明专利63761件",
            "note": "",
        },
        {
            "region": "tianjin",
            "indicator": "hv_per_10k",
            "year": "2024",
            "period": "",
            "value": "21.8",
            "scale": "",
            "qualifier": "",
            "scale_missing_in_quote": "",
            "source": "doc",
            "quote": "每万人口高价值发明专利拥有量达到21.8件,同比增长15.3%",
            "note": "",
        },
    ],
    "relations": [
        {
            "region": "tianjin",
            "indicator": "valid_invention_patents",
            "year": "2024",
            "period": "",
            "source": "doc",
            "relation": "yoy_growth_pct",
            "value": "14.3",
            "ref_year": "",
            "ref_region": "",
            "quote": "7.29万件,同比增长14.3%",
            "note": "",
        },
        {
            "region": "binhai",
            "indicator": "valid_invention_patents",
            "year": "2024",
            "period": "",
            "source": "doc",
            "relation": "share_of_parent_pct",
            "value": "36.4",
            "ref_year": "",
            "ref_region": "",
            "quote": "26513件,占全市36.4%",
            "note": "",
        },
        {
            "region": "tianjin",
            "indicator": "hv_per_10k",
            "year": "2024",
            "period": "",
            "source": "doc",
            "relation": "yoy_growth_pct",
            "value": "15.3",
            "ref_year": "",
            "ref_region": "",
            "quote": "达到21.8件,同比增长15.3%",
            "note": "",
        },
    ],
    "targets": [
        {
            "target_id": "tianjin-hv-2025",
            "region": "tianjin",
            "indicator": "hv_per_10k",
            "target_year": "2025",
            "kind": "level",
            "comparator": ">=",
            "value": "22.5",
            "value_max": "",
            "scale": "",
            "value_basis": "level",
            "base_year": "",
            "start_year": "",
            "source": "doc",
            "quote": "全市每万人口高价值发明专利拥有量达到22.5件",
            "note": "",
            "supersedes": "",
        },
    ],
}


#: The header of a table the mini dataset leaves empty.
EMPTY_TABLE_COLUMNS = {"completions": ["target_id", "source", "quote", "note"]}


def write_table(
    path: Path, rows: list[dict], encoding: str = "utf-8", columns: list[str] | None = None
) -> None:
    with open(path, "w", newline="", encoding=encoding) as f:
        fields = columns or list(rows[0])
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def mini_data(tmp_path: Path) -> Path:
    """Write the tiny dataset under ``tmp_path/data`` and return that folder."""
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    source = data / "sources" / "doc.txt"
    source.write_text(MINI_SOURCE_TEXT, encoding="utf-8")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    for name, rows in MINI_TABLES.items():
        rows = [dict(r) for r in rows]
        if name == "sources":
            rows[0]["sha256"] = digest
        write_table(data / f"{name}.csv", rows)
    for name, columns in EMPTY_TABLE_COLUMNS.items():
        write_table(data / f"{name}.csv", [], columns=columns)
    return data


@pytest.fixture(autouse=True, scope="session")
def private_dataset_cache(tmp_path_factory):
    """Keep the tests' cached datasets out of the user's cache folder (kernels inherit it)."""
    folder = tmp_path_factory.mktemp("dataset-cache")
    previous = os.environ.get("IPANALYSIS_CACHE_DIR")
    os.environ["IPANALYSIS_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("IPANALYSIS_CACHE_DIR", None)
    else:
        os.environ["IPANALYSIS_CACHE_DIR"] = previous
