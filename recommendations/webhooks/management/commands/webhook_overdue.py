from django.core.management.base import BaseCommand

from communes.jobs import CRON_WAIT_SECONDS
from recommendations.webhooks.services import overdue_announce


class Command(BaseCommand):
    help = ("Sends the webhook event recommendation.overdue, once per recommendation and due "
            "date passed, to the subscriptions that asked for it. Run it daily from cron "
            "(after midnight); the deliveries go out through the task worker.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait", type=float, default=CRON_WAIT_SECONDS,
            help="Seconds to wait for another server running this job, then announce what it "
                 f"left (default {CRON_WAIT_SECONDS}); 0 skips the run at once.")

    def handle(self, *args, wait=CRON_WAIT_SECONDS, **options):
        count = overdue_announce(wait=wait)
        if count is None:
            self.stdout.write("Another server is still running this job: nothing to do here.")
            return
        self.stdout.write(self.style.SUCCESS(f"{count} overdue recommendation(s) announced."))
