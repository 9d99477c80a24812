"""What a run did: one result per notebook or table, and the summary printed at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class NotebookResult:
    """The outcome of executing one notebook (or of writing one package-side table).

    Attributes
    ----------
    key : str
        The region id, or ``"overview"``.
    notebook : str
        The notebook's name without ``.ipynb``, or a table's file name (``assessment.csv``).
    ok : bool
        Whether it executed without error and its outputs were written.
    seconds : float
        Wall time of the execution and export.
    error : str or None
        A one-line description of the error (exception type and message, failing cell).
    failed_notebook : Path or None
        Where the executed notebook with the traceback was saved (failures only).
    started : float
        When the execution started (``time.time()``), for timelines.
    """

    key: str
    notebook: str
    ok: bool
    seconds: float
    error: str | None = None
    failed_notebook: Path | None = None
    started: float = 0.0

    @property
    def is_table(self) -> bool:
        """Whether this is a package-side table (a CSV) rather than a notebook."""
        return self.notebook.endswith(".csv")


@dataclass
class RunSummary:
    """What a run did: one :class:`NotebookResult` per notebook and per table.

    Attributes
    ----------
    outputs_dir : Path
        The folder written to.
    regions : list of str
        The regions run.
    results : list of NotebookResult
        Every notebook and table, in a stable order (regions as given, then the overview).
    written : list of str
        The output sets swapped in (region ids and ``"overview"``).
    seconds : float
        Wall time of the whole run.
    """

    outputs_dir: Path
    regions: list[str]
    results: list[NotebookResult] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failures(self) -> list[NotebookResult]:
        """The notebooks and tables that failed (empty when the run succeeded)."""
        return [result for result in self.results if not result.ok]

    @property
    def ok(self) -> bool:
        """Whether every notebook and table succeeded."""
        return not self.failures

    def __str__(self) -> str:
        """Return a plain-text report of the run, failures first."""
        n = len(self.results)
        lines = []
        if self.failures:
            lines.append(f"{len(self.failures)} of {n} notebooks failed:")
            for result in self.failures:
                lines.append(f"  {result.key}/{result.notebook}: {result.error}")
                if result.failed_notebook is not None:
                    lines.append(f"    executed notebook: {result.failed_notebook}")
            kept = sorted({r.key for r in self.failures})
            lines.append(f"  previous outputs kept for: {', '.join(kept)}")
        else:
            lines.append(f"All {n} notebooks ran.")
        if self.written:
            lines.append(f"Written to {self.outputs_dir}: {', '.join(self.written)}")
        lines.append(f"Took {self.seconds:.1f} s.")
        return "\n".join(lines)
