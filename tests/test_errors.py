"""The error list: every problem kept, the message capped per file and column."""

from ipanalysis.errors import MAX_LISTED_PER_KIND, DataIssue, DataValidationError


def _issue(row, column="value", file="data/observations.csv"):
    return DataIssue(file, row, column, f"'x{row}'", "a plain number")


def test_the_message_lists_the_first_problems_of_each_kind_then_counts_the_rest():
    """200,000 invalid rows printed 400,000 lines on main (in 7 minutes)."""
    issues = [_issue(row) for row in range(2, 1002)]
    issues += [_issue(row, "region") for row in range(2, 12)]
    issues += [_issue(row, "quote", "data/targets.csv") for row in range(2, 102)]
    err = DataValidationError(issues)
    assert len(err.issues) == 1110  # every problem is kept
    lines = err.message_lines()
    assert lines[0] == "1110 problem(s) in the dataset:"
    listed = [line for line in lines if line.startswith("  - ")]
    assert len(listed) == 2 * MAX_LISTED_PER_KIND + 10
    assert sum("column region" in line for line in listed) == 10
    assert lines[-2:] == [
        f"  … and {1000 - MAX_LISTED_PER_KIND} more problem(s) in data/observations.csv, "
        f"column value (the first {MAX_LISTED_PER_KIND} are listed above)",
        f"  … and {100 - MAX_LISTED_PER_KIND} more problem(s) in data/targets.csv, column quote "
        f"(the first {MAX_LISTED_PER_KIND} are listed above)",
    ]
    assert str(err) == "\n".join(lines)
    # the listed ones are the first rows, in order
    values = [line for line in listed if "column value" in line]
    assert "row 2," in values[0] and f"row {MAX_LISTED_PER_KIND + 1}," in values[-1]


def test_problems_without_a_column_are_capped_per_file():
    err = DataValidationError([_issue(row, None) for row in range(2, 102)])
    assert err.message_lines()[-1].startswith(
        f"  … and {100 - MAX_LISTED_PER_KIND} more problem(s) in data/observations.csv ("
    )
