"""The progress block: the learner's six weeks, hours earned and what remains."""
from datetime import timedelta

from django.utils.translation import gettext_lazy as _  # field labels are built at import time
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Scope, String

from elsx import compat, eligibility, estimates, olx, templating
from elsx.engagement.api import duration_words
from elsx.blocks.base import ElsxBlockMixin, json_handler, safe_view_data
from elsx.certificates import api as certificates
from elsx.cohort import starts
from elsx.curriculum import get_curriculum
from elsx.validation import require_keys


@XBlock.wants("user")
@XBlock.needs("i18n")
class ProgressBlock(ElsxBlockMixin, XBlock):
    """Where the learner stands: weeks, topics, hours out of 11.0, the next step."""

    display_name = String(display_name=_("Display name"), default="Your progress", scope=Scope.settings)
    # Not a learning activity: leave it out of the course's completion.
    completion_mode = XBlockCompletionMode.EXCLUDED

    def _context(self):
        learner = self.current_learner()
        course_key = self.course_key()
        curriculum = get_curriculum()
        urls = compat.topic_urls(course_key, [topic.id for topic in curriculum.topics])
        status = eligibility.check(course_key, learner.id if not learner.is_anonymous else "", curriculum,
                                   topic_urls=urls)
        progress = status.progress
        percent = int(100 * progress.hours_earned / progress.hours_total) if progress.hours_total else 0
        next_topic = progress.next_topic
        return {
            "dom_id": self.dom_id(),
            "learner": learner,
            "curriculum": curriculum,
            "progress": progress,
            "eligibility": status,
            "percent": percent,
            "next_topic": next_topic,
            "next_url": urls[next_topic.id] if next_topic else "",
            "started": any(state.status != "not_started" for _week, items in progress.weeks for _topic, state in items),
            "topic_urls": urls,
            "link_target": compat.link_target(),
            "certificate_state": certificates.certificate_state(course_key, learner.id, status)
            if progress.complete and not learner.is_anonymous else None,
            "certificate_url": compat.url_name_url(course_key, olx.CERTIFICATE_URL_NAME),
            "estimates": {topic.id: estimates.round_minutes(estimates.topic_estimate(topic).minutes)
                          for topic in curriculum.topics},
            "engaged": {topic.id: duration_words(state.engaged_seconds)
                        for _week, items in progress.weeks for topic, state in items},
            "engaged_total": duration_words(progress.engaged_seconds),
            "schedule": _schedule_context(course_key, curriculum),
        }

    @XBlock.supports("multi_device")
    def student_view(self, context=None):
        return self.fragment("elsx/progress.html", self._context(),
                             js_class="ElsxProgress", js=("js/elsx.js", "js/progress.js"))

    @safe_view_data
    def student_view_data(self, context=None):
        """The course's weeks, topics and hours, the same for everyone (collected with no user);
        where the learner stands comes from the learner_state handler."""
        curriculum = get_curriculum()
        return {
            "hours_total": float(curriculum.hours),
            "topics_total": len(curriculum.topics),
            "weeks": [{"number": week.number, "title": week.title,
                       "topics": [{"id": topic.id, "title": topic.title, "credit_hours": float(topic.hours)}
                                  for topic in week.topics]}
                      for week in curriculum.weeks],
            "state_handler": "learner_state",
        }

    @json_handler(method="GET", records=False)
    def learner_state(self, data, learner):
        """Where this learner stands: hours, statuses, the next topic, eligibility."""
        require_keys(data, ())
        ctx = self._context()
        progress = ctx["progress"]
        return {
            "hours_earned": float(progress.hours_earned),
            "hours_total": float(progress.hours_total),
            "topics_completed": progress.topics_completed,
            "topics_total": progress.topics_total,
            "next_topic": progress.next_topic.id if progress.next_topic else None,
            "weeks": [
                {"number": week.number, "title": week.title,
                 "topics": [{"id": topic.id, "title": topic.title, "status": state.status} for topic, state in items]}
                for week, items in progress.weeks
            ],
            "eligible": ctx["eligibility"].eligible,
            "schedule": _schedule_data(ctx["schedule"]),
        }

    @json_handler(records=False)
    def refresh(self, data, learner):
        """Re-render after a topic changed on the same page. Takes no fields: identity is the runtime's."""
        require_keys(data, ())
        return {"html": templating.render("elsx/progress_body.html", self._context())}

    @staticmethod
    def workbench_scenarios():
        return []


def _schedule_context(course_key, curriculum):
    """Where the cohort's calendar stands, or None when the course records no usable start date."""
    schedule = starts.schedule(course_key, curriculum=curriculum)
    if schedule.start is None:
        return None
    # Week N is due at the end of its last day (due_date is the first day it is overdue).
    return {"start": schedule.start, "week": schedule.current_week, "weeks": schedule.week_count,
            "topics_due": schedule.topics_due, "ended": schedule.current_week > schedule.week_count,
            "due": {number: schedule.due_date(number) - timedelta(days=1) for number, _topics in schedule.weeks}}


def _schedule_data(schedule):
    if schedule is None:
        return None
    return {"start": schedule["start"].isoformat(), "week": schedule["week"], "weeks": schedule["weeks"],
            "topics_due": schedule["topics_due"],
            "due": {str(number): day.isoformat() for number, day in schedule["due"].items()}}
