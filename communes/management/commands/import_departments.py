from django.core.management.base import BaseCommand, CommandError

from communes.csvfiles import CSVProblems
from communes.services import departments_import


class Command(BaseCommand):
    help = (
        "Imports a province's departments from a CSV file with the columns name_vi, name_en and "
        "short_code, keyed by short code within the province. Creates new departments and "
        "updates changed names; a second run changes nothing. A file with any bad row imports "
        "nothing and names every bad line. Prints the counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV file (UTF-8).")
        parser.add_argument("--province", required=True,
                            help="Official province code (Lạng Sơn is 20).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check and count, but write nothing.")

    def handle(self, *args, **options):
        try:
            summary = departments_import(path=options["file"], province_code=options["province"],
                                         dry_run=options["dry_run"])
        except FileNotFoundError as error:
            raise CommandError(f"{options['file']}: {error.strerror}") from error
        except CSVProblems as problems:
            raise CommandError(
                f"{options['file']}: nothing imported.\n" + "\n".join(problems.problems)
            ) from problems
        prefix = "[dry run] " if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{summary.label}: {summary}"))
