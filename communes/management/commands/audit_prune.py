"""Delete the audit log's events older than AUDIT_RETENTION_DAYS: the only way they leave
(run daily from cron, deploy/cron.example)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from communes.audit import audit_prune


class Command(BaseCommand):
    help = "Delete audit log events older than AUDIT_RETENTION_DAYS (730 by default)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Keep this many days instead of AUDIT_RETENTION_DAYS.")

    def handle(self, *args, days=None, **options):
        days = settings.AUDIT_RETENTION_DAYS if days is None else days
        if days < 1:
            # 0 would empty the log: a typo must not erase the evidence.
            self.stderr.write("The retention must be at least one day.")
            return
        deleted = audit_prune(days=days)
        self.stdout.write(f"{deleted} audit events older than {days} days deleted.")
