"""The report notebooks' single import: tables, displays and the dataset loader.

Kept as one namespace for the notebooks (``from ipanalysis import report``); the code lives by
concern:

* :mod:`ipanalysis.formatting` — labels, colours, number formats (shared with the terminal);
* :mod:`ipanalysis.dataset_cache` — the validated dataset, cached while nothing changed;
* :mod:`ipanalysis.display_tables` — tidy tables (verdicts, figures, trends, figures needed);
* :mod:`ipanalysis.render` — ``show_*`` HTML displays of those tables;
* :mod:`ipanalysis.output` — the deterministic CSV writer.
"""

from ipanalysis.dataset_cache import (  # noqa: F401
    CACHE_DIR_ENV,
    CACHE_KEEP,
    NO_CACHE_ENV,
    cache_dir,
    dataset_key,
    load_dataset,
)
from ipanalysis.display_tables import (  # noqa: F401
    DECIDED_STATUSES,
    FIGURES_TABLE_COLUMNS,
    NUMERIC_COLUMNS,
    VERDICT_COLUMNS,
    assessment_differences,
    assessment_table,
    check_regions,
    conflict_table,
    figures_needed,
    figures_table,
    fmt_required,
    indicator_names,
    latest_figure_year,
    most_at_risk,
    plain_note,
    read_assessment_csv,
    region_names,
    region_series,
    region_summary,
    reportable_regions,
    required_paths,
    sources_table,
    split_decided,
    status_counts,
    target_text,
    track_record,
    trend_table,
    verdict_table,
    with_indicator_names,
    years_to_settle,
)
from ipanalysis.formatting import (  # noqa: F401
    AT_RISK_STATUSES,
    CONFIDENCE_LABELS,
    CSV_SIGNIFICANT_DIGITS,
    KIND_LABELS,
    MIN_POINTS_GROWTH,
    MIN_POINTS_INTERVAL,
    RELIABILITY_LABELS,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_ORDER,
    STATUS_TEXT_COLOURS,
    contrast_ratio,
    fmt_compact,
    fmt_number,
    fmt_pct,
    fmt_year,
    status_label,
)
from ipanalysis.output import (  # noqa: F401
    write_csv,
)
from ipanalysis.render import (  # noqa: F401
    show_conflicts,
    show_counts_by_region,
    show_decided,
    show_figures,
    show_figures_needed,
    show_header,
    show_method,
    show_most_at_risk,
    show_needed_by_region,
    show_region_links,
    show_sources,
    show_status_counts,
    show_status_matrix,
    show_summary,
    show_trends,
    show_verdicts,
    source_link,
)
