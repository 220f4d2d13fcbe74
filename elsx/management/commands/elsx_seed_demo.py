"""Seed the workbench demo: a learner who has finished the course, and a cohort at every stage.

Safe to run again: progress writes are idempotent and the cohort is only
seeded when the demo course has none.
"""
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from elsx import conf, progress, reflection
from elsx.cohort import starts
from elsx.cohort.seed import default_start
from elsx.engagement import api as engagement
from elsx.curriculum import get_curriculum
from elsx.learners import Learner
from elsx.models import LearnerProfile

FINISHED = Learner(id="graduate", full_name="Dana Whitfield", email="dana.whitfield@example.org",
                   username="graduate")
PARTWAY = Learner(id="partway", full_name="Luis Ortega", email="luis.ortega@example.org", username="partway")
COHORT_SIZE = 60
FACILITATOR = Learner(id="instructor", full_name="Demo Facilitator", is_staff=True)
# A reflection as a leader might write it; repeated (with the topic's name) up to the topic's minimum in words.
PLAN = (
    "For {title}, our agency will review the relevant policy with command staff this quarter and name an owner "
    "for each gap we find. We will first compare what our written directives say with what supervisors actually "
    "do on a night shift, and pull the last twelve months of reports so that we measure before we change "
    "anything. The prosecutor's office, child protective services and the school district will see the draft "
    "before it is final. Each change gets a named owner, a date and a measure, and the executive team will "
    "review progress at the monthly staff meeting. Training for patrol and dispatch will be short, repeated "
    "and tied to a checklist that supervisors can audit. We will brief the public information officer so that "
    "our message is consistent if a case draws attention, and ask families we have worked with what we could "
    "have done better."
)


# Engaged minutes per credit hour, topic by topic: above the 50-minute minimum, as real learners vary.
GRADUATE_PACE = (58, 64, 71, 55, 62, 69, 57, 66, 60, 74)
PARTWAY_PACE = (83, 67, 76)


def reflection_text(topic):
    """Long enough for the topic's minimum in words (REFLECTION_MIN_WORDS with COMMISSION on)."""
    parts = [PLAN.format(title=topic.title)]
    while reflection.count(" ".join(parts)) < max(1, reflection.min_words(topic.id)):
        parts.append(PLAN.format(title=topic.title))
    return " ".join(parts)


def complete(course_key, learner, topic, minutes_per_hour):
    # The time first, as a learner's heartbeats would have credited it: the minimum must be met to complete.
    engagement.seed_time(course_key, learner, topic, int(float(topic.hours) * minutes_per_hour * 60),
                         timezone.localdate())
    for section in topic.sections:
        progress.view_section(course_key, learner, topic, section.id)
    answers = {question.id: question.correct_option_id for question in topic.questions}
    progress.submit_check(course_key, learner, topic, answers, 80)
    from elsx.review import api as review  # pylint: disable=import-outside-toplevel
    review.save_reflection(course_key, learner, topic, reflection_text(topic))  # a reviewed topic: submitted


def meet_commission(course_key, learner):
    """With COMMISSION on: the capstone accepted, the final passed, the evaluation answered (the claim affirms)."""
    from elsx.assessment import api as assessment  # pylint: disable=import-outside-toplevel
    from elsx.evaluation import api as evaluation  # pylint: disable=import-outside-toplevel
    from elsx.review import api as review  # pylint: disable=import-outside-toplevel
    for topic_id in review.review_topics():
        row = review.current(course_key, learner.id, topic_id)
        if row is not None and row.status == "pending":
            review.decide(course_key, row.pk, FACILITATOR, review.ACCEPT, {key: 2 for key, _label in review.RUBRIC},
                          "Clear owners, dates and measures. Accepted.")
    if not assessment.passed(course_key, learner.id):
        attempt = assessment.start(course_key, learner)
        bank = assessment.bank()
        assessment.submit(course_key, learner, attempt.draw_id,
                          {item["id"]: bank[item["id"]][1].correct_option_id for item in attempt.draw})
    if not evaluation.completed(course_key, learner.id):
        evaluation.submit(course_key, learner, {item.id: 4 for item in evaluation.rated_items()}, {})


class Command(BaseCommand):
    help = "Seed demo data: a learner who completed the course, one partway, and a cohort of about 60."

    def add_arguments(self, parser):
        parser.add_argument("--course", default=conf.get("DEMO_COURSE_KEY"))

    def handle(self, *args, **options):
        course_key = options["course"]
        topics = get_curriculum().topics
        for topic, pace in zip(topics, GRADUATE_PACE):
            complete(course_key, FINISHED, topic, pace)
        if conf.get("COMMISSION"):
            meet_commission(course_key, FINISHED)
        for topic, pace in zip(topics[:3], PARTWAY_PACE):
            complete(course_key, PARTWAY, topic, pace)
        LearnerProfile.objects.filter(course_key=course_key, learner_id=FINISHED.id).update(
            agency="Riverside County Sheriff's Office", role="le_executive")
        self.stdout.write(f"Demo learners: '{FINISHED.id}' has completed all {len(topics)} topics"
                          f"{' (capstone accepted, final passed, evaluation answered)' if conf.get('COMMISSION') else ''}"
                          f"; '{PARTWAY.id}' has completed 3.")
        # The demo cohort block's start, so the learners' progress blocks show the schedule before staff open it.
        starts.record(course_key, default_start())
        from elsx.agency.seed import seed_agencies
        if seed_agencies(course_key):
            self.stdout.write("Demo agencies: one at each readiness state (open the agency readiness scenario).")
        seeded = LearnerProfile.objects.filter(course_key=course_key).exclude(
            learner_id__in=[FINISHED.id, PARTWAY.id]).count()
        if seeded >= COHORT_SIZE:
            self.stdout.write(f"Cohort already seeded ({seeded} learners).")
            return
        call_command("elsx_seed_cohort", learners=COHORT_SIZE, course=course_key, stdout=self.stdout)
