from django.core.management.base import BaseCommand
from django.utils import timezone

from recommendations.notifications import digest_send


class Command(BaseCommand):
    help = (
        "Queues one email per department with recommendations due soon (within "
        "DUE_SOON_WORKING_DAYS working days) or overdue, to the department's heads and staff, "
        "in Vietnamese, with the counts and a link to the inbox (never the recommendations' "
        "content). Departments with nothing due send nothing. Run it daily from cron; the "
        "mails go out through the task worker. Prints how many departments were written to."
    )

    def handle(self, *args, **options):
        count = digest_send(today=timezone.localdate())
        self.stdout.write(self.style.SUCCESS(f"Digest queued for {count} department(s)."))
