"""`elsx_issue_certificates --course <id>`: issue for every eligible learner who has claimed."""
import os

from django.core.management.base import BaseCommand, CommandError

from elsx import conf
from elsx.certificates import api


class Command(BaseCommand):
    help = "Issue certificates for every eligible learner in a course who has confirmed their details."

    def add_arguments(self, parser):
        parser.add_argument("--course", default=None,
                            help="course key (default: the demo course, settings.ELSX['DEMO_COURSE_KEY'])")
        parser.add_argument("--workers", type=int, default=None,
                            help="processes rendering PDFs (default: ELSX CERTIFICATE_WORKERS, 0 = one per core)")

    def handle(self, *args, **options):
        course_key = options["course"] or conf.get("DEMO_COURSE_KEY")
        workers = options["workers"] if options["workers"] is not None else int(conf.get("CERTIFICATE_WORKERS"))
        if workers < 0:
            raise CommandError("--workers must be 0 (one per core) or more")
        workers = workers or os.cpu_count() or 1
        counts = api.issue_for_course(course_key, workers=workers)
        self.stdout.write(f"Course {course_key}: " + ", ".join(f"{key.replace('_', ' ')} {value}"
                                                               for key, value in counts.items()))
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} certificate(s) failed; run the command again to retry them.")
