from django.core.management.base import BaseCommand
from django.utils import timezone

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

    def handle(self, *args, **options):
        today = timezone.localdate()
        if not is_working_day(today):
            # cron runs Monday to Friday; public holidays and Tết are days off too.
            self.stdout.write(f"{today:%d/%m/%Y} is not a working day: no digest.")
            return
        count = digest_send(today=today)
        self.stdout.write(self.style.SUCCESS(f"Digest queued for {count} department(s)."))
