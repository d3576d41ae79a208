from django.core.management.base import BaseCommand

from recommendations.tally import rebuild


class Command(BaseCommand):
    help = ("Recompute the dashboard's counts (the tally) from the records: after a bulk load "
            "or a restore, or to check them.")

    def handle(self, *args, **options):
        rows = rebuild()
        self.stdout.write(f"{rows} tally rows.")
