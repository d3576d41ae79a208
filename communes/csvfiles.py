"""Reading the official CSV lists: UTF-8 (with or without BOM), one dict per row, with line
numbers, and every problem collected so a bad file can be refused as a whole."""

import csv
import io
from pathlib import Path

from django.utils.translation import gettext as _


class CSVProblems(Exception):
    """One or more lines of a file are wrong; nothing was imported."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_rows(path: str | Path, required: set[str]) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and the (line number, row) pairs of a CSV file.

    Raises CSVProblems if the file is not UTF-8 (naming the first bad lines) or lacks a column.
    """
    raw = Path(path).read_bytes()
    problems = []
    for number, line in enumerate(raw.splitlines(), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(_("line %(line)d: not UTF-8 text (save the file as CSV UTF-8)")
                            % {"line": number})
    if problems:
        raise CSVProblems(problems)
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = required - set(header)
    if missing:
        raise CSVProblems([_("the header lacks the column(s): %(columns)s")
                           % {"columns": ", ".join(sorted(missing))}])
    rows = [
        (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None})
        for row in reader
    ]
    return header, rows
