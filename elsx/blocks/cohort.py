"""The instructor cohort dashboard block: staff only, thin over elsx.cohort.

A non-staff user sees a short note and no data; every handler refuses them
with 403 before reading anything. See elsx.cohort.query for the fixed query
budget and the meaning of each status.
"""
import itertools
import logging
from dataclasses import replace
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.utils.translation import gettext_lazy  # field labels are built at import time
from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Scope, String
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from elsx import compat, conf, events, templating
from elsx.blocks.base import ElsxBlockMixin, file_chunks, json_handler, json_response, query_params
from elsx.cohort import certs, exports, jobs, links, missing, query, seed, starts
from elsx.cohort import params as grid_params
from elsx.cohort.schedule import Schedule, parse_start
from elsx.curriculum import get_curriculum
from elsx.errors import ElsxError, InvalidInput, NotAllowed
from elsx.models import ROLE_CHOICES, LearnerProfile
from elsx.nudges import api as nudges
from elsx.review import api as review
from elsx.trainingfile import api as trainingfile
from elsx.validation import clean_text, require_keys

log = logging.getLogger(__name__)
EXPORT_KEYS = ("kind", "profile", "grid")


@XBlock.wants("user")
@XBlock.needs("i18n")
class CohortBlock(StudioEditableXBlockMixin, ElsxBlockMixin, XBlock):
    """Who is on track, who is behind, who has earned the credit; roster exports. Course staff only."""

    display_name = String(display_name=gettext_lazy("Display name"), default="Cohort dashboard", scope=Scope.settings)
    cohort_start = String(display_name=gettext_lazy("Cohort start date"), default="", scope=Scope.settings,
                          help=gettext_lazy("The first day of week 1, as YYYY-MM-DD. "
                                            "Week N is due at the end of week N."))
    editable_fields = ("display_name", "cohort_start")
    completion_mode = XBlockCompletionMode.EXCLUDED

    # --- helpers -----------------------------------------------------------

    def schedule(self, now=None):
        if not self._start_is_valid():
            log.warning("elsx: cohort block %s has an invalid start date; schedule off", self.scope_ids.usage_id)
        return Schedule.build_or_unset(self.cohort_start, now=now)

    def _record_start(self, schedule):
        # Catches up the course record when the setting reached the LMS without a Studio save here
        # (an import, or a publish after the save); an unset or bad setting leaves the record as it is.
        if schedule.start is not None and starts.get(self.course_key()) != schedule.start:
            starts.record(self.course_key(), schedule.start)

    def _start_is_valid(self):
        try:
            parse_start(self.cohort_start)
        except InvalidInput:
            return False
        return True

    def _base_context(self, schedule):
        curriculum = get_curriculum()
        return {
            "dom_id": self.dom_id(),
            "curriculum": curriculum,
            "schedule": schedule,
            "start_invalid": not self._start_is_valid(),
            "statuses": [(status, grid_params.STATUS_LABELS[status]) for status in grid_params.STATUSES],
            "roles": ROLE_CHOICES,
            "page_sizes": grid_params.PAGE_SIZES,
            "profiles": sorted((name, profile.get("label", name)) for name, profile in
                               exports.credit_profiles().items()),
            "inline_max": conf.get("INLINE_EXPORT_MAX_ROWS"),
            "missing_choices": missing.choices(),
        }

    def _grid_context(self, schedule, params, page):
        topic_columns = [{"key": grid_params.TOPIC_SORT_PREFIX + topic.id, "short": f"T{topic.number}",
                          "label": _("Topic {number}: {title}").format(number=topic.number, title=topic.title)}
                         for topic in schedule.topics]
        return {"dom_id": self.dom_id(), "schedule": schedule, "params": params, "page": page,
                "topic_columns": topic_columns}

    def _grid_payload(self, schedule, params, page):
        context = self._grid_context(schedule, params, page)
        return {
            "grid_html": templating.render("elsx/cohort_grid.html", context),
            "pager_html": templating.render("elsx/cohort_pager.html", context),
            "status_text": templating.render("elsx/cohort_showing.html", context).strip(),
            "total": page.total, "page": page.number, "pages": page.pages,
            "params": {"page": page.number, "page_size": page.page_size, "sort": params.sort, "dir": params.dir},
        }

    def _dashboard_payload(self, schedule, params):
        found = query.dashboard(self.course_key(), params, schedule)
        context = self._base_context(schedule)
        context.update({"summary": found.summary, "topics": found.topics})
        payload = self._grid_payload(schedule, params, found.page)
        payload["summary_html"] = templating.render("elsx/cohort_summary.html", context)
        payload["topics_html"] = templating.render("elsx/cohort_topics.html", context)
        return payload

    # --- views -------------------------------------------------------------

    @XBlock.supports("multi_device")  # the mobile apps show staff the same dashboard
    def student_view(self, context=None):
        if compat.is_author_mode(self):
            # Studio's user service has no staff flag, and authors need not see learners' data.
            return self.fragment("elsx/message.html", {"message": _(
                "The cohort dashboard appears here for course staff in the LMS: who is on track, behind or "
                "certified, with roster exports. Studio shows no learner data.")})
        learner = self.current_learner()
        if learner.is_anonymous or not learner.is_staff:
            # Nothing about the cohort is read for a non-staff user.
            return self.fragment("elsx/message.html", {"message": _("This dashboard is for course staff.")})
        schedule = self.schedule()
        self._record_start(schedule)
        params = grid_params.GridParams()
        context = self._base_context(schedule)
        context.update(self._dashboard_payload(schedule, params))
        context["params"] = params
        context.update(self._commission_context())
        return self.fragment("elsx/cohort.html", context, js_class="ElsxCohort",
                             js=("js/elsx.js", "js/cohort.js", "js/review.js"),
                             js_args={"text": {
                                 "failed": _("The dashboard could not be reached. Please try again."),
                                 "downloading": _("Your download is starting."),
                                 "copied": _("Copied {count} email addresses to the clipboard."),
                                 "copyManually": _("{count} email addresses (select and copy):"),
                                 "noEmails": _("No learners with an email address match these filters."),
                                 "reasonRequired": _("Give a reason: it is kept with the record."),
                                 "correctionRequired": _("Give at least one corrected field."),
                             }})

    # --- handlers ----------------------------------------------------------

    @json_handler(staff_only=True)
    def grid(self, data, learner):
        """A new filter, sort or page: count, one page, its topic rows (3 queries)."""
        schedule = self.schedule()
        params = grid_params.parse(data)
        page = query.grid_page(self.course_key(), params, schedule)
        return self._grid_payload(schedule, params, page)

    @json_handler(staff_only=True)
    def refresh(self, data, learner):
        """Summary, per-topic table and the grid page again (4 queries)."""
        schedule = self.schedule()
        return self._dashboard_payload(schedule, grid_params.parse(data))

    @json_handler(staff_only=True)
    def learner(self, data, learner):
        require_keys(data, ("learner_id",), required=("learner_id",))
        return {"html": self._detail_html(data["learner_id"])}

    def _detail_html(self, learner_id):
        schedule = self.schedule()
        detail = query.learner_detail(self.course_key(), learner_id, schedule)
        context = {"dom_id": self.dom_id(), "detail": detail, "schedule": schedule,
                   "limits": certs.form_limits() if detail.certificates else {}}
        return templating.render("elsx/cohort_detail.html", context)

    # --- the drill-down's certificate actions (elsx.cohort.certs checks the confirmed number) ---------

    def _certificate_done(self, learner_id, cert, message):
        """The drill-down rendered again from the records, so it shows what is stored now."""
        return {"number": certs.display_number(cert.number), "status": cert.status, "message": message,
                "html": self._detail_html(learner_id)}

    def _acted_on(self, data, keys, required=()):
        require_keys(data, ("learner_id", "number") + keys, required=("learner_id", "number") + required)
        query.roster_profile(self.course_key(), data["learner_id"])
        return data["learner_id"]

    @json_handler(staff_only=True)
    def revoke_certificate(self, data, learner):
        learner_id = self._acted_on(data, ("reason",), required=("reason",))
        cert = certs.revoke(self.course_key(), learner_id, data["number"], data["reason"], by=learner)
        return self._certificate_done(learner_id, cert, _("Certificate {number} is revoked.").format(
            number=certs.display_number(cert.number)))

    @json_handler(staff_only=True)
    def reissue_certificate(self, data, learner):
        learner_id = self._acted_on(data, certs.REISSUE_FIELDS)
        old, new = certs.reissue(self.course_key(), learner_id, data["number"],
                                 {key: data.get(key) for key in certs.REISSUE_FIELDS}, by=learner)
        return self._certificate_done(learner_id, new, _("Reissued as {new}; {old} is now superseded.").format(
            new=certs.display_number(new.number), old=certs.display_number(old.number)))

    @json_handler(staff_only=True)
    def reinstate_certificate(self, data, learner):
        """Undo a revocation made in error, with a reason (audited); never for a retired learner."""
        learner_id = self._acted_on(data, ("reason",), required=("reason",))
        old, new = certs.reinstate(self.course_key(), learner_id, data["number"], data["reason"], by=learner)
        return self._certificate_done(learner_id, new, _(
            "Reinstated as {new}; {old} stays revoked and points to it.").format(
                new=certs.display_number(new.number), old=certs.display_number(old.number)))

    @json_handler(staff_only=True)
    def emails(self, data, learner):
        params = grid_params.parse(data)
        found = query.emails(self.course_key(), params, self.schedule())
        log.info("elsx: staff %s copied %s email addresses for %s", learner.id, len(found), self.course_key())
        return {"count": len(found), "emails": found, "text": ", ".join(found)}

    def _nudge_params(self, data):
        # The dashboard's filter; paging and sorting do not change who is selected.
        return grid_params.parse({key: value for key, value in data.items() if key not in ("page", "page_size")})

    @json_handler(staff_only=True)
    def nudge_preview(self, data, learner):
        """Who would get a reminder from the current filter, who is skipped, and one learner's message."""
        schedule = self.schedule()
        found, sample = nudges.preview(self.course_key(), self._nudge_params(data), schedule)
        context = {"dom_id": self.dom_id(), "counts": found.counts(), "sample": sample,
                   "interval_days": nudges.min_interval().days}
        return {"counts": found.counts(), "html": templating.render("elsx/cohort_nudge.html", context)}

    @json_handler(staff_only=True)
    def nudge_send(self, data, learner):
        counts = nudges.send(self.course_key(), self._nudge_params(data), self.schedule(), by=learner)
        return {"counts": counts, "html": templating.render("elsx/cohort_nudge_sent.html", {"counts": counts})}

    @json_handler(staff_only=True)
    def agencies(self, data, learner):
        require_keys(data, ())
        return {"agencies": query.agencies(self.course_key())}

    @json_handler(staff_only=True)
    def issue_preview(self, data, learner):
        """How many learners Issue would act on, for its confirmation (read only, one query)."""
        require_keys(data, ())
        count = certs.waiting_count(self.course_key())
        if not count:
            message = _("No learner is waiting for a certificate: everyone who claimed one has it.")
        else:
            message = ngettext(
                "Issue a certificate to {count} learner who claimed one and has none yet? "
                "The course requirements are checked again for each learner first.",
                "Issue certificates to {count} learners who claimed one and have none yet? "
                "The course requirements are checked again for each learner first.", count).format(count=count)
        return {"count": count, "message": message}

    @json_handler(staff_only=True)
    def issue_certificates(self, data, learner):
        require_keys(data, ())
        counts = certs.issue_now_or_queue(self.course_key())
        log.info("elsx: staff %s issued certificates for %s", learner.id, self.course_key())
        return {"counts": counts, "queued": counts is None,
                "html": templating.render("elsx/cohort_issued.html", {"counts": counts})}

    @json_handler(staff_only=True)
    def export(self, data, learner):
        """Inline (a download URL) up to INLINE_EXPORT_MAX_ROWS rows, a background job above."""
        require_keys(data, EXPORT_KEYS, required=("kind",))
        kind, course_key, schedule = data["kind"], self.course_key(), self.schedule()
        if kind == "credit":
            profile = data.get("profile")
            profile = "default" if profile in (None, "") else profile  # [] or false is a 400, not the default
            count = exports.credit_count(course_key, profile)
            job_params = {"profile": profile}
        elif kind == "roster":
            # The whole filtered cohort in the grid's order: paging does not apply.
            grid = data.get("grid")
            params = replace(grid_params.parse({} if grid is None else grid), page=1,
                             page_size=grid_params.PAGE_SIZES[0])
            count = exports.roster_count(course_key, params, schedule)
            job_params = {"grid": params.as_query(), "cohort_start": self.cohort_start if self._start_is_valid()
                          else ""}
        else:
            raise InvalidInput(_("Unknown export {kind}. Allowed: {allowed}.").format(
                kind=repr(kind)[:40], allowed=", ".join(exports.KINDS)), field="kind", allowed=list(exports.KINDS))
        mode = "inline" if count <= conf.get("INLINE_EXPORT_MAX_ROWS") else "job"
        events.publish(self, events.EXPORT_CREATED, kind=kind, profile=job_params.get("profile"), rows=count, mode=mode)
        if mode == "inline":
            params = job_params.get("grid", job_params)  # the filters, kept server-side with the link
            token = links.create(course_key, learner.id, kind, params)
            return {"mode": "inline", "rows": count, "url": self._download_url(token)}
        job = jobs.start(course_key, kind, job_params, learner.id)
        return self._job_payload(job, learner)

    @json_handler(staff_only=True)
    def export_status(self, data, learner):
        require_keys(data, ("job",), required=("job",))
        return self._job_payload(jobs.get(self.course_key(), data["job"]), learner)

    def _download_url(self, token):
        # Only the opaque token: no filter (a searched email, a name) in a URL, a log or the history.
        return self.runtime.handler_url(self, "download", query=urlencode({"token": token}))

    def _job_payload(self, job, learner):
        payload = {"mode": "job", "job": job.pk, "status": job.status, "rows": job.row_count}
        if job.status == job.STATUS_DONE:
            token = links.create(self.course_key(), learner.id, job.kind, job_id=job.pk)
            payload["url"] = self._download_url(token)
        payload["html"] = templating.render("elsx/cohort_job.html", {"job": job})
        return payload

    @XBlock.handler
    def download(self, request, suffix=""):
        """GET: a CSV, streamed inline or from a finished job. Staff only; 403 with no data otherwise."""
        if request.method != "GET":
            response = json_response({"error": _("Use GET for this request.")}, 405)
            response.headers["Allow"] = "GET"
            return response
        try:
            learner = self.current_learner()
            if learner.is_anonymous or not learner.is_staff:
                raise NotAllowed(_("This is for course staff only."))
            args = query_params(request)
            require_keys(args, ("token",), required=("token",))
            course_key = self.course_key()
            link = links.redeem(course_key, learner.id, args["token"])
            if link.job_id is not None:
                job = jobs.get(course_key, link.job_id)
                handle = jobs.open_file(job)
                body, name = file_chunks(handle), jobs.download_name(job)
            else:
                body, name = self._inline_csv(course_key, dict(link.params, kind=link.kind))
        except ElsxError as exc:
            return json_response(exc.as_dict(), exc.status)
        log.info("elsx: staff %s downloaded %s for %s", learner.id, name.split("-")[1], course_key)
        response = Response(app_iter=body, content_type="text/csv", charset="utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def _inline_csv(self, course_key, args):
        kind = args.pop("kind", "roster")
        if kind == "credit":
            require_keys(args, ("profile",))
            lines = exports.credit_csv(course_key, args.get("profile") or "default")
        elif kind == "roster":
            params = grid_params.parse(args)
            lines = exports.roster_csv(course_key, params, self.schedule())
        else:
            raise InvalidInput(_("Unknown export {kind}. Allowed: {allowed}.").format(
                kind=repr(kind)[:40], allowed=", ".join(exports.KINDS)), field="kind", allowed=list(exports.KINDS))
        # Build the first line now, so bad input is a 400 and not a broken stream.
        lines = _primed(lines)
        grid_query = params.as_query() if kind == "roster" else None
        return exports.encode(lines), exports.filename(kind, course_key, timezone.localdate(), grid_query)

    # --- facilitator review and the training file (COMMISSION on) -------------

    def _commission_context(self):
        on = bool(conf.get("COMMISSION"))
        return {"commission": on, "dom_id": self.dom_id(),
                "review_items": review.queue(self.course_key()) if on else None,
                "training_file_url": self.runtime.handler_url(self, "training_file")}

    @json_handler(staff_only=True)
    def review_detail(self, data, learner):
        require_keys(data, ("submission",), required=("submission",))
        course_key = self.course_key()
        item = review.submission(course_key, data["submission"])
        profile = LearnerProfile.objects.filter(course_key=course_key, learner_id=item.learner_id).first()
        earlier = [old for old in review.history(course_key, item.learner_id, item.topic_id) if old.pk != item.pk]
        return {"html": templating.render("elsx/review_detail.html", {
            "dom_id": self.dom_id(), "item": item, "profile": profile, "earlier": earlier,
            "topic": get_curriculum().topic(item.topic_id), "plan": review.plan_for(course_key, item.learner_id),
            "rubric": review.RUBRIC, "scores": review.SCORES, "comment_max": review.COMMENT_MAX})}

    @json_handler(staff_only=True)
    def review_decide(self, data, learner):
        require_keys(data, ("submission", "verdict", "rubric", "comment"), required=("submission", "verdict", "rubric"))
        row = review.decide(self.course_key(), data["submission"], learner, data["verdict"], data["rubric"],
                            data.get("comment", ""))
        events.publish(self, events.REVIEW_DECIDED, topic_id=row.topic_id, learner_id=row.learner_id,
                       round=row.round, status=row.status)
        context = self._commission_context()
        return {"status": row.status, "queue_html": templating.render("elsx/review_queue.html", context),
                "message": _("Accepted: the topic is complete for this learner.") if row.status == "accepted"
                else _("Returned to the learner with your comment.")}

    @XBlock.handler
    def training_file(self, request, suffix=""):
        """GET, staff only: the training file ZIP, built for this request and never stored."""
        learner = self.current_learner()
        if learner.is_anonymous or not learner.is_staff:
            return json_response({"error": _("This is for course staff only.")}, 403)
        if request.method != "GET":
            response = json_response({"error": _("Use GET for this request.")}, 405)
            response.headers["Allow"] = "GET"
            return response
        try:
            require_keys(query_params(request), ())
        except ElsxError as exc:
            return json_response(exc.as_dict(), exc.status)
        course_key = self.course_key()
        log.info("elsx: staff %s downloaded the training file", learner.id)
        response = Response(body=trainingfile.build(course_key), content_type="application/zip")
        response.headers["Content-Disposition"] = f'attachment; filename="{trainingfile.filename(course_key)}"'
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    # --- Studio ------------------------------------------------------------

    @json_handler(author=True)
    def submit_studio_edits(self, data, learner):
        """Studio's Save: course authors only, the editable fields only, as text (the mixin checks none of it)."""
        if not compat.can_author(self, learner):
            raise NotAllowed(_("This is for course staff only."))
        require_keys(data, ("values", "defaults"), required=("values",))
        values, defaults = data["values"], data.get("defaults", [])
        require_keys(values, self.editable_fields)
        if not isinstance(defaults, list) or not set(map(str, defaults)) <= set(self.editable_fields) \
                or not all(isinstance(name, str) for name in defaults):
            raise InvalidInput(_("Unknown field(s): {names}. Allowed: {allowed}.").format(
                names=repr(defaults)[:60], allowed=", ".join(self.editable_fields)), field="defaults")
        labels = {"display_name": _("Display name"), "cohort_start": _("Cohort start date")}
        values = {name: clean_text(value, name, labels[name], required=False) for name, value in values.items()}
        try:
            result = StudioEditableXBlockMixin.submit_studio_edits.__wrapped__(
                self, {"values": values, "defaults": defaults})
        except JsonHandlerError as exc:
            messages = exc.message.get("messages", []) if isinstance(exc.message, dict) else [{"text": exc.message}]
            raise InvalidInput(" ".join(str(message.get("text", "")) for message in messages)) from None
        # The mixin validated and saved the field, so it parses; clearing it clears the course record.
        starts.record(self.course_key(), self.cohort_start)
        return result

    def validate_field_data(self, validation, data):
        try:
            parse_start(data.cohort_start)
        except InvalidInput as exc:
            validation.add(ValidationMessage(ValidationMessage.ERROR, exc.message))

    # --- workbench ---------------------------------------------------------

    @staticmethod
    def workbench_scenarios():
        """Open with ?student=instructor (staff in the demo settings); seed with elsx_seed_cohort."""
        start = seed.default_start().isoformat()
        return [("ELSX Instructor: cohort dashboard",
                 f'<elsx_cohort display_name="Cohort dashboard" cohort_start="{start}"/>')]


def _primed(lines):
    return itertools.chain([next(lines)], lines)

