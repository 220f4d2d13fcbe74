"""Build the training file: one ZIP of what TCOLE (37 TAC §218.1) and CA POST ask a provider to keep.

Contents (README.txt inside lists them again):
- outline.md, outline.csv: topics by week with hours and each topic's objectives;
- schedule.csv, schedule.txt: the hourly distribution schedule, topic by topic and activity by activity,
  from elsx.estimates (the numbers `python -m elsx.curriculum schedule` prints and learners see);
- assessment/*.csv: the knowledge checks and the final-assessment bank, with keys and explanations;
- evaluation/*: the instrument and its anonymous summary (comments only past the threshold);
- provider.txt: provider, instructor (with biography) and signatory from settings;
- credit-roster.csv: the credit roster (default profile);
- certified-learners.csv: each certified learner's dates and engaged time.

Staff only: callers check permission; the file is built in memory and never stored at a URL.
Every CSV goes through elsx.cohort.exports.csv_lines (BOM, formula cells defused).
"""
import io
import zipfile

from django.utils import timezone

from elsx import conf, estimates
from elsx.assessment import api as assessment
from elsx.certificates.api import course_title
from elsx.cohort import exports
from elsx.curriculum import get_curriculum
from elsx.evaluation import api as evaluation
from elsx.models import Certificate, LearnerProfile
from elsx.olx import COMMISSION_WEIGHTS
from elsx.templatetags.elsx_tags import hours as format_hours

README = """Training file: {title} ({number})
Provider: {provider}
Generated: {generated} (UTC)

outline.md / outline.csv      Course outline: weeks, topics, credit hours, learning objectives
schedule.csv / schedule.txt   Hourly distribution schedule: estimated minutes per activity and topic,
                              beside each topic's credited hours (a credit hour is 50 minutes of work)
assessment/knowledge-checks.csv   The ten formative knowledge checks, with keys and explanations
assessment/final-assessment.csv   The summative final-assessment bank, with keys and explanations
assessment/final-rules.txt        How the final is drawn, scored and limited; how it sits beside the checks
evaluation/instrument.txt     The course evaluation form
evaluation/summary.csv        Evaluation results, aggregated and anonymous
evaluation/comments.txt       Open comments (only once {threshold} or more learners answered)
provider.txt                  Provider, instructor (biography) and signatory
credit-roster.csv             Credit roster, one row per valid or revoked certificate
certified-learners.csv        Each certified learner: start, completion, issue dates and engaged time

CONFIDENTIAL: contains the assessment keys and learners' records. Send it only to the commission.
"""


def _csv(header, rows):
    return "".join(exports.csv_lines(header, rows)).encode("utf-8")


def outline_md(curriculum):
    lines = [f"# {course_title(curriculum)}", "",
             f"{len(curriculum.topics)} topics over {len(curriculum.weeks)} weeks, "
             f"{format_hours(curriculum.hours)} credit hours.", ""]
    for week in curriculum.weeks:
        lines += [f"## Week {week.number}: {week.title}", ""]
        for topic in week.topics:
            lines += [f"### Topic {topic.number}: {topic.title} ({format_hours(topic.hours)} hours)", ""]
            if topic.summary:
                lines += [topic.summary, ""]
            lines += ["Objectives:"] + [f"- {objective}" for objective in topic.objectives] + [""]
            lines += ["Sections: " + "; ".join(section.title for section in topic.sections), ""]
    return "\n".join(lines).encode("utf-8")


def outline_rows(curriculum):
    for topic in curriculum.topics:
        for index, objective in enumerate(topic.objectives, 1):
            yield [topic.week, topic.number, topic.id, topic.title, format_hours(topic.hours), index, objective]


def check_rows(curriculum):
    for topic in curriculum.topics:
        for question in topic.questions:
            yield [topic.number, topic.id, question.id, question.prompt,
                   " | ".join(f"{o.id}) {o.text}" for o in question.options), question.correct_option_id,
                   question.explanation]


def final_rows():
    if assessment.unavailable():
        return
    curriculum = get_curriculum()
    for qid, (topic_id, question) in assessment.bank().items():
        topic = curriculum.topic(topic_id)
        yield [topic.number if topic else "", topic_id, qid, question.prompt,
               " | ".join(f"{o.id}) {o.text}" for o in question.options), question.correct_option_id,
               question.explanation]


def final_rules_text():
    if assessment.unavailable():
        return f"{assessment.unavailable()}\n".encode("utf-8")
    rules = assessment.rules()
    return (
        f"Questions per attempt: {rules.questions}, drawn from {len(assessment.bank())}, stratified by topic "
        f"(every topic gets the same number, give or take one).\n"
        f"Question and option order are shuffled per attempt; each attempt stores its draw.\n"
        f"Pass mark: {rules.pass_mark}%. Attempts: {rules.max_attempts}"
        f"{'' if not rules.wait_minutes else f', at least {rules.wait_minutes} minutes apart'}; "
        f"staff may grant one more with a recorded reason.\n"
        f"Learners see their score and the topics to review, never the correct answers.\n"
        f"It opens when all ten topics are complete.\n\n"
        f"Beside the ten knowledge checks: the checks are formative (retries allowed, explanations shown) and "
        f"count {int(GRADE_WEIGHTS['checks'] * 100)}% of the LMS grade; the final is summative and counts "
        f"{int(GRADE_WEIGHTS['final'] * 100)}%. The certificate requires every topic complete AND the final "
        f"passed, whatever the weighted grade.\n"
    ).encode("utf-8")


GRADE_WEIGHTS = COMMISSION_WEIGHTS  # the grading policy elsx.olx exports with COMMISSION on


def evaluation_instrument():
    if evaluation.unavailable():
        return f"{evaluation.unavailable()}\n".encode("utf-8")
    form = evaluation.form()
    lines = [form.title, "", form.intro, ""]
    group = None
    for item in form.items:
        if item.group != group:
            group = item.group
            lines += ["", group]
        scale = " / ".join(f"{value} {label}" for value, label in item.points) if item.scale else "open comment"
        lines.append(f"- [{item.id}] {item.prompt} ({scale})")
    return "\n".join(lines).encode("utf-8")


def evaluation_comments(course_key):
    if evaluation.unavailable():
        return f"{evaluation.unavailable()}\n".encode("utf-8")
    summary = evaluation.summary(course_key)
    if summary.comments_hidden:
        return (f"{summary.responses} responses; comments are withheld until at least {summary.threshold} "
                f"learners have answered.\n").encode("utf-8")
    lines = []
    for item, texts in summary.comments.items():
        lines += [item.prompt] + [f"- {text}" for text in texts] + [""]
    return "\n".join(lines).encode("utf-8")


def provider_text():
    fields = [
        ("Provider", conf.get("PROVIDER_NAME")), ("Provider contact", conf.get("PROVIDER_CONTACT")),
        ("Course number", conf.get("COURSE_NUMBER")), ("Credit type", conf.get("CREDIT_TYPE")),
        ("Delivery method", conf.get("DELIVERY_METHOD")),
        ("Instructor", conf.get("INSTRUCTOR_NAME")), ("Instructor title", conf.get("INSTRUCTOR_TITLE")),
        ("Signatory", conf.get("SIGNATORY_NAME")), ("Signatory title", conf.get("SIGNATORY_TITLE")),
    ]
    text = "\n".join(f"{label}: {value or '(not set)'}" for label, value in fields)
    biography = conf.get("INSTRUCTOR_BIOGRAPHY") or "(not set: ELSX['INSTRUCTOR_BIOGRAPHY'])"
    return f"{text}\n\nInstructor biography:\n{biography}\n".encode("utf-8")


def _engaged_seconds(course_key, learner_id):
    """Engaged time from elsx.engagement (seat time) when installed, else None."""
    try:
        from elsx.engagement import api as engagement  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    getter = getattr(engagement, "learner_seconds", None)
    return getter(course_key, learner_id) if getter else None


def certified_rows(course_key):
    certificates = Certificate.objects.filter(course_key=course_key, status=Certificate.STATUS_VALID).order_by(
        "completed_on", "legal_name")
    profiles = {p.learner_id: p for p in LearnerProfile.objects.filter(
        course_key=course_key, learner_id__in=certificates.values("learner_id"))}
    passed = assessment.summary(course_key)
    for cert in certificates:
        profile = profiles.get(cert.learner_id)
        seconds = _engaged_seconds(course_key, cert.learner_id)
        best, attempts, _ok = passed.get(cert.learner_id, (None, 0, False))
        yield [cert.legal_name, cert.agency, cert.state_training_id, cert.state,
               exports.certs.display_number(cert.number), format_hours(cert.credit_hours),
               cert.started_on or "", cert.completed_on, timezone.localtime(cert.issued_at).date(),
               "" if seconds is None else round(seconds / 3600, 2),
               profile.first_activity_at.date() if profile and profile.first_activity_at else "",
               profile.last_activity_at.date() if profile and profile.last_activity_at else "",
               "" if best is None else best, attempts]


def build(course_key, now=None):
    """The training file as ZIP bytes."""
    curriculum = get_curriculum()
    now = now or timezone.now()
    files = {
        "README.txt": README.format(title=course_title(curriculum), number=conf.get("COURSE_NUMBER"),
                                    provider=conf.get("PROVIDER_NAME"), generated=now.strftime("%Y-%m-%d %H:%M"),
                                    threshold=conf.get("EVALUATION_COMMENTS_MIN")).encode("utf-8"),
        "outline.md": outline_md(curriculum),
        "outline.csv": _csv(["week", "topic", "topic_id", "title", "credit_hours", "objective_number", "objective"],
                            outline_rows(curriculum)),
        "schedule.csv": _csv(estimates.SCHEDULE_HEADER, estimates.schedule_rows(curriculum)),
        "schedule.txt": estimates.schedule_text(curriculum).encode("utf-8"),
        "assessment/knowledge-checks.csv": _csv(
            ["topic", "topic_id", "question_id", "prompt", "options", "key", "explanation"], check_rows(curriculum)),
        "assessment/final-assessment.csv": _csv(
            ["topic", "topic_id", "question_id", "prompt", "options", "key", "explanation"], final_rows()),
        "assessment/final-rules.txt": final_rules_text(),
        "evaluation/instrument.txt": evaluation_instrument(),
        "evaluation/summary.csv": "".join(evaluation.summary_lines(course_key)).encode("utf-8"),
        "evaluation/comments.txt": evaluation_comments(course_key),
        "provider.txt": provider_text(),
        "credit-roster.csv": "".join(exports.credit_csv(course_key)).encode("utf-8"),
        "certified-learners.csv": _csv(
            ["legal_name", "agency", "state_training_id", "state", "certificate_number", "credit_hours",
             "start_date", "completion_date", "issue_date", "engaged_hours", "first_activity", "last_activity",
             "final_best_score", "final_attempts"], certified_rows(course_key)),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(f"training-file/{name}", date_time=now.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def filename(course_key, today=None):
    today = today or timezone.localdate()
    slug = "".join(char if char.isalnum() else "-" for char in course_key).strip("-")[:60]
    return f"elsx-training-file-{slug}-{today.isoformat()}.zip"
