"""Errors that point at the cell to fix: file, row, column, what was found, what is expected."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class DataIssue:
    """One problem in one place of the dataset.

    ``row`` is the line number as a spreadsheet shows it (the header is row 1, the first data
    row is row 2), so a researcher can jump to it in Excel or WPS.
    """

    file: str
    row: int | None
    column: str | None
    found: str
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: found {self.found}; expected {self.expected}"


class DataValidationError(ValueError):
    """The dataset failed validation; ``issues`` lists every problem found."""

    def __init__(self, issues: list[DataIssue]):
        self.issues = sorted(set(issues), key=_issue_sort_key)
        lines = [f"{len(self.issues)} problem(s) in the dataset:"]
        lines += [f"  - {issue}" for issue in self.issues]
        super().__init__("\n".join(lines))


def _issue_sort_key(issue: DataIssue) -> tuple:
    return (issue.file, issue.row or 0, issue.column or "", issue.found, issue.expected)


class RegionError(ValueError):
    """A requested region id is malformed, unknown or not reportable."""
