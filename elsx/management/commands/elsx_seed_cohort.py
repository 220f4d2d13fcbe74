"""manage.py elsx_seed_cohort --learners N: a demo cohort at every stage (replaces earlier seeded learners)."""
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from elsx import conf
from elsx.cohort.seed import seed_cohort


class Command(BaseCommand):
    help = "Seed a realistic cohort (not started, on track, behind, inactive, completed, certified)."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=60, help="How many learners (default 60).")
        parser.add_argument("--course", default="", help="Course key (default: the demo course).")
        parser.add_argument("--start", default="", help="Cohort start date, YYYY-MM-DD (default: 24 days ago).")
        parser.add_argument("--certificates", choices=("auto", "api", "rows", "none"), default="auto",
                            help="How certified learners get certificates (default: the certificates API "
                                 "for small cohorts when installed, plain rows otherwise).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for repeatable cohorts.")

    def handle(self, *args, **options):
        learners = options["learners"]
        if learners < 0 or learners > 1_000_000:
            raise CommandError("--learners must be between 0 and 1,000,000.")
        try:
            start = date.fromisoformat(options["start"]) if options["start"] else None
        except ValueError:
            raise CommandError(f"--start must look like 2026-11-02, not {options['start']!r}.") from None
        course = options["course"] or conf.get("DEMO_COURSE_KEY")
        began = time.perf_counter()
        counts = seed_cohort(course, learners, start=start, seed=options["seed"],
                             certificates=options["certificates"])
        stages = ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in counts.items()
                           if name not in ("certificates", "certificates_via"))
        self.stdout.write(f"Seeded {learners} learners into {course} in {time.perf_counter() - began:.1f} s: "
                          f"{stages}; {counts['certificates']} certificates ({counts['certificates_via']}).")
