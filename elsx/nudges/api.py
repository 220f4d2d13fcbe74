"""Preview and send reminders to the learners a dashboard filter selects.

Each learner is locked (their LearnerProfile row) while their throttle is checked
and their send recorded, so two staff pressing Send at once send one message.
Logs carry ids and counts only: never names, addresses or message text.
"""
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elsx import compat, conf
from elsx.cohort import query
from elsx.curriculum import get_curriculum
from elsx.errors import InvalidInput
from elsx.models import LearnerProfile, TopicProgress
from elsx.nudges.models import NudgeLog

log = logging.getLogger(__name__)

TEMPLATE = "next_topic"
# A batch larger than this is refused: narrow the filter (keeps one request short).
MAX_BATCH = 500


def min_interval():
    """At most one reminder per learner per this long (ELSX NUDGE_MIN_INTERVAL_DAYS, default 7)."""
    return timedelta(days=float(conf.get("NUDGE_MIN_INTERVAL_DAYS")))


@dataclass
class Plan:
    """Who would get a reminder now, and who is skipped and why."""
    to_send: list = field(default_factory=list)  # (profile, next topic)
    skipped: dict = field(default_factory=dict)  # outcome -> [learner ids]

    def counts(self):
        found = {NudgeLog.SENT: len(self.to_send)}
        found.update({outcome: len(ids) for outcome, ids in self.skipped.items()})
        return found


def _next_topics(course_key, learner_ids, curriculum):
    done = {}
    for learner_id, topic_id in (TopicProgress.objects.filter(course_key=course_key, learner_id__in=learner_ids,
                                                              completed_at__isnull=False)
                                 .values_list("learner_id", "topic_id")):
        done.setdefault(learner_id, set()).add(topic_id)
    return {learner_id: next((t for t in curriculum.topics if t.id not in done.get(learner_id, set())), None)
            for learner_id in learner_ids}


def _recently_nudged(course_key, learner_ids, now):
    return set(NudgeLog.objects.filter(course_key=course_key, learner_id__in=learner_ids, outcome=NudgeLog.SENT,
                                       created_at__gt=now - min_interval())
               .values_list("learner_id", flat=True))


def plan(course_key, params, schedule, now=None):
    now = now or timezone.now()
    profiles = list(query.filtered(course_key, params, schedule).filter(retired_at__isnull=True)
                    .order_by("full_name", "pk")[:MAX_BATCH + 1])
    if len(profiles) > MAX_BATCH:
        raise InvalidInput(_("More than {max} learners match these filters. Narrow them to send reminders.")
                           .format(max=MAX_BATCH))
    ids = [profile.learner_id for profile in profiles]
    opted_out = compat.course_email_optouts(course_key, ids)
    recent = _recently_nudged(course_key, ids, now)
    next_topics = _next_topics(course_key, ids, get_curriculum())
    result = Plan()
    for profile in profiles:
        topic = next_topics[profile.learner_id]
        outcome = (NudgeLog.OPTED_OUT if profile.learner_id in opted_out
                   else NudgeLog.NO_EMAIL if not profile.email
                   else NudgeLog.NOTHING_LEFT if topic is None
                   else NudgeLog.THROTTLED if profile.learner_id in recent
                   else None)
        if outcome:
            result.skipped.setdefault(outcome, []).append(profile.learner_id)
        else:
            result.to_send.append((profile, topic))
    return result


def schedule_line(schedule):
    if schedule.start is None or not schedule.current_week:
        return ""
    if schedule.current_week > schedule.week_count:
        return _("The {weeks}-week schedule has ended: every topic is due.").format(weeks=schedule.week_count)
    return ngettext("The cohort is in week {week} of {weeks}: {due} topic is due by today.",
                    "The cohort is in week {week} of {weeks}: {due} topics are due by today.",
                    schedule.topics_due).format(week=schedule.current_week, weeks=schedule.week_count,
                                                due=schedule.topics_due)


def render(profile, topic, schedule, course_key):
    """(subject, body) of one learner's reminder, in plain text."""
    curriculum = get_curriculum()
    done = profile.topics_completed
    url = compat.topic_urls(course_key, [topic.id])[topic.id]  # absolute in the LMS
    subject = _("{course}: your next topic").format(course=curriculum.title)
    lines = [
        _("Hello {name},").format(name=profile.full_name or profile.username or _("learner")),
        "",
        ngettext("You have completed {done} of {total} topic.", "You have completed {done} of {total} topics.",
                 len(curriculum.topics)).format(done=done, total=len(curriculum.topics)),
        _("Your next topic is Topic {number}: {title}.").format(number=topic.number, title=topic.title),
    ]
    line = schedule_line(schedule)
    if line:
        lines.append(line)
    lines += ["", _("Continue where you left off: {url}").format(url=url), "",
              _("Course staff sent you this reminder. You can turn off course email in your account settings.")]
    return subject, "\n".join(lines)


def _selection(params):
    chosen = params.as_query()
    for key in ("search", "page", "page_size", "sort", "dir"):
        chosen.pop(key, None)
    return chosen


def preview(course_key, params, schedule, now=None):
    found = plan(course_key, params, schedule, now)
    sample = render(*found.to_send[0], schedule, course_key) if found.to_send else None
    return found, sample


def send(course_key, params, schedule, by, now=None):
    """Send to every learner the plan allows; returns the counts by outcome."""
    now = now or timezone.now()
    found = plan(course_key, params, schedule, now)
    selection = _selection(params)
    # Skips are counted, not recorded: a double submit then leaves the log as one submit did.
    counts = {outcome: len(ids) for outcome, ids in found.skipped.items()}
    language = translation.get_language()
    for profile, topic in found.to_send:
        outcome = _send_one(course_key, profile, topic, schedule, by, selection, now, language)
        counts[outcome] = counts.get(outcome, 0) + 1
    log.info("elsx: staff %s sent reminders for %s: %s", by.id, course_key,
             ", ".join(f"{key}={value}" for key, value in sorted(counts.items())))
    return counts


def _send_one(course_key, profile, topic, schedule, by, selection, now, language):
    subject, body = render(profile, topic, schedule, course_key)
    try:
        with transaction.atomic():
            LearnerProfile.objects.select_for_update().filter(pk=profile.pk).first()
            if _recently_nudged(course_key, [profile.learner_id], now):
                return NudgeLog.THROTTLED  # another send got there first
            compat.send_course_email(profile.learner_id, profile.email, subject, body, language)
            NudgeLog.objects.create(course_key=course_key, learner_id=profile.learner_id, sent_by=by.id,
                                    template=TEMPLATE, outcome=NudgeLog.SENT, selection=selection, created_at=now)
            return NudgeLog.SENT
    except Exception as exc:  # pylint: disable=broad-exception-caught  # SMTP, ACE: one failure must not stop the batch
        # The exception's class only: an SMTP error's text can quote the address.
        log.error("elsx: reminder to learner %s in %s failed (%s)", profile.learner_id, course_key,
                  type(exc).__name__)
        NudgeLog.objects.create(course_key=course_key, learner_id=profile.learner_id, sent_by=by.id,
                                template=TEMPLATE, outcome=NudgeLog.FAILED, selection=selection, created_at=now)
        return NudgeLog.FAILED
