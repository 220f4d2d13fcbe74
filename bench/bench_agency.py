"""Agency readiness: the staff view's queries and time at 5,000 agencies (a fixed query count whatever the size)."""
import datetime

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
        rows = api.dashboard()
    assert len(rows) == AGENCIES
    report(f"agency dashboard queries at {AGENCIES:,} agencies", len(queries), "queries", "O(1): ≤ 3")
    report(f"agency dashboard read at {AGENCIES:,} agencies (median)", median_ms(api.dashboard, 5, warmup=1), "ms",
           "staff view: < 1000 ms")
    filtered = median_ms(lambda: api.dashboard(state="S7"), 10, warmup=1)
    report("agency dashboard, one state's agencies (median)", filtered, "ms", "< 100 ms")
    report("renewals due within 90 days (median)",
           median_ms(lambda: api.renewals_due(today=datetime.date(2026, 6, 1)), 10, warmup=1), "ms", "< 100 ms")
