from django.core.management.base import BaseCommand, CommandError

from communes.csvfiles import CSVProblems
from communes.services import units_import


class Command(BaseCommand):
    help = (
        "Imports commune-level units from an official CSV list, keyed by the 5-digit official "
        "code: the national list (province_code,province,code,name,type), one province's list "
        "(code,name,type[,former_district]; needs --province) or a merge-detail file "
        "(new_code,old_code,…) for predecessor units. Creates the 34 provinces from the list "
        "the project ships. Creates new units and updates changed ones; a second run changes "
        "nothing. A file with any bad row imports nothing and names every bad line. Prints the "
        "counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV file (UTF-8).")
        parser.add_argument("--province", help="Official province code for a file without one "
                            "(Lạng Sơn is 20).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check and count, but write nothing.")

    def handle(self, *args, **options):
        try:
            summary = units_import(path=options["file"], province_code=options["province"],
                                   dry_run=options["dry_run"])
        except FileNotFoundError as error:
            raise CommandError(f"{options['file']}: {error.strerror}") from error
        except CSVProblems as problems:
            raise CommandError(
                f"{options['file']}: nothing imported.\n" + "\n".join(problems.problems)
            ) from problems
        prefix = "[dry run] " if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{summary.label}: {summary}"))
