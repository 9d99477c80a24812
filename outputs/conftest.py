"""Collection rules for ``pytest --nbval-lax outputs``: the committed notebooks only.

``_failed/`` holds the executed notebooks of failed runs (kept for reading, not committed);
they are not checked.
"""

collect_ignore = ["_failed"]
