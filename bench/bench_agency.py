"""Agency readiness at 5,000 agencies: one page of the staff view (counts over all of them) and the full
export, each a fixed number of queries whatever the size."""
import datetime
import time

from timing import median_ms

AGENCIES = 5000


def run(report):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from elsx.agency import api
    from elsx.agency.models import Agency, Attestation

    now = timezone.now()
    Agency.objects.bulk_create([
        Agency(name=f"Bench Town {i} Police Department", normalized_name=f"bench town {i} police department",
               kind="psap" if i % 4 == 0 else "law_enforcement", state=f"S{i % 50}") for i in range(AGENCIES)])
    agencies = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
    Attestation.objects.bulk_create([
        Attestation(agency_id=pk, criterion=criterion, entered_at=now,
                    evidence={"training": "ceomec", "completed_on": "2025-01-01"} if criterion == "executive"
                    else {"personnel": 40, "completed": 40} if criterion == "personnel" else {},
                    status="accepted" if n % 3 == 0 else "submitted")
        for n, pk in enumerate(agencies) for criterion in ("executive", "personnel")[: 1 + n % 2]])
    with CaptureQueriesContext(connection) as queries:
        page = api.dashboard_page()
    assert page.total == AGENCIES and len(page.rows) == 50
    report(f"agency staff page: queries at {AGENCIES:,} agencies", len(queries), "queries", "O(1): ≤ 4")
    report(f"agency staff page (50 rows, counts over all {AGENCIES:,}), median", median_ms(api.dashboard_page, 5, 1),
           "ms", "< 1000 ms")
    report("agency staff page, median CPU time",
           median_ms(api.dashboard_page, 5, 1, clock=time.process_time), "ms", "< 1000 ms")
    last = -(-AGENCIES // 50)
    report("agency staff page, the last page (median)", median_ms(lambda: api.dashboard_page(page=last), 5, 1), "ms",
           "< 1000 ms")
    report("agency staff page, ready to apply only (median)",
           median_ms(lambda: api.dashboard_page(readiness_state=api.STATE_READY), 5, 1), "ms", "< 1000 ms")
    report("agency staff page, one state's agencies (median)", median_ms(lambda: api.dashboard_page(state="S7"), 10, 1),
           "ms", "< 100 ms")
    report("agency staff handler (page rendered as HTML), median", median_ms(lambda: staff_html(api), 5, 1), "ms",
           "< 1000 ms")
    with CaptureQueriesContext(connection) as queries:
        rows = api.dashboard()
    assert len(rows) == AGENCIES
    report(f"agency export rows: queries at {AGENCIES:,} agencies", len(queries), "queries", "O(1): ≤ 3")
    report(f"agency CSV export, all {AGENCIES:,} agencies (median)", median_ms(lambda: export_csv(api), 3, 1), "ms",
           "a download, not a page")
    report("renewals due within 90 days (median)",
           median_ms(lambda: api.renewals_due(today=datetime.date(2026, 6, 1)), 10, warmup=1), "ms", "< 100 ms")


def staff_html(api):
    from elsx import templating
    from elsx.agency import exports
    found = api.dashboard_page()
    return templating.render("elsx/readiness_rows.html", {
        "rows": found.rows, "page": found, "labels": exports.state_labels(), "ready_count": found.ready_count,
        "cells": {row.agency.pk: [exports.criterion_cell(c) for c in row.criteria] for row in found.rows},
        "summary_urls": {row.agency.pk: f"/handler/summary?agency={row.agency.pk}" for row in found.rows}})


def export_csv(api):
    from elsx.agency import exports
    return sum(len(line) for line in exports.readiness_csv(api.dashboard()))
