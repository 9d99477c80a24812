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
    skipped : bool
        True when it was not executed because its inputs had not changed since its outputs
        were made (see :mod:`ipanalysis.runner.manifest`).
    """

    key: str
    notebook: str
    ok: bool
    seconds: float
    error: str | None = None
    failed_notebook: Path | None = None
    started: float = 0.0
    skipped: bool = False

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
    withheld : list of str
        Output sets that ran but were not swapped in (the overview, after a region failed:
        see :func:`ipanalysis.runner.commit.commit_outputs`).
    """

    outputs_dir: Path
    regions: list[str]
    results: list[NotebookResult] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    seconds: float = 0.0
    withheld: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[NotebookResult]:
        """The notebooks and tables that failed (empty when the run succeeded)."""
        return [result for result in self.results if not result.ok]

    @property
    def skipped(self) -> list[NotebookResult]:
        """The notebooks and tables not executed because their inputs had not changed."""
        return [result for result in self.results if result.skipped]

    @property
    def ok(self) -> bool:
        """Whether every notebook and table succeeded."""
        return not self.failures

    def __str__(self) -> str:
        """Return a plain-text report of the run, failures first."""
        notebooks = [r for r in self.results if not r.is_table]
        tables = [r for r in self.results if r.is_table]
        counts = f"{len(notebooks)} notebooks and {len(tables)} CSV tables"
        lines = []
        if self.failures:
            failed_nb = sum(not r.ok for r in notebooks)
            failed_csv = sum(not r.ok for r in tables)
            lines.append(
                f"{failed_nb} of {len(notebooks)} notebooks and {failed_csv} of {len(tables)} "
                "CSV tables failed:"
            )
            for result in self.failures:
                lines.append(f"  {result.key}/{result.notebook}: {result.error}")
                if result.failed_notebook is not None:
                    lines.append(f"    executed notebook: {result.failed_notebook}")
            kept = sorted({r.key for r in self.failures})
            lines.append(
                f"  previous outputs kept for: {', '.join(kept)} (the next run makes them again)"
            )
        else:
            ran = [r for r in self.results if not r.skipped]
            lines.append(f"All {counts} ok: {len(ran)} made now, {len(self.skipped)} unchanged.")
        if self.withheld:
            failed = sorted({r.key for r in self.failures})
            lines.append(
                f"  {', '.join(self.withheld)} not updated either: it would show the new "
                f"verdicts of {', '.join(failed)} beside the previous outputs kept there; "
                "fix the failure and rerun (both are then redone)."
            )
        skipped = [r for r in notebooks if r.skipped]
        if skipped:
            shown = ", ".join(f"{r.key}/{r.notebook}" for r in skipped)
            lines.append(f"Not rerun, inputs unchanged (--force reruns them): {shown}")
        if self.written:
            lines.append(f"Written to {self.outputs_dir}: {', '.join(self.written)}")
        elif not self.failures:
            lines.append(f"Nothing changed in {self.outputs_dir}.")
        lines.append(f"Took {self.seconds:.1f} s.")
        return "\n".join(lines)
