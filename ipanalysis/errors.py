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


#: Problems listed per file and column; the rest of the same file and column are counted.
MAX_LISTED_PER_KIND = 20


class DataValidationError(ValueError):
    """The dataset failed validation; ``issues`` lists every problem found.

    The message lists the first :data:`MAX_LISTED_PER_KIND` problems of each file and column,
    then how many more there are: 200,000 broken rows give a readable page, not 400,000 lines.
    """

    def __init__(self, issues: list[DataIssue]):
        self.issues = sorted(set(issues), key=_issue_sort_key)
        super().__init__("\n".join(self.message_lines()))

    def message_lines(self) -> list[str]:
        """Return the message as lines: a count, the listed problems, the counts of the rest.

        One pass over the sorted issues: each is listed while fewer than
        :data:`MAX_LISTED_PER_KIND` of its file and column have been, otherwise counted.
        """
        lines = [f"{len(self.issues)} problem(s) in the dataset:"]
        unlisted: dict[tuple[str, str | None], int] = {}
        listed: dict[tuple[str, str | None], int] = {}
        for issue in self.issues:
            kind = (issue.file, issue.column)
            if listed.get(kind, 0) < MAX_LISTED_PER_KIND:
                listed[kind] = listed.get(kind, 0) + 1
                lines.append(f"  - {issue}")
            else:
                unlisted[kind] = unlisted.get(kind, 0) + 1
        for (file, column), count in unlisted.items():
            where = f"{file}, column {column}" if column else file
            lines.append(
                f"  … and {count} more problem(s) in {where} (the first {MAX_LISTED_PER_KIND} "
                "are listed above)"
            )
        return lines


def _issue_sort_key(issue: DataIssue) -> tuple:
    return (issue.file, issue.row or 0, issue.column or "", issue.found, issue.expected)


class RegionError(ValueError):
    """A requested region id is malformed, unknown or not reportable."""
