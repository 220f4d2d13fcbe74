"""Delete background exports older than ELSX["EXPORT_RETENTION_HOURS"] (run it from cron, or use the Celery task)."""
from django.core.management.base import BaseCommand

from elsx.cohort import jobs


class Command(BaseCommand):
    help = 'Delete finished exports older than ELSX["EXPORT_RETENTION_HOURS"] (default 24), files and rows.'

    def handle(self, *args, **options):
        deleted = jobs.purge_expired()
        self.stdout.write(f"deleted {deleted} export file(s)")
