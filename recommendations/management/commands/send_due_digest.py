import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from communes.jobs import CRON_WAIT_SECONDS
from communes.workdays import is_working_day
from recommendations.notifications import digest_send


class Command(BaseCommand):
    help = (
        "Queues one email per department with recommendations due soon (within "
        "DUE_SOON_WORKING_DAYS working days) or overdue, to the department's heads and staff, "
        "in Vietnamese, with the counts and a link to the inbox (never the recommendations' "
        "content). Departments with nothing due send nothing; on a day off (weekend, public "
        "holiday, Tết) it sends nothing. Run it daily from cron; the "
        "mails go out through the task worker. Prints how many departments were written to."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--day", type=datetime.date.fromisoformat, default=None,
            help="The day whose digest to send (YYYY-MM-DD), as if run that morning; today by "
                 "default. Departments that already had that day's digest are skipped.")
        parser.add_argument(
            "--wait", type=float, default=CRON_WAIT_SECONDS,
            help="Seconds to wait for another server sending the same digest, then send what "
                 f"it left (default {CRON_WAIT_SECONDS}); 0 skips the run at once.")

    def handle(self, *args, day=None, wait=CRON_WAIT_SECONDS, **options):
        today = day or timezone.localdate()
        if not is_working_day(today):
            # cron runs Monday to Friday; public holidays and Tết are days off too.
            self.stdout.write(f"{today:%d/%m/%Y} is not a working day: no digest.")
            return
        count = digest_send(today=today, wait=wait)
        if count is None:
            self.stdout.write("Another server is still sending today's digest: nothing to do "
                              "here.")
            return
        self.stdout.write(self.style.SUCCESS(f"Digest queued for {count} department(s)."))
