"""The topic block: one topic's readings, knowledge check and reflection."""
import copy

from django.utils.translation import gettext_lazy as _  # field labels are built at import time
from xblock.completable import CompletableXBlockMixin
from xblock.core import XBlock
from xblock.fields import Integer, List, Scope, String
from xblock.validation import ValidationMessage

from elsx import authoring, compat, conf, estimates, events, olx, progress, reflection
from elsx.authoring import OVERRIDE_FIELDS, topic_for
from elsx.blocks.activities import TopicActivitiesMixin
from elsx.blocks.base import ElsxBlockMixin, json_handler, safe_view_data
from elsx import templating
from elsx.engagement import api as engagement
from elsx.errors import Conflict, InvalidInput, NotAllowed, NotFound
from elsx.review import api as review
from elsx.validation import require_keys


@XBlock.wants("user")
@XBlock.needs("i18n")
class TopicBlock(ElsxBlockMixin, CompletableXBlockMixin, TopicActivitiesMixin, XBlock):
    """One of the ten topics. Content comes from the curriculum unless an author overrides it."""

    display_name = String(display_name=_("Display name"), default="Topic", scope=Scope.settings)
    topic_id = String(display_name=_("Topic id"), default="vulnerable-populations", scope=Scope.settings,
                      help=_("Which curriculum topic this block shows, e.g. vulnerable-populations."))
    pass_mark = Integer(display_name=_("Pass mark (%)"), default=80, scope=Scope.settings,
                        help=_("The knowledge-check score needed to pass, from 1 to 100."))
    # Author overrides; empty means "as in the curriculum".
    title = String(display_name=_("Title"), default="", scope=Scope.content)
    summary = String(display_name=_("Summary"), default="", scope=Scope.content)
    # 0: the week in modules/outline.xml. A number relabels this block only (docs/authoring.md: Studio authoring).
    week = Integer(display_name=_("Week"), default=0, scope=Scope.content)
    hours = String(display_name=_("Credit hours"), default="", scope=Scope.content)
    objectives = List(display_name=_("Learning objectives"), default=[], scope=Scope.content)
    sections = List(display_name=_("Sections"), default=[], scope=Scope.content)
    questions = List(display_name=_("Knowledge-check questions"), default=[], scope=Scope.content)
    reflection_prompt = String(display_name=_("Reflection prompt"), default="", scope=Scope.content)
    # Each a <scenario> element as text, in the curriculum's format (modules/README.md).
    scenarios = List(display_name=_("Case studies"), default=[], scope=Scope.content)

    has_score = True
    icon_class = "problem"

    # --- content -----------------------------------------------------------

    def topic(self):
        found = topic_for(self.topic_id, {name: getattr(self, name) for name in OVERRIDE_FIELDS})
        if found is None:
            raise NotFound(_("This block names an unknown topic: {topic_id}.").format(topic_id=self.topic_id))
        return found

    def max_score(self):
        # Called at collect time for the whole course (lms/djangoapps/grades/transformer.py,
        # _collect_max_score), which logs a None and goes on; an exception would stop it.
        try:
            return len(self.topic().questions)
        except Exception:  # pylint: disable=broad-except
            return None

    def effective_pass_mark(self):
        return self.pass_mark if isinstance(self.pass_mark, int) and 1 <= self.pass_mark <= 100 else 80

    # --- views -------------------------------------------------------------

    def _context(self, topic, state, learner):
        feedback = progress.last_feedback(topic, state)
        return {
            "topic": topic,
            "state": state,
            "learner": learner,
            "dom_id": self.dom_id(),
            "pass_mark": self.effective_pass_mark(),
            "feedback": feedback[2] if feedback else {},
            "last_score": feedback[0] if feedback else None,
            "reflection_min": progress.REFLECTION_MIN,
            "reflection_max": progress.REFLECTION_MAX,
            "reflection_min_words": reflection.min_words(topic.id),
            "review_required": review.needs_review(topic.id),
            "review": (review.current(self.course_key(), learner.id, topic.id)
                       if review.needs_review(topic.id) and not learner.is_anonymous else None),
            "reflection_words": reflection.count(state.reflection),
            **self._time_context(topic, state),
        }

    @staticmethod
    def _time_context(topic, state):
        return {
            "estimate_minutes": estimates.round_minutes(estimates.topic_estimate(topic).minutes),
            "engaged_words": engagement.duration_words(state.engaged_seconds),
            "time_remaining": engagement.remaining_words(state.remaining_seconds) if state.remaining_seconds else "",
        }

    def _heartbeat_args(self):
        return {"heartbeatSeconds": int(conf.get("HEARTBEAT_SECONDS")),
                "idleSeconds": int(conf.get("IDLE_CUTOFF_SECONDS"))}

    # A view decorator: on the class it would not mark student_view for the mobile apps.
    @XBlock.supports("multi_device")
    def student_view(self, context=None):
        try:
            topic = self.topic()
        except NotFound as exc:
            return self.fragment("elsx/message.html", {"message": exc.message})
        learner = self.current_learner()
        if learner.is_anonymous:
            state = progress.TopicState(topic_id=topic.id)
        elif self.read_only_reason():  # staff viewing as a learner, or Studio's preview: record nothing
            state = progress.topic_state(self.course_key(), learner.id, topic)
        else:
            state = progress.record_visit(self.course_key(), learner, topic)
            if state.completed and review.needs_review(topic.id):
                # A facilitator's acceptance completed it outside this learner's request; the LMS
                # hears of it on the learner's next visit (submit_completion is an upsert).
                self.emit_completion(1.0)
        context = self._context(topic, state, learner)
        context.update(self.activity_context(topic, learner))
        return self.fragment("elsx/topic.html", context, js_class="ElsxTopic",
                             js=("js/elsx.js", "js/activities.js", "js/topic.js"), js_args=self._heartbeat_args())

    @safe_view_data
    def student_view_data(self, context=None):
        """Authored topic content for the mobile apps, without correct answers or explanations.

        Collected with no user and cached course-wide, so nothing per learner: that is the
        learner_state handler's.
        """
        try:
            topic = self.topic()
        except NotFound:
            return {"topic_id": self.topic_id, "error": "unknown_topic"}
        return {
            "topic_id": topic.id, "title": topic.title, "summary": topic.summary, "week": topic.week,
            "credit_hours": float(topic.hours), "objectives": list(topic.objectives),
            "sections": [{"id": s.id, "title": s.title, "body_html": s.body_html} for s in topic.sections],
            "questions": [{"id": q.id, "prompt": q.prompt,
                           "options": [{"id": o.id, "text": o.text} for o in q.options]} for q in topic.questions],
            "pass_mark": self.effective_pass_mark(),
            "reflection_prompt": topic.reflection_prompt,
            "case_studies": self.case_studies_data(topic),
            "case_study_handler": "choose_scenario",
            "state_handler": "learner_state",
            # The same heartbeats the web page sends (docs/engagement.md): POST to the heartbeat handler.
            "heartbeat": {"handler": "heartbeat", **self._heartbeat_args()},
            "estimated_minutes": estimates.round_minutes(estimates.topic_estimate(topic).minutes),
        }

    @json_handler(method="GET", records=False)
    def learner_state(self, data, learner):
        """The learner's own state in this topic (for the mobile apps; student_view_data has none)."""
        require_keys(data, ())
        topic = self.topic()
        state = progress.topic_state(self.course_key(), learner.id, topic)
        return {"topic_id": topic.id, "status": state.status, "sections_viewed": state.sections_viewed,
                "attempts": state.attempts, "best_score": state.best_score, "passed": state.passed,
                "reflection_saved": state.reflection_saved_at is not None, "completed": state.completed,
                "engaged_seconds": state.engaged_seconds, "required_seconds": state.required_seconds}

    # --- handlers ----------------------------------------------------------

    def _partials(self, topic, state, learner):
        context = self._context(topic, state, learner)
        return {
            "status": state.status,
            "completed": state.completed,
            "sections_viewed": state.sections_viewed,
            "status_html": templating.render("elsx/topic_status.html", context),
            "checklist_html": templating.render("elsx/topic_checklist.html", context),
            "time_html": templating.render("elsx/topic_time.html", context),
        }

    def _after_write(self, newly_completed, topic=None):
        if newly_completed:
            self.emit_completion(1.0)
            events.publish(self, events.TOPIC_COMPLETED, topic_id=topic.id, credit_hours=topic.hours)

    @json_handler()
    def view_section(self, data, learner):
        require_keys(data, ("section",), required=("section",))  # names an unknown key
        topic = self.topic()
        state, newly_completed = progress.view_section(self.course_key(), learner, topic, data["section"])
        if data["section"] in state.sections_viewed:  # opening counts as reading only without a reading share
            events.publish(self, events.SECTION_READ, topic_id=topic.id, section_id=data["section"])
        self._after_write(newly_completed, topic)
        return self._partials(topic, state, learner)

    def _visible_to(self, learner):
        """Whether the learner may see this topic. The LMS already answers 404 for a block the user
        cannot load (lms/djangoapps/courseware/block_render.py, handle_xblock_callback ->
        get_block_by_usage_id checks has_access); this also refuses staff-only or not-yet-open blocks
        (visible_to_staff_only and start are inherited fields in xmodule's InheritanceMixin)."""
        if learner.is_staff:
            return True
        if getattr(self, "visible_to_staff_only", False):
            return False
        start = getattr(self, "start", None)
        return not (start is not None and hasattr(start, "tzinfo") and start > engagement.clock.now())

    @json_handler()
    def heartbeat(self, data, learner):
        """The page is visible and the learner active: the server decides what the beat is worth."""
        require_keys(data, ("section", "sent_at"))
        topic = self.topic()
        if not self._visible_to(learner):
            raise NotFound(_("This topic is not available to you."))
        beat = engagement.heartbeat(self.course_key(), learner, topic, section_id=data.get("section"),
                                    sent_at=data.get("sent_at"))
        for section_id in beat.sections_read:
            events.publish(self, events.SECTION_READ, topic_id=topic.id, section_id=section_id)
        self._after_write(beat.newly_completed, topic)
        reply = {"result": beat.result, "credited": beat.credited, "engaged_seconds": beat.topic_seconds,
                 "next_in": int(conf.get("HEARTBEAT_SECONDS"))}
        if beat.credited:
            state = progress.topic_state(self.course_key(), learner.id, topic) \
                if beat.sections_read or beat.newly_completed else None
            if state is None:
                # No re-read on the hot path: the time partial from what the beat returned.
                required = progress.required_seconds(topic)
                remaining = max(0, required - beat.topic_seconds)
                reply["time_html"] = templating.render("elsx/topic_time.html", {
                    "estimate_minutes": estimates.round_minutes(estimates.topic_estimate(topic).minutes),
                    "engaged_words": engagement.duration_words(beat.topic_seconds),
                    "time_remaining": engagement.remaining_words(remaining) if remaining else ""})
            else:
                reply.update(self._partials(topic, state, learner))
                reply["sections_read"] = beat.sections_read
        return reply

    @json_handler()
    def submit_check(self, data, learner):
        require_keys(data, ("answers",), required=("answers",))  # names an unknown key
        topic = self.topic()
        result = progress.submit_check(self.course_key(), learner, topic, data["answers"],
                                       self.effective_pass_mark())
        if not result.duplicate:
            # only_if_higher: a lower retry must not lower the gradebook below what elsx counts as passed
            # (xmodule/services.py EventPublishingService passes it on to SCORE_PUBLISHED).
            self.runtime.publish(self, "grade", {"value": result.correct, "max_value": result.total,
                                                 "only_if_higher": True})
            events.publish(self, events.CHECK_SUBMITTED, topic_id=topic.id, score=result.score, attempt=result.attempts,
                           passed=result.passed, correct=result.correct, total=result.total)
        self._after_write(result.newly_completed, topic)
        context = self._context(topic, result.state, learner)
        context.update({"feedback": result.feedback, "last_score": result.score, "result": result})
        response = self._partials(topic, result.state, learner)
        response.update({
            "score": result.score, "passed": result.passed, "attempts": result.attempts,
            "best_score": result.best_score, "duplicate": result.duplicate,
            "result_html": templating.render("elsx/topic_result.html", context),
            "feedback_html": {qid: templating.render("elsx/topic_feedback.html", {"item": item})
                              for qid, item in result.feedback.items()},
        })
        return response

    @json_handler()
    def save_reflection(self, data, learner):
        require_keys(data, ("text",), required=("text",))  # names an unknown key
        topic = self.topic()
        state, newly_completed = review.save_reflection(self.course_key(), learner, topic, data["text"])
        events.publish(self, events.REFLECTION_SAVED, topic_id=topic.id, length=len(data["text"].strip()))
        self._after_write(newly_completed, topic)
        response = self._partials(topic, state, learner)
        context = self._context(topic, state, learner)
        response["saved_html"] = templating.render("elsx/topic_saved.html", context)
        if context["review_required"]:
            response["review_html"] = templating.render("elsx/review_status.html", context)
        return response

    # --- Studio and OLX (logic in elsx.authoring and elsx.olx) --------------

    def _overrides(self):
        return {name: getattr(self, name) for name in OVERRIDE_FIELDS}

    def validate(self):
        validation = super().validate()
        for problem in authoring.problems(self.topic_id, self._overrides(), self.pass_mark):
            kind = ValidationMessage.ERROR if problem.severity == authoring.ERROR else ValidationMessage.WARNING
            validation.add(ValidationMessage(kind, problem.message))
        return validation

    def studio_view(self, context=None):
        # The editor holds the correct answers: only for people who may author.
        if not compat.can_author(self, compat.learner_from_runtime(self)):
            return self.fragment("elsx/message.html", {"message": _("Only the course team can edit this topic.")})
        context = authoring.editor_context(self.topic_id, self._overrides(), self.display_name, self.pass_mark)
        context["dom_id"] = self.dom_id("studio")
        return self.fragment("elsx/studio.html", context, js_class="ElsxTopicStudio", note=False,
                             js=("js/elsx.js", "js/studio.js"),
                             js_args={"text": {key: str(value) for key, value in {
                                 "saving": _("Saving"),
                                 "saved": _("Saved."),
                                 "failed": _("The topic could not be saved."),
                                 "offline": _("The topic could not be saved. Check your connection and try again."),
                             }.items()}})

    @json_handler(author=True)
    def studio_submit(self, data, learner):
        """Save Studio's editor: course authors only; all or nothing.

        A save that would leave an error (the course's hours total, which an author fixes across two
        topics) waits for "confirm": true; the problems and what the sanitizer removed come back either way.
        """
        if not compat.can_author(self, learner):
            raise NotAllowed(_("Only the course team can edit this topic."))
        data = dict(data)
        confirmed = data.pop("confirm", False) is True
        current = {name: getattr(self, name) for name in authoring.SETTINGS_FIELDS + OVERRIDE_FIELDS}
        changes = authoring.editor_changes(data, current)
        merged = dict(current, **changes)
        found = [{"severity": p.severity, "message": p.message}
                 for p in authoring.problems(merged["topic_id"], {name: merged[name] for name in OVERRIDE_FIELDS},
                                             merged["pass_mark"])]
        removed = authoring.removed_html(data)
        if not confirmed and any(problem["severity"] == authoring.ERROR for problem in found):
            raise Conflict(_("Not saved yet: this change leaves an error. Save anyway, or change it."),
                           problems=found, removed=removed, needs_confirmation=True)
        for name, value in changes.items():
            setattr(self, name, value)
        self.save()
        return {"saved": True, "problems": found, "removed": removed}

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        # The signature of xblock/core.py and xmodule/xml_block.py (no id_generator since XBlock 2);
        # long fields come from child elements (elsx.olx).
        node = copy.deepcopy(node)
        values, used = olx.read_children(node)
        for child in used:
            node.remove(child)
        block = super().parse_xml(node, runtime, keys)
        for name, value in values.items():
            setattr(block, name, value)
        return block

    def add_xml_to_node(self, node):
        super().add_xml_to_node(node)
        for name in olx.CHILD_FIELDS:
            node.attrib.pop(name, None)
        olx.write_children(node, {name: getattr(self, name) for name in olx.CHILD_FIELDS
                                  if self.fields[name].is_set_on(self)})

    # --- workbench ---------------------------------------------------------

    @staticmethod
    def workbench_scenarios():
        from elsx.demo.scenarios import topic_scenarios  # demo-only module
        # Last, with the topic as root so /scenario/elsx_topic.<n>/studio_view/?student=instructor shows the editor.
        studio = ("ELSX Studio editor for a topic (open as studio_view)", '<elsx_topic topic_id="media-relations"/>')
        return topic_scenarios() + [studio]
