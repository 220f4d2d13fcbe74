"""A realistic demo cohort at every stage, written with bulk_create.

Used by `manage.py elsx_seed_cohort` (the demo and the benchmark). Learners
get ids with a prefix (SEED_PREFIX), so re-seeding replaces only seeded rows
and never touches real learners. Stages, relative to the cohort schedule:
not started, on track, behind, inactive, completed (some claimed), certified.
Certified learners get certificates through the certificates API when it is
installed and the count is small (it renders PDFs); otherwise as rows with no
PDF, which the certificate download must report as "not rendered yet".
"""
import json
import logging
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

from django.db import connections, models, router, transaction
from django.utils import timezone

from elsx import conf
from elsx.cohort import certs, seed_commission
from elsx.cohort.schedule import Schedule
from elsx.curriculum import get_curriculum
from elsx.models import Certificate, EngagementClock, LearnerProfile, TopicProgress

log = logging.getLogger(__name__)

SEED_PREFIX = "seed-"
BATCH = 2000
API_CERTIFICATE_LIMIT = 200  # above this, certificates are plain rows (PDF rendering is ~45 ms each)
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

FIRST = ("Maria", "James", "Aisha", "Robert", "Linda", "Daniel", "Grace", "Miguel", "Patricia", "Kevin", "Rosa",
         "Thomas", "Jennifer", "Andre", "Susan", "Marcus", "Elena", "William", "Keisha", "Brian", "Nora", "Carlos",
         "Denise", "Joseph", "Tanya", "Samuel", "Ingrid", "Victor", "Hannah", "Raymond", "Leticia", "Gerald",
         "Mei", "Douglas", "Fatima", "Ronald", "Yolanda", "Anthony", "Colleen", "Darnell", "Priya", "Frank",
         "Siobhan", "Luis", "Janet", "Oksana", "Curtis", "Beatriz", "Harold", "Amara")
LAST = ("Alvarez", "Brennan", "Castillo", "Dawson", "Eriksen", "Fitzgerald", "Garza", "Holloway", "Ibarra",
        "Jefferson", "Kowalski", "Lindqvist", "McAllister", "Nakamura", "O'Connor", "Patel", "Quintero", "Rasmussen",
        "Santiago", "Thibodeaux", "Underwood", "Vasquez", "Whitfield", "Yazzie", "Zimmerman", "Abernathy", "Boateng",
        "Chen", "Delgado", "Espinoza", "Fairbanks", "Gutierrez", "Hargrove", "Iverson", "Jaramillo", "Kincaid",
        "Lefebvre", "Montoya", "Nguyen", "Okafor", "Pruitt", "Reyes", "Stanislaus", "Tran", "Valdez", "Washington",
        "Ybarra", "Zamora", "Dubois", "Moreno-Hill")
# (agency, state, role it mostly sends)
AGENCIES = (
    ("Travis County Sheriff's Office", "TX", "le_executive"),
    ("Austin Police Department", "TX", "le_executive"),
    ("Harris County Emergency Communications", "TX", "psap"),
    ("Texas Center for the Missing", "TX", "clearinghouse"),
    ("Fresno Police Department", "CA", "le_executive"),
    ("Riverside County Sheriff's Department", "CA", "le_executive"),
    ("Sacramento Regional 911 Center", "CA", "psap"),
    ("California DOJ Missing Persons Unit", "CA", "clearinghouse"),
    ("Salt Lake City Police Department", "UT", "le_executive"),
    ("Utah County Sheriff's Office", "UT", "le_executive"),
    ("Valley Emergency Communications Center", "UT", "psap"),
    ("Maricopa County Sheriff's Office", "AZ", "le_executive"),
    ("Phoenix Fire & Police Dispatch", "AZ", "psap"),
    ("Arizona Missing Persons Clearinghouse", "AZ", "clearinghouse"),
    ("Cuyahoga County Prosecutor's Office", "OH", "other"),
    ("Columbus Division of Police", "OH", "le_executive"),
    ("Franklin County 9-1-1 Authority", "OH", "psap"),
    ("Miami-Dade Police Department", "FL", "le_executive"),
    ("Florida Missing Endangered Persons Information Clearinghouse", "FL", "clearinghouse"),
    ("Broward Sheriff's Office Regional Communications", "FL", "psap"),
    ("Tulsa Police Department", "OK", "le_executive"),
    ("Children's Advocacy Center of Tulsa", "OK", "other"),
)
STAGES = (("not_started", 8), ("on_track", 30), ("behind", 18), ("inactive", 12), ("completed", 14),
          ("certified", 18))
REFLECTIONS = (
    "Our command staff will review the first-hour checklist with every shift supervisor this quarter.",
    "We will align our intake protocol with the clearinghouse so no report waits for a waiting period.",
    "I will ask our PSAP to add a missing-child script to the call-taking guide and train on it.",
    "We need a standing multidisciplinary team meeting with child protective services and the prosecutor.",
    "Our media policy needs a named spokesperson and a release template for endangered-child alerts.",
)


@dataclass
class Plan:
    stage: str
    done: int  # topics complete, in outline order (a few learners skip around)


def _number():
    """A canonical certificate number: the certificates API's format when installed."""
    generate = certs.number_generator()
    if generate is not None:
        return generate()
    return "".join(CROCKFORD[secrets.randbelow(32)] for _ in range(20))  # 100 random bits


def _plan(rng, stage, schedule, total):
    due = schedule.topics_due
    if stage == "not_started":
        return Plan(stage, 0)
    if stage in ("completed", "certified"):
        return Plan(stage, total)
    if stage == "behind" and due > 0:
        return Plan(stage, rng.randint(0, due - 1))
    if stage == "inactive":
        return Plan(stage, rng.randint(0, max(due - 1, 0)) if due else 0)
    # on track: at or ahead of the schedule, never everything
    return Plan("on_track", min(rng.randint(due, due + 2), total - 1))


def _stage(rng):
    return rng.choices([name for name, _w in STAGES], weights=[weight for _n, weight in STAGES])[0]


def _between(rng, start, end):
    if end <= start:
        return start
    return start + timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))


def delete_seeded(course_key):
    """Remove the seeded learners of a course (and only them)."""
    seeded = {"course_key": course_key, "learner_id__startswith": SEED_PREFIX}
    with transaction.atomic():
        Certificate.objects.filter(**seeded).update(superseded_by=None)
        counts = {
            "certificates": Certificate.objects.filter(**seeded).delete()[0],
            "topic_rows": TopicProgress.objects.filter(**seeded).delete()[0],
            "clocks": EngagementClock.objects.filter(**seeded).delete()[0],
            "profiles": LearnerProfile.objects.filter(**seeded).delete()[0],
            "commission": seed_commission.delete(course_key, SEED_PREFIX),
        }
    return counts


def default_start(now=None):
    """The demo cohort's start: 24 days ago, so the cohort is in week 4."""
    return timezone.localdate(now) - timedelta(days=24)


def seed_cohort(course_key, learners, start=None, now=None, seed=2026, certificates="auto"):
    """Create `learners` seeded learners for course_key (replacing earlier seeded ones).

    start: the cohort start date the stages are planned against (default: 24
    days ago, i.e. week 4). certificates: "api", "rows", "none" or "auto".
    Returns counts per stage.
    """
    now = now or timezone.now()
    curriculum = get_curriculum()
    start = start or default_start(now)
    schedule = Schedule.build(start, now=now, curriculum=curriculum)
    topics = list(curriculum.topics)
    rng = random.Random(seed)
    started_at = timezone.make_aware(datetime.combine(schedule.start, time(13, 0)), timezone.get_current_timezone())
    hours = {topic.id: topic.hours for topic in topics}
    delete_seeded(course_key)

    profiles, rows, certified, counts = [], [], [], {name: 0 for name, _w in STAGES}
    for index in range(1, learners + 1):
        learner_id = f"{SEED_PREFIX}{index:05d}"
        plan = _plan(rng, _stage(rng), schedule, len(topics))
        counts[plan.stage] += 1
        first, last = rng.choice(FIRST), rng.choice(LAST)
        agency, state, usual_role = rng.choice(AGENCIES)
        role = usual_role if rng.random() < 0.85 else rng.choice(["le_executive", "psap", "clearinghouse", "other"])
        slug = "".join(char for char in agency.lower() if char.isalnum())[:18]
        profile = {
            "course_key": course_key, "learner_id": learner_id, "full_name": f"{first} {last}",
            "email": f"{first}.{last}.{index}@{slug}.example.org".lower().replace("'", ""),
            "username": f"{first[0]}{last}{index}".lower().replace("'", ""),
            "agency": agency, "role": role, "state": state,
        }
        if plan.stage != "not_started":
            _activity(rng, plan, profile, started_at, now, topics, hours, rows)
        if plan.stage in ("completed", "certified"):
            if plan.stage == "certified" or rng.random() < 0.5:
                profile["legal_name"] = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
                profile["state_training_id"] = f"{state}-{rng.randint(100000, 999999)}"
                profile["claimed_at"] = profile["completed_at"] + timedelta(hours=rng.randint(1, 48))
            if plan.stage == "certified":
                certified.append(profile)
        profiles.append(profile)

    with transaction.atomic():
        fast_insert(LearnerProfile, profiles, now)
        fast_insert(TopicProgress, rows, now)
        # Its own generator, so the cohort itself is the same with COMMISSION on or off.
        seed_commission.add(course_key, [profile for profile in profiles if profile.get("completed_at")],
                            random.Random(seed + 1))
        fast_insert(EngagementClock, _clocks(profiles, rows), now)
    issued = _certify(course_key, certified, curriculum, now, certificates)
    log.info("elsx: seeded %s learners for %s (%s certificates via %s)", learners, course_key, len(certified),
             issued)
    counts["certificates"] = len(certified)
    counts["certificates_via"] = issued
    return counts


def _activity(rng, plan, profile, started_at, now, topics, hours, rows):
    """Topic rows and the profile's summary columns for one learner's plan."""
    span_end = now - timedelta(days=8) if plan.stage == "inactive" else now
    span_end = max(span_end, started_at + timedelta(hours=2))
    first_at = _between(rng, started_at, min(started_at + timedelta(days=5), span_end))
    done = list(range(plan.done))
    if plan.done and plan.stage in ("on_track", "behind") and rng.random() < 0.15 and plan.done < len(topics):
        done[-1] = plan.done  # did the next topic before the one in front of it (order may differ)
    stamps = sorted(_between(rng, first_at, span_end) for _ in done)
    completed_ids = []
    for position, stamp in zip(done, stamps):
        topic = topics[position]
        attempts = 1 if rng.random() < 0.7 else rng.randint(2, 3)
        rows.append({
            "course_key": profile["course_key"], "learner_id": profile["learner_id"], "topic_id": topic.id,
            "sections_viewed": topic.section_ids(), "first_viewed_at": stamp - timedelta(minutes=50),
            "sections_viewed_at": stamp - timedelta(minutes=20), "check_passed_at": stamp - timedelta(minutes=10),
            "reflection_saved_at": stamp, "completed_at": stamp, "best_score": rng.choice((80, 80, 100, 100, 100)),
            "last_score": 100, "attempts": attempts, "reflection": rng.choice(REFLECTIONS),
            "started_at": stamp - timedelta(minutes=50), **_engaged(rng, topic, stamp, done=True)})
        completed_ids.append(topic.id)
    last_at = stamps[-1] if stamps else first_at
    if plan.done < len(topics) and plan.stage != "not_started" and rng.random() < 0.75:
        # working on the next topic: read some, maybe failed the check once
        topic = next(t for i, t in enumerate(topics) if i not in done)
        touched = _between(rng, last_at, span_end)
        failed = rng.random() < 0.4
        score = rng.choice((40, 60)) if failed else None
        rows.append({
            "course_key": profile["course_key"], "learner_id": profile["learner_id"], "topic_id": topic.id,
            "sections_viewed": topic.section_ids()[:2], "first_viewed_at": touched, "started_at": touched,
            "attempts": 1 if failed else 0, "best_score": score, "last_score": score,
            **_engaged(rng, topic, touched, done=False)})
        last_at = touched
    profile.update(
        topics_completed=len(completed_ids),
        hours_earned=sum((hours[topic_id] for topic_id in completed_ids), Decimal("0")),
        first_activity_at=first_at, last_activity_at=last_at,
        completed_at=stamps[-1] if len(completed_ids) == len(topics) else None)


def _engaged(rng, topic, stamp, done):
    """Realistic engaged time: completers 51-90 minutes per credit hour (the minimum is 50), a few slow
    readers up to twice that; learners part-way 5-30 minutes. All of it on the day of the stamp."""
    if done:
        per_hour = rng.uniform(51, 90) if rng.random() < 0.9 else rng.uniform(90, 120)
        seconds = int(float(topic.hours) * per_hour * 60)
    else:
        seconds = rng.randint(5, 30) * 60
    return {"engaged_seconds": seconds, "engaged_day": stamp.date(), "engaged_day_seconds": seconds}


def _clocks(profiles, rows):
    """One engagement clock per seeded learner: their total, last beat at their last activity."""
    totals = {}
    for row in rows:
        totals[row["learner_id"]] = totals.get(row["learner_id"], 0) + row.get("engaged_seconds", 0)
    return [{"course_key": profile["course_key"], "learner_id": profile["learner_id"],
             "last_at": profile.get("last_activity_at"), "seconds": totals.get(profile["learner_id"], 0)}
            for profile in profiles if profile["learner_id"] in totals]


def _certify(course_key, profiles, curriculum, now, mode):
    """Certificates for certified learners: through the API, as rows, or not at all."""
    if mode == "none" or not profiles:
        return "none"
    api = certs.api()
    use_api = mode == "api" or (mode == "auto" and api is not None and hasattr(api, "issue")
                                and len(profiles) <= API_CERTIFICATE_LIMIT)
    if use_api:
        for done, profile in enumerate(profiles):
            try:
                certs.issue(course_key, profile["learner_id"])
            except Exception:  # pylint: disable=broad-except
                # Seeding must not fail on a renderer problem: the rest become rows without a PDF.
                log.warning("elsx: certificates API failed while seeding; %s certificates made as rows",
                            len(profiles) - done, exc_info=True)
                _certificate_rows(course_key, profiles[done:], curriculum, now)
                return "api+rows"
        return "api"
    _certificate_rows(course_key, profiles, curriculum, now)
    return "rows"


def _certificate_rows(course_key, profiles, curriculum, now):
    rng = random.Random(len(profiles))
    snapshot = {
        "course_key": course_key, "generation": 1, "course_title": conf.get("COURSE_TITLE") or curriculum.title,
        "course_number": conf.get("COURSE_NUMBER"), "course_version": curriculum.version,
        "provider_name": conf.get("PROVIDER_NAME"), "credit_hours": curriculum.hours,
        "credit_type": conf.get("CREDIT_TYPE"), "delivery_method": conf.get("DELIVERY_METHOD"),
        "signatory_name": conf.get("SIGNATORY_NAME"), "signatory_title": conf.get("SIGNATORY_TITLE"),
        "pdf_path": "", "pdf_sha256": "",
    }
    rows = []
    for profile in profiles:
        issued_at = profile.get("claimed_at") or now
        revoked = rng.random() < 0.04
        row = dict(snapshot, number=_number(), learner_id=profile["learner_id"],
                   status=Certificate.STATUS_REVOKED if revoked else Certificate.STATUS_VALID,
                   started_on=timezone.localdate(profile["first_activity_at"]),
                   completed_on=timezone.localdate(profile["completed_at"]), issued_at=issued_at,
                   revoked_at=issued_at + timedelta(days=1) if revoked else None,
                   revoke_reason="Issued in error (demo data)" if revoked else "")
        row.update({key: profile.get(key, "") for key in ("legal_name", "agency", "role", "state_training_id",
                                                           "state")})
        rows.append(row)
    fast_insert(Certificate, rows, now)


def _converter(field, connection):
    """A fast value -> database value function for one field (bulk_create's per-value path is slow)."""
    if isinstance(field, models.JSONField):
        return json.dumps
    if connection.vendor != "sqlite":
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.DateTimeField):
        # What Django's SQLite backend stores: naive UTC text.
        return lambda value: None if value is None else (
            value.astimezone(dt_timezone.utc).replace(tzinfo=None).isoformat(sep=" "))
    if isinstance(field, models.DateField):
        return lambda value: None if value is None else value.isoformat()
    return None  # text, numbers and decimals go to SQLite as they are


def fast_insert(model, rows, now):
    """INSERT dict rows with executemany; missing fields take their defaults (auto_now: now)."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        else:
            default = field.get_default() if field.has_default() else (None if field.null else "")
        columns.append((field.attname, default, _converter(field, connection)))
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)))
    with connection.cursor() as cursor:
        for begin in range(0, len(rows), BATCH):
            batch = rows[begin:begin + BATCH]
            values = [[row.get(name, default) for name, default, _convert in columns] for row in batch]
            for index, (_name, _default, convert) in enumerate(columns):
                if convert is not None:
                    for record in values:
                        record[index] = convert(record[index])
            cursor.executemany(sql, values)
