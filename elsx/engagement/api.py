"""Engaged time: the server decides what each heartbeat is worth.

Rules (docs/engagement.md):
- one clock per learner and course, across every tab and device;
- a heartbeat credits the time since the learner's last credited heartbeat,
  at most HEARTBEAT_SECONDS + HEARTBEAT_GRACE_SECONDS; the first one only
  starts the clock;
- a heartbeat less than HEARTBEAT_MIN_GAP_SECONDS after the last credited one
  is ignored (second tab, replay, flood) and leaves the clock alone, so time
  is never lost, only never counted twice: the sum credited never exceeds
  wall-clock time;
- a client `sent_at` more than HEARTBEAT_SKEW_SECONDS ahead of the server is
  refused; one that far behind (a late or replayed request) is ignored.
The browser decides only whether to send (visible, and input in the last
IDLE_CUTOFF_SECONDS or media playing); it never says how much time passed.

Cost of an ordinary heartbeat: 3 queries (lock the topic row reading the
clock, compare-and-set the clock, write the topic row). The day-by-day log
gets its row when a later day begins (see models).
"""
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from elsx import conf, estimates
from elsx.engagement import clock
from elsx.engagement.models import EngagedDay, EngagementClock
from elsx.errors import ElsxError, InvalidInput, NotAllowed
from elsx.models import TopicProgress
from elsx.validation import parse_int

ACCEPTED, STARTED = "credited", "started"
TOO_SOON, STALE, CONCURRENT = "too_soon", "stale", "concurrent"
MAX_SENT_AT = 10 ** 14  # ms since 1970: year 5138; anything bigger is not a timestamp


class RateLimited(ElsxError):
    status = 429


@dataclass
class Beat:
    result: str            # credited, started, too_soon, stale, concurrent
    credited: int = 0      # seconds this heartbeat added
    topic_seconds: int = 0  # the learner's engaged seconds in this topic, after it
    sections_read: list = field(default_factory=list)  # sections that reached their reading share just now
    newly_completed: bool = False


# --- settings -----------------------------------------------------------------

def period():
    return int(conf.get("HEARTBEAT_SECONDS"))


def cap_seconds():
    return period() + int(conf.get("HEARTBEAT_GRACE_SECONDS"))


def required_seconds(topic):
    from elsx.progress import required_seconds as required  # the completion rule lives in progress
    return required(topic)


def remaining_words(seconds_left):
    """What is left, in words, never a countdown: "about 20 more minutes in this topic"."""
    minutes = max(1, int(5 * math.ceil(seconds_left / 300))) if seconds_left > 300 else max(1, math.ceil(seconds_left / 60))
    if minutes == 1:
        return _("about 1 more minute in this topic")
    return _("about {minutes} more minutes in this topic").format(minutes=minutes)


def duration_words(seconds):
    """Engaged time for people: "0 min", "45 min", "2 h 05 min"."""
    minutes = int(seconds or 0) // 60
    if minutes < 60:
        return _("{minutes} min").format(minutes=minutes)
    return _("{hours} h {minutes:02d} min").format(hours=minutes // 60, minutes=minutes % 60)


# --- input --------------------------------------------------------------------

def rate_key(course_key, learner_id, window):
    """The cache key counting one learner's beats in one minute: no learner id in it, and the same in
    every worker process of the LMS (they share the cache; hash() is salted per process)."""
    digest = salted_hmac("elsx.engagement.rate", f"{course_key}\n{learner_id}").hexdigest()[:24]
    return f"elsx:beat:{digest}:{window}"


def _rate_limited(course_key, learner_id, now):
    limit = int(conf.get("HEARTBEAT_RATE_LIMIT"))
    if limit <= 0:
        return False
    key = rate_key(course_key, learner_id, int(now.timestamp() // 60))
    # incr first: one cache round trip per beat (Memcached or Redis in the LMS); add only once a minute.
    try:
        count = cache.incr(key)
    except ValueError:  # the first beat of this minute
        if cache.add(key, 1, 65):
            return 1 > limit
        try:
            count = cache.incr(key)  # another request added it just now
        except ValueError:
            cache.set(key, 1, 65)
            count = 1
    return count > limit


def _check_sent_at(sent_at, now):
    """None if fine; STALE to ignore; raises for nonsense or the future."""
    if sent_at is None:
        return None
    sent_at = parse_int(sent_at, "sent_at", "sent_at", 1, MAX_SENT_AT)
    skew = int(conf.get("HEARTBEAT_SKEW_SECONDS"))
    offset = sent_at / 1000.0 - now.timestamp()
    if offset > skew:
        raise InvalidInput(_("sent_at is in the future: check the device's clock."), field="sent_at")
    if offset < -skew:
        return STALE
    return None


# --- the clock rule -------------------------------------------------------------

def credit_for(last_at, now):
    """(result, seconds) for a heartbeat at now, the last credited one at last_at (pure: unit-tested)."""
    if last_at is None:
        return STARTED, 0
    elapsed = (now - last_at).total_seconds()
    if elapsed < int(conf.get("HEARTBEAT_MIN_GAP_SECONDS")):
        return TOO_SOON, 0  # includes a server clock that went backwards
    return ACCEPTED, int(min(elapsed, cap_seconds()))


def split_by_day(start, seconds):
    """[(local date, seconds)] for an interval of seconds starting at start, cut at local midnights."""
    pieces, left = [], seconds
    start = timezone.localtime(start)
    while left > 0:
        day = start.date()
        midnight = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), start.tzinfo)
        take = min(left, max(0, math.ceil((midnight - start).total_seconds())))
        if take <= 0:
            take = left
        pieces.append((day, take))
        left -= take
        start = midnight
    return pieces


def _ensure_rows(course_key, learner, topic):
    from elsx.progress import ensure_profile
    ensure_profile(course_key, learner)
    for model, keys in ((TopicProgress, {"topic_id": topic.id}), (EngagementClock, {})):
        try:
            model.objects.get_or_create(course_key=course_key, learner_id=learner.id, **keys)
        except IntegrityError:
            pass  # another request created it first


_LOCKED_ROW_SQL = (
    "SELECT tp.id, tp.sections_viewed, tp.engaged_seconds, tp.engaged_sections, tp.engaged_day,"
    " tp.engaged_day_seconds, c.id, c.last_at"
    " FROM elsx_topicprogress tp LEFT JOIN elsx_engagementclock c"
    " ON c.course_key = tp.course_key AND c.learner_id = tp.learner_id"
    " WHERE tp.course_key = %s AND tp.learner_id = %s AND tp.topic_id = %s")
_MOVE_CLOCK_SQL = "UPDATE elsx_engagementclock SET last_at = %s, seconds = seconds + %s WHERE id = %s AND last_at "
_TOPIC_COLUMNS = ("engaged_seconds", "engaged_day", "engaged_day_seconds", "engaged_sections")


@dataclass
class _Row:
    """The locked topic row and the learner's clock, as the hot path reads them."""
    pk: int
    course_key: str
    learner_id: str
    topic_id: str
    sections_viewed: list
    engaged_seconds: int
    engaged_sections: dict
    engaged_day: object
    engaged_day_seconds: int
    clock_pk: int
    clock_at: object


def _field(name):
    return TopicProgress._meta.get_field(name)  # pylint: disable=protected-access


def _from_db(name, value):
    """A column as the ORM would give it (JSON text, SQLite's date and datetime strings)."""
    if value is None:
        return None
    if name in ("sections_viewed", "engaged_sections"):
        return _field(name).from_db_value(value, None, connection)
    if name == "engaged_day" and isinstance(value, str):
        return date.fromisoformat(value)
    if name == "clock_at":
        return connection.ops.convert_datetimefield_value(value, None, connection)
    return value


def _locked_row(course_key, learner_id, topic_id):
    """The topic row and the learner's clock, both locked (FOR UPDATE on the join): one query.

    A plain cursor, not the ORM: the hot path is 170 a second for 5,000 learners, and the ORM
    spent more time building its queries and model instances than the database spent answering.
    """
    sql = _LOCKED_ROW_SQL + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [course_key, learner_id, topic_id])
        found = cursor.fetchone()
    if found is None:
        return None
    pk, viewed, seconds, sections, day, day_seconds, clock_pk, clock_at = found
    return _Row(pk, course_key, learner_id, topic_id, _from_db("sections_viewed", viewed) or [], seconds,
                _from_db("engaged_sections", sections) or {}, _from_db("engaged_day", day), day_seconds,
                clock_pk, _from_db("clock_at", clock_at))


def _move_clock(row, now, seconds):
    """Compare-and-set: of two beats that read the same clock, only one moves it. True if this one did."""
    adapt = connection.ops.adapt_datetimefield_value
    if row.clock_at is None:
        sql, params = _MOVE_CLOCK_SQL + "IS NULL", [adapt(now), seconds, row.clock_pk]
    else:
        sql, params = _MOVE_CLOCK_SQL + "= %s", [adapt(now), seconds, row.clock_pk, adapt(row.clock_at)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def _save_topic(row, changes):
    names = [name for name in _TOPIC_COLUMNS if name in changes]
    values = [_field(name).get_db_prep_value(changes[name], connection) for name in names]
    sql = "UPDATE elsx_topicprogress SET " + ", ".join(f"{name} = %s" for name in names) + " WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, values + [row.pk])


def heartbeat(course_key, learner, topic, section_id=None, sent_at=None, now=None):
    """Credit one heartbeat of `learner` in `topic` (the section open, if any); returns a Beat."""
    if learner is None or learner.is_anonymous:
        raise NotAllowed(_("Sign in to record your progress."))
    if section_id is not None and (not isinstance(section_id, str) or section_id not in topic.section_ids()):
        raise InvalidInput(_("Unknown section."), field="section")
    now = now or clock.now()
    if _check_sent_at(sent_at, now) == STALE:
        return Beat(result=STALE)
    if _rate_limited(course_key, learner.id, now):
        raise RateLimited(_("Too many heartbeats; wait a minute."))
    for _attempt in range(2):
        beat = _credit(course_key, learner.id, topic, section_id, now)
        if beat is not None:
            break
        _ensure_rows(course_key, learner, topic)
    else:
        raise RuntimeError("engagement rows missing after creating them")
    _after_credit(course_key, learner, topic, beat)
    return beat


def _credit(course_key, learner_id, topic, section_id, now):
    with transaction.atomic():
        row = _locked_row(course_key, learner_id, topic.id)
        if row is None or row.clock_pk is None:
            return None
        result, seconds = credit_for(row.clock_at, now)
        if result == TOO_SOON:
            return Beat(result=result, topic_seconds=row.engaged_seconds)
        if not _move_clock(row, now, seconds):
            return Beat(result=CONCURRENT, topic_seconds=row.engaged_seconds)
        if not seconds:
            return Beat(result=result, topic_seconds=row.engaged_seconds)
        changes, read = _topic_changes(row, topic, section_id, now, seconds)
        _save_topic(row, changes)
        return Beat(result=result, credited=seconds, topic_seconds=changes["engaged_seconds"], sections_read=read)


def _topic_changes(row, topic, section_id, now, seconds):
    changes = {"engaged_seconds": row.engaged_seconds + seconds}
    day, day_seconds = row.engaged_day, row.engaged_day_seconds
    for piece_day, piece in split_by_day(now - timedelta(seconds=seconds), seconds):
        if piece_day != day:
            if day is not None and day_seconds:
                _log_day(row, day, day_seconds)
            day, day_seconds = piece_day, 0
        day_seconds += piece
    changes.update(engaged_day=day, engaged_day_seconds=day_seconds)
    read = []
    if section_id is not None and section_id not in row.sections_viewed:
        sections = dict(row.engaged_sections)
        sections[section_id] = int(sections.get(section_id, 0)) + seconds
        changes["engaged_sections"] = sections
        needed = estimates.section_read_seconds(next(s for s in topic.sections if s.id == section_id))
        if sections[section_id] >= needed:
            read.append(section_id)
    return changes, read


def _log_day(row, day, seconds):
    """Move a finished day into the log (once per learner, topic and day; adds if a row exists)."""
    logged, created = EngagedDay.objects.get_or_create(
        course_key=row.course_key, learner_id=row.learner_id, topic_id=row.topic_id, day=day,
        defaults={"seconds": seconds})
    if not created:
        EngagedDay.objects.filter(pk=logged.pk).update(seconds=F("seconds") + seconds)


def _after_credit(course_key, learner, topic, beat):
    """Rare follow-ups in progress's own lock order: a section now read, the minimum now met, first minute."""
    if not beat.credited:
        return
    from elsx import progress
    before = beat.topic_seconds - beat.credited
    crossed = [threshold for threshold in (required_seconds(topic), int(conf.get("IN_PROGRESS_ENGAGED_SECONDS")))
               if threshold and before < threshold <= beat.topic_seconds]
    if beat.sections_read or crossed:
        beat.newly_completed = progress.engagement_changed(course_key, learner, topic, beat.sections_read)


# --- demo data ----------------------------------------------------------------------

def seed_time(course_key, learner, topic, seconds, day):
    """Demo data only: `seconds` of engaged time in `topic` on `day`, as credited heartbeats would leave
    them: the topic's total and the day's log entry, each section open for its reading time (so read),
    the learner's clock. Sets, never adds, so seeding twice changes nothing."""
    _ensure_rows(course_key, learner, topic)
    sections = {section.id: estimates.section_read_seconds(section) for section in topic.sections}
    with transaction.atomic():
        TopicProgress.objects.filter(course_key=course_key, learner_id=learner.id, topic_id=topic.id,
                                     engaged_seconds__lt=seconds).update(
            engaged_seconds=seconds, engaged_day=day, engaged_day_seconds=seconds, engaged_sections=sections)
        total = sum(TopicProgress.objects.filter(course_key=course_key, learner_id=learner.id).values_list(
            "engaged_seconds", flat=True))
        EngagementClock.objects.filter(course_key=course_key, learner_id=learner.id).update(seconds=total)
    from elsx import progress
    progress.engagement_changed(course_key, learner, topic, list(sections))


# --- reading ----------------------------------------------------------------------

def learner_seconds(course_key, learner_id):
    found = EngagementClock.objects.filter(course_key=course_key, learner_id=learner_id).values_list(
        "seconds", flat=True).first()
    return found or 0


def day_log(course_key, learner_id):
    """[(day, topic_id, seconds)] oldest first: the logged days plus each topic's current one."""
    rows = [(row.day, row.topic_id, row.seconds)
            for row in EngagedDay.objects.filter(course_key=course_key, learner_id=learner_id)]
    rows += [(day, topic_id, seconds) for topic_id, day, seconds in TopicProgress.objects.filter(
        course_key=course_key, learner_id=learner_id, engaged_day__isnull=False, engaged_day_seconds__gt=0,
    ).values_list("topic_id", "engaged_day", "engaged_day_seconds")]
    return sorted(rows)
