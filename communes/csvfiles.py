"""Reading the official CSV lists: UTF-8 (with or without BOM), one dict per row, with line
numbers, and every problem collected so a bad file can be refused as a whole."""

import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
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


class ImportCommand(BaseCommand):
    """A management command that imports one official CSV list, all or nothing.

    Subclasses set `help`, `province_help` and `province_required`, and `run_import` to the
    service that imports (`units_import`, `departments_import`)."""

    province_help = ""
    province_required = False

    @staticmethod
    def run_import(*, path, province_code, dry_run):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV file (UTF-8).")
        parser.add_argument("--province", required=self.province_required,
                            help=self.province_help)
        parser.add_argument("--dry-run", action="store_true",
                            help="Check and count, but write nothing.")

    def handle(self, *args, **options):
        try:
            summary = self.run_import(path=options["file"], province_code=options["province"],
                                      dry_run=options["dry_run"])
        except FileNotFoundError as error:
            raise CommandError(f"{options['file']}: {error.strerror}") from error
        except CSVProblems as problems:
            raise CommandError(
                f"{options['file']}: nothing imported.\n" + "\n".join(problems.problems)
            ) from problems
        prefix = "[dry run] " if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{summary.label}: {summary}"))
