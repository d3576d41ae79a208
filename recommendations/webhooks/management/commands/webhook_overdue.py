from django.core.management.base import BaseCommand

from recommendations.webhooks.services import overdue_announce


class Command(BaseCommand):
    help = ("Sends the webhook event recommendation.overdue, once per recommendation and due "
            "date passed, to the subscriptions that asked for it. Run it daily from cron "
            "(after midnight); the deliveries go out through the task worker.")

    def handle(self, *args, **options):
        count = overdue_announce()
        if count is None:
            self.stdout.write("Another server is running this job: nothing to do here.")
            return
        self.stdout.write(self.style.SUCCESS(f"{count} overdue recommendation(s) announced."))
