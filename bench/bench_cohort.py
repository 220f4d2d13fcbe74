"""Cohort dashboard figures at 500, 5,000 and 50,000 learners (seeded with elsx_seed_cohort's seeder).

"page" is one grid page as the dashboard shows it (25 learners sorted by
name, with their topic cells and certificates: 2 queries; the count comes
with the summary). "grid refresh" adds the count a new filter needs.
"summary" is the summary aggregate plus the per-topic GROUP BY.
"""
from timing import median_ms
import time

SIZES = (500, 5000, 50000)


def run(report):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from elsx.cohort import exports, query
    from elsx.cohort.params import GridParams
    from elsx.cohort.schedule import Schedule
    from elsx.cohort.seed import seed_cohort

    now = timezone.now()
    schedule = Schedule.build(timezone.localdate(now) - timedelta(days=24), now=now)
    params = GridParams()
    courses = {size: f"course-v1:ELSX+BENCH+{size}" for size in SIZES}
    for size, course in courses.items():
        started = time.perf_counter()
        seed_cohort(course, size, now=now, start=schedule.start, certificates="rows")
        report(f"seed {size:,} learners", time.perf_counter() - started, "s")

    # Measured after all seeding, so every size sees the same database and cache.
    page_ms = {}
    for size, course in courses.items():
        total = query.summary(course, schedule, params).matching
        page_ms[size] = median_ms(lambda: query.grid_page(course, params, schedule, total=total), runs=40, warmup=2)
        report(f"grid page, {size:,} learners (median)", page_ms[size], "ms",
               "<= 50 ms at 5,000" if size == 5000 else "")
        report(f"grid refresh with count, {size:,} learners (median)",
               median_ms(lambda: query.grid_page(course, params, schedule), runs=20, warmup=2), "ms")
        # What the Behind filter shows: sorted by weeks behind (a CASE over the count), then oldest activity.
        behind = GridParams(status="behind", sort="behind", dir="desc")
        behind_total = query.summary(course, schedule, behind).matching
        report(f"grid page, Behind filter and sort, {size:,} learners (median)",
               median_ms(lambda: query.grid_page(course, behind, schedule, total=behind_total), runs=20, warmup=2),
               "ms", "<= 50 ms at 5,000" if size == 5000 else "")

        def summary():
            return query.topic_stats(course, schedule, query.summary(course, schedule, params).enrolled)
        report(f"summary + per-topic table, {size:,} learners (median)",
               median_ms(summary, runs=3 if size >= 50000 else 7, warmup=1), "ms")
        with CaptureQueriesContext(connection) as captured:
            query.dashboard(course, params, schedule)
        report(f"queries for summary + per-topic + one page, {size:,} learners", len(captured.captured_queries),
               "queries", "<= 4, the same at every size")
    report("grid page ratio 50,000 / 500", page_ms[50000] / page_ms[500], "x", "<= 2")

    def export():
        return sum(len(chunk) for chunk in exports.encode(exports.roster_csv(courses[5000], params, schedule)))
    report("roster CSV, 5,000 learners (median of 3)", median_ms(export, runs=3, warmup=0) / 1000, "s", "<= 2 s")
