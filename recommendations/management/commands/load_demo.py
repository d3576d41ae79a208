from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recommendations.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_load, unit_accounts


class Command(BaseCommand):
    help = (
        "Loads the Lạng Sơn demo: the 34 provinces, Lạng Sơn's 65 units with their predecessor "
        "units, its 14 departments and default routing, the working-day calendar, the demo "
        "accounts (password langson2025) and the August 2025 round from the scenario (7 groups, "
        "38 units in 7 sessions, 16 difficulties, 22 recommendations moved through the "
        "lifecycle to every status, 35 directives), an account for the staff of each unit of "
        "groups 1 and 9 (e.g. phuongdongkinh) with answers sent to them, and a coming session "
        "of group 1 in a second round. Running it again replaces the demo rounds "
        "and resets the demo accounts' passwords. Refuses to run under production settings."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("load_demo creates accounts with a known password: it does not "
                               "run under production settings.")
        counts = demo_load()
        self.stdout.write(self.style.SUCCESS(
            "Demo round loaded: " + ", ".join(f"{value} {key}" for key, value in counts.items())
        ))
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for username, (_role, _department, _name, job_title) in DEMO_ACCOUNTS.items():
            self.stdout.write(f"  {username:<18} {job_title or 'superuser (Django admin)'}")
        for username, unit in unit_accounts():
            self.stdout.write(f"  {username:<18} cán bộ {unit}")
