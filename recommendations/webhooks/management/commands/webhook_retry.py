from django.core.management.base import BaseCommand

from recommendations.webhooks.services import retries_queue


class Command(BaseCommand):
    help = ("Queues every webhook delivery whose next try is due (the worker queues its own "
            "retries; this catches any it lost). Safe to run every few minutes from cron.")

    def handle(self, *args, **options):
        count = retries_queue()
        if count is None:
            self.stdout.write("Another server is running this job: nothing to do here.")
            return
        self.stdout.write(self.style.SUCCESS(f"{count} delivery try(ies) queued."))
