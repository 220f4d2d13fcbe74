"""Cohort reads with a fixed number of SQL queries, whatever the cohort size.

The dashboard (summary + per-topic table + one grid page) costs exactly 5:
  1. one aggregate over LearnerProfile: the summary counts, the credit hours
     and the number of learners matching the current filter;
  2. one GROUP BY over TopicProgress: the per-topic table;
  2b. the engaged seconds of completers, for the table's median and 10th
     percentile (index-only; percentiles are not portable SQL);
  3. one page of profiles, with each learner's certificate as subqueries;
  4. the topic rows of just that page's learners (learner_id IN ...).
A grid refresh (new filter, sort or page) costs 3: a count, 2 and 4.

Statuses on two axes:
- pace, one per learner: certified (holds a valid certificate), completed
  (every topic done, no valid certificate yet), behind (fewer topics
  complete than are due by today), on track (otherwise);
- activity: inactive (not completed, no activity for 7 days).
So on track + behind + completed + certified = the roster, and inactive
learners are also counted as on track or behind. The "completed" filter
and summary count include certified learners (both earned the hours).
Retired learners stay in the counts (they did the work) and show as
"Retired learner": their personal data is gone. Leaving them in also keeps
the count index-only (a retired_at test would read every row).
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (Avg, BooleanField, Case, Count, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q,
                              Subquery, Sum, Value, When)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from elsx import eligibility, estimates
from elsx.cohort import certs, missing
from elsx.cohort import params as grid_params
from elsx.cohort.params import BEHIND, CERTIFIED, COMPLETED, INACTIVE, ON_TRACK
from elsx.errors import NotFound
from elsx.models import ROLE_CHOICES, Certificate, EngagementClock, LearnerProfile, TopicProgress
from elsx.scenarios import api as scenarios

CELL_COMPLETE, CELL_IN_PROGRESS, CELL_NOT_STARTED = "complete", "in_progress", "not_started"
ROLE_LABELS = dict(ROLE_CHOICES)
AGENCY_SUGGESTIONS_MAX = 500
PAGE_FIELDS = ("pk", "learner_id", "full_name", "email", "agency", "role", "topics_completed", "hours_earned",
               "first_activity_at", "last_activity_at", "completed_at", "retired_at")
TOPIC_FIELDS = ("learner_id", "topic_id", "completed_at", "attempts", "best_score", "engaged_seconds")


# --- building blocks ---------------------------------------------------------

def roster(course_key):
    return LearnerProfile.objects.filter(course_key=course_key)


def valid_certificate(course_key):
    return Certificate.objects.filter(course_key=course_key, learner_id=OuterRef("learner_id"),
                                      status=Certificate.STATUS_VALID)


def _inactive_q(schedule):
    q = Q(last_activity_at__lt=schedule.inactive_before)
    if schedule.never_active_is_inactive:
        q |= Q(last_activity_at__isnull=True)
    return Q(completed_at__isnull=True) & q


def status_q(status, schedule, course_key):
    """The SQL condition for one status filter (see the module docstring)."""
    not_done = Q(completed_at__isnull=True)
    due = schedule.topics_due
    if status == ON_TRACK:
        return not_done & Q(topics_completed__gte=due) & ~Exists(valid_certificate(course_key))
    if status == BEHIND:
        return not_done & Q(topics_completed__lt=due) & ~Exists(valid_certificate(course_key))
    if status == INACTIVE:
        return _inactive_q(schedule)
    if status == COMPLETED:
        return Q(completed_at__isnull=False) | Exists(valid_certificate(course_key))
    if status == CERTIFIED:
        return Exists(valid_certificate(course_key))
    raise ValueError(status)


def filter_q(params, schedule, course_key):
    """Every filter and the search of GridParams as one Q (empty Q: everyone)."""
    q = Q()
    if params.status:
        q &= status_q(params.status, schedule, course_key)
    if params.agency:
        q &= Q(agency__icontains=params.agency)
    if params.role:
        q &= Q(role=params.role)
    if params.not_completed:
        done = TopicProgress.objects.filter(course_key=course_key, learner_id=OuterRef("learner_id"),
                                            topic_id=params.not_completed, completed_at__isnull=False)
        q &= ~Exists(done)
    if params.missing:
        q &= missing.missing_q(params.missing, course_key)
    if params.engaged_under:
        # Completed every topic, with less server-measured engaged time than the threshold (the clock's total).
        enough = EngagementClock.objects.filter(course_key=course_key, learner_id=OuterRef("learner_id"),
                                                seconds__gte=params.engaged_under * 60)
        q &= Q(completed_at__isnull=False) & ~Exists(enough)
    if params.search:
        # icontains binds the text as a parameter and escapes % and _, so it is only ever text.
        q &= Q(full_name__icontains=params.search) | Q(email__icontains=params.search)
    return q


def filtered(course_key, params, schedule):
    return roster(course_key).filter(filter_q(params, schedule, course_key))


def learner_status(certified, completed_at, topics_completed, schedule):
    """The pace status of one learner, in Python, matching status_q."""
    if certified:
        return CERTIFIED
    if completed_at is not None:
        return COMPLETED
    return BEHIND if topics_completed < schedule.topics_due else ON_TRACK


def is_inactive(completed_at, last_activity_at, schedule):
    if completed_at is not None:
        return False
    if last_activity_at is None:
        return schedule.never_active_is_inactive
    return last_activity_at < schedule.inactive_before


# --- summary -----------------------------------------------------------------

@dataclass
class Summary:
    roster: int
    enrolled: int
    not_started: int
    active: int
    on_track: int
    behind: int
    inactive: int
    completed: int
    certified: int
    hours: Decimal
    certified_hours: Decimal
    matching: int  # 0 without params


def summary(course_key, schedule, params=None):
    """The summary bar in one aggregate query; `matching` counts the learners params selects."""
    certified = Exists(valid_certificate(course_key))
    not_done = Q(completed_at__isnull=True) & ~certified
    due = schedule.topics_due
    aggregates = {
        "roster": Count("pk"),
        "enrolled": Count("pk", filter=Q(first_activity_at__isnull=False)),
        "active": Count("pk", filter=Q(last_activity_at__gte=schedule.inactive_before)),
        "on_track": Count("pk", filter=not_done & Q(topics_completed__gte=due)),
        "behind": Count("pk", filter=not_done & Q(topics_completed__lt=due)),
        "inactive": Count("pk", filter=_inactive_q(schedule)),
        "completed": Count("pk", filter=Q(completed_at__isnull=False) | certified),
        "certified": Count("pk", filter=certified),
        # default: SUM over no rows is NULL; COALESCE keeps the DecimalField, so the sum stays a Decimal.
        "hours": Sum("hours_earned", default=0),
        "certified_hours": Sum("hours_earned", filter=certified, default=0),
    }
    if params is not None:
        aggregates["matching"] = Count("pk", filter=filter_q(params, schedule, course_key))
    found = roster(course_key).aggregate(**aggregates)
    return Summary(**dict({"matching": 0}, **found), not_started=found["roster"] - found["enrolled"])


@dataclass
class TopicStat:
    topic: object
    started: int
    completed: int
    failing: int  # attempted the knowledge check, not passed yet
    mean_best: object  # percent, over learners who attempted (None: nobody did)
    rate: int  # percent of enrolled learners who completed it
    engaged_median: object  # seconds, among learners who completed it (None: nobody did)
    engaged_p10: object
    estimate_minutes: int


def topic_stats(course_key, schedule, enrolled):
    """The per-topic table in one GROUP BY over TopicProgress."""
    rows = (TopicProgress.objects.filter(course_key=course_key).values("topic_id").order_by()
            .annotate(started=Count("pk", filter=Q(started_at__isnull=False) | Q(completed_at__isnull=False)),
                      completed=Count("pk", filter=Q(completed_at__isnull=False)),
                      failing=Count("pk", filter=Q(attempts__gt=0, check_passed_at__isnull=True)),
                      mean_best=Avg("best_score", filter=Q(attempts__gt=0))))
    by_topic = {row["topic_id"]: row for row in rows}
    times = engaged_among_completers(course_key)
    stats = []
    for topic in schedule.topics:
        row = by_topic.get(topic.id, {})
        completed = row.get("completed", 0)
        mean = row.get("mean_best")
        stats.append(TopicStat(topic=topic, started=row.get("started", 0), completed=completed,
                               failing=row.get("failing", 0),
                               mean_best=None if mean is None else round(mean),
                               rate=round(100 * completed / enrolled) if enrolled else 0,
                               engaged_median=percentile(times.get(topic.id, []), 50),
                               engaged_p10=percentile(times.get(topic.id, []), 10),
                               estimate_minutes=estimates.round_minutes(estimates.topic_estimate(topic).minutes)))
    return stats


def engaged_among_completers(course_key):
    """{topic_id: sorted engaged seconds} of learners who completed it: one index-only query."""
    found = {}
    for topic_id, seconds in (TopicProgress.objects.filter(course_key=course_key, completed_at__isnull=False)
                              .order_by().values_list("topic_id", "engaged_seconds")):
        found.setdefault(topic_id, []).append(seconds)
    return {topic_id: sorted(values) for topic_id, values in found.items()}


def percentile(values, share):
    """Nearest-rank percentile of sorted values (None if empty): the time study a commission asks for."""
    if not values:
        return None
    rank = max(1, -(-share * len(values) // 100))
    return values[min(len(values), rank) - 1]


# --- the grid ----------------------------------------------------------------

@dataclass
class Cell:
    topic: object
    status: str = CELL_NOT_STARTED
    best_score: object = None
    attempts: int = 0
    passed: bool = False
    completed_at: object = None
    engaged_seconds: int = 0

    @property
    def failing(self):
        return self.status == CELL_IN_PROGRESS and self.attempts > 0 and not self.passed

    def text(self, labels):
        if self.failing:
            return labels[FAILING].format(score=self.best_score or 0)
        return labels[self.status]

    @property
    def label(self):
        """The text alternative for the cell (the symbol is decoration)."""
        return self.text(cell_labels())


FAILING = "failing"


def cell_labels():
    """Translated cell texts; exports build this once instead of once per cell."""
    return {CELL_COMPLETE: _("Complete"), CELL_IN_PROGRESS: _("In progress"), CELL_NOT_STARTED: _("Not started"),
            FAILING: _("In progress, check not passed (best {score}%)")}


def _cell(topic, row):
    if row is None:
        return Cell(topic=topic)
    if row["completed_at"] is not None:
        status = CELL_COMPLETE
    elif row["started"]:
        status = CELL_IN_PROGRESS
    else:
        status = CELL_NOT_STARTED
    return Cell(topic=topic, status=status, best_score=row["best_score"], attempts=row["attempts"],
                passed=bool(row["passed"]), completed_at=row["completed_at"], engaged_seconds=row["engaged_seconds"])


# Flags computed in SQL: one datetime per topic row to convert instead of four (exports read 50,000+).
# Started = a real action (started_at); opening or rendering the topic is not one.
_STARTED = ExpressionWrapper(Q(started_at__isnull=False) | Q(attempts__gt=0)
                             | Q(reflection_saved_at__isnull=False), output_field=BooleanField())
_PASSED = ExpressionWrapper(Q(check_passed_at__isnull=False), output_field=BooleanField())


@dataclass
class Row:
    learner_id: str
    name: str
    email: str
    agency: str
    role: str
    topics_completed: int
    hours: Decimal
    first_activity: object
    last_activity: object
    completed_at: object
    certificate_number: str
    certificate_status: str
    status: str
    inactive: bool
    pace_week: object
    weeks_behind: int
    retired: bool
    cells: list
    eligibility: object = None  # set by readers that need the requirements list (the roster CSV)

    @property
    def engaged_seconds(self):
        return sum(cell.engaged_seconds for cell in self.cells)

    @property
    def role_label(self):
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def certificate_display(self):
        return certs.display_number(self.certificate_number)


def _row(values, schedule, cells):
    certified = values["cert_status"] == Certificate.STATUS_VALID
    return Row(
        learner_id=values["learner_id"], name=values["full_name"], email=values["email"],
        agency=values["agency"], role=values["role"], topics_completed=values["topics_completed"],
        hours=values["hours_earned"], first_activity=values["first_activity_at"],
        last_activity=values["last_activity_at"], completed_at=values["completed_at"],
        certificate_number=values["cert_number"] or "", certificate_status=values["cert_status"] or "",
        status=learner_status(certified, values["completed_at"], values["topics_completed"], schedule),
        inactive=is_inactive(values["completed_at"], values["last_activity_at"], schedule),
        pace_week=schedule.pace_week(values["topics_completed"]),
        weeks_behind=schedule.weeks_behind(values["topics_completed"]),
        retired=values["retired_at"] is not None, cells=cells,
    )


def _certificate(course_key, column):
    """The learner's certificate to show: a valid one first, else the latest generation."""
    preferred = (Certificate.objects.filter(course_key=course_key, learner_id=OuterRef("learner_id"))
                 .order_by(Case(When(status=Certificate.STATUS_VALID, then=Value(0)), default=Value(1)),
                           "-generation"))
    return Subquery(preferred.values(column)[:1])


def _status_rank(schedule, course_key):
    """Needs attention first: behind and inactive, behind, on track and inactive, on track, completed, certified."""
    due = schedule.topics_due
    inactive = _inactive_q(schedule)
    return Case(
        When(Exists(valid_certificate(course_key)), then=Value(5)),
        When(completed_at__isnull=False, then=Value(4)),
        When(Q(topics_completed__lt=due) & inactive, then=Value(0)),
        When(topics_completed__lt=due, then=Value(1)),
        When(inactive, then=Value(2)),
        default=Value(3), output_field=IntegerField())


def _topic_rank(course_key, topic_id):
    rank = Case(When(completed_at__isnull=False, then=Value(2)), default=Value(1), output_field=IntegerField())
    row = (TopicProgress.objects.filter(course_key=course_key, learner_id=OuterRef("learner_id"), topic_id=topic_id)
           .annotate(rank=rank).values("rank")[:1])
    return Coalesce(Subquery(row, output_field=IntegerField()), Value(0))


def _weeks_behind(schedule):
    """Schedule.weeks_behind in SQL: one When per count of topics completed that is behind at all."""
    whens = [When(topics_completed=count, then=Value(weeks)) for count in range(len(schedule.topics))
             if (weeks := schedule.weeks_behind(count))]
    return Case(*whens, default=Value(0), output_field=IntegerField()) if whens else Value(0)


def _certificate_rank(course_key):
    order = {Certificate.STATUS_VALID: 0, Certificate.STATUS_REVOKED: 1, Certificate.STATUS_SUPERSEDED: 2}
    return Case(*[When(cert_status=status, then=Value(rank)) for status, rank in order.items()],
                default=Value(3), output_field=IntegerField())


def ordered(queryset, params, schedule, course_key):
    """Sort by the requested column, then by name and id so pages never overlap."""
    descending = params.dir == "desc"

    def direction(expression):
        return expression.desc() if descending else expression.asc()

    key = params.sort
    if key == "name":
        return queryset.order_by(direction(F("full_name")), direction(F("pk")))
    columns = {"agency": "agency", "hours": "hours_earned", "last_activity": "last_activity_at",
               "week": "topics_completed"}
    if key in columns:
        primary = F(columns[key])
    elif key == "status":
        queryset, primary = queryset.annotate(sort_rank=_status_rank(schedule, course_key)), F("sort_rank")
    elif key == "behind":
        # "desc" is the Behind view: most weeks behind first, then the oldest activity (never active first).
        queryset = queryset.annotate(sort_rank=_weeks_behind(schedule))
        activity = F("last_activity_at").asc(nulls_first=True) if descending else \
            F("last_activity_at").desc(nulls_last=True)
        return queryset.order_by(direction(F("sort_rank")), activity, "full_name", "pk")
    elif key == "certificate":
        queryset = queryset.annotate(sort_rank=_certificate_rank(course_key))
        return queryset.order_by(direction(F("sort_rank")), direction(F("cert_number")), "full_name", "pk")
    elif key.startswith(grid_params.TOPIC_SORT_PREFIX):
        topic_id = key[len(grid_params.TOPIC_SORT_PREFIX):]
        queryset, primary = queryset.annotate(sort_rank=_topic_rank(course_key, topic_id)), F("sort_rank")
    else:
        raise ValueError(key)
    return queryset.order_by(direction(primary), "full_name", "pk")


@dataclass
class Page:
    rows: list
    number: int
    page_size: int
    total: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.page_size))

    @property
    def first(self):
        return 0 if not self.total else (self.number - 1) * self.page_size + 1

    @property
    def last(self):
        return min(self.number * self.page_size, self.total)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages


def with_certificates(queryset, course_key):
    return queryset.annotate(cert_number=_certificate(course_key, "number"),
                             cert_status=_certificate(course_key, "status"))


def grid_page(course_key, params, schedule, total=None):
    """One page of the grid: a count (unless given), the profiles, their topic rows."""
    if total is None:
        total = filtered(course_key, params, schedule).count()
    page_size = params.page_size
    pages = max(1, -(-total // page_size))
    number = min(params.page, pages)  # clamped: see elsx.cohort.params
    if not total:
        return Page(rows=[], number=1, page_size=page_size, total=0)
    offset = (number - 1) * page_size
    profiles = list(grid_queryset(course_key, params, schedule)[offset:offset + page_size])
    return Page(rows=build_rows(course_key, profiles, schedule), number=number, page_size=page_size, total=total)


def grid_queryset(course_key, params, schedule):
    """Every learner params selects, sorted, as value dicts for build_rows (exports iterate it)."""
    queryset = ordered(with_certificates(filtered(course_key, params, schedule), course_key),
                       params, schedule, course_key)
    return queryset.values(*PAGE_FIELDS, "cert_number", "cert_status")


def build_rows(course_key, profiles, schedule):
    """Rows for some profile value dicts, with their topic cells from one query."""
    topic_rows = {}
    ids = [profile["learner_id"] for profile in profiles]
    found = (TopicProgress.objects.filter(course_key=course_key, learner_id__in=ids)
             .values(*TOPIC_FIELDS, started=_STARTED, passed=_PASSED))
    for row in found:
        topic_rows[(row["learner_id"], row["topic_id"])] = row
    rows = []
    for profile in profiles:
        cells = [_cell(topic, topic_rows.get((profile["learner_id"], topic.id))) for topic in schedule.topics]
        rows.append(_row(profile, schedule, cells))
    return rows


@dataclass
class Dashboard:
    summary: Summary
    topics: list
    page: Page


def dashboard(course_key, params, schedule):
    """Summary, per-topic table and one grid page: 4 queries (3 when nobody matches)."""
    found = summary(course_key, schedule, params)
    stats = topic_stats(course_key, schedule, found.enrolled)
    return Dashboard(summary=found, topics=stats, page=grid_page(course_key, params, schedule, total=found.matching))


# --- lists and one learner ---------------------------------------------------

def emails(course_key, params, schedule):
    """The distinct email addresses of the learners params selects, sorted (one query)."""
    found = (filtered(course_key, params, schedule).exclude(email="").order_by("email")
             .values_list("email", flat=True).distinct())
    return list(found)


def agencies(course_key):
    """Agency names in the cohort, for the filter's suggestions (one query)."""
    found = (roster(course_key).exclude(agency="").order_by("agency").values_list("agency", flat=True)
             .distinct()[:AGENCY_SUGGESTIONS_MAX])
    return list(found)


@dataclass
class LearnerDetail:
    profile: object
    status: str
    inactive: bool
    pace_week: object
    cells: list  # (topic, TopicProgress or None)
    certificates: list
    scenarios: list  # (topic, [elsx.scenarios.api.Progress]) for topics with case studies
    eligibility: object  # elsx.eligibility.Eligibility: the one requirements list

    @property
    def decided_any(self):
        return any(progress.decisions for _topic, cases in self.scenarios for progress in cases)

    @property
    def reflections(self):
        return [(topic, row) for topic, row in self.cells if row is not None and row.reflection]

    @property
    def certificate_numbers(self):
        return [(cert, certs.display_number(cert.number)) for cert in self.certificates]

    @property
    def current_certificate(self):
        """The latest generation: the one the drill-down's certificate actions act on."""
        return self.certificates[0] if self.certificates else None

    @property
    def earlier_certificate_numbers(self):
        return self.certificate_numbers[1:]


def _storable(text):
    """Whether text can be sent to the database at all (no lone surrogates, no NUL)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def roster_profile(course_key, learner_id):
    """The learner's profile in this course's roster, or NotFound (for any id a request can carry)."""
    if not isinstance(learner_id, str) or not learner_id or not _storable(learner_id):
        raise NotFound(_("No such learner in this course."))
    profile = roster(course_key).filter(learner_id=learner_id).first()
    if profile is None:
        raise NotFound(_("No such learner in this course."))
    return profile


def learner_detail(course_key, learner_id, schedule):
    """One learner's topics, case-study decisions, certificates and requirements: 4 queries plus what added
    requirements read."""
    profile = roster_profile(course_key, learner_id)
    rows = {row.topic_id: row for row in TopicProgress.objects.filter(course_key=course_key, learner_id=learner_id)}
    status = eligibility.check(course_key, learner_id, rows=list(rows.values()))
    certificates = list(Certificate.objects.filter(course_key=course_key, learner_id=learner_id)
                        .order_by("-generation"))
    certified = any(cert.status == Certificate.STATUS_VALID for cert in certificates)
    return LearnerDetail(
        profile=profile,
        status=learner_status(certified, profile.completed_at, profile.topics_completed, schedule),
        inactive=is_inactive(profile.completed_at, profile.last_activity_at, schedule),
        pace_week=schedule.pace_week(profile.topics_completed),
        cells=[(topic, rows.get(topic.id)) for topic in schedule.topics],
        certificates=certificates,
        scenarios=scenarios.choices_for_learner(course_key, learner_id, schedule.topics),
        eligibility=status,
    )
