"""Seed the workbench demo: a learner who has finished the course, and a cohort at every stage.

Safe to run again: progress writes are idempotent and the cohort is only
seeded when the demo course has none.
"""
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from elsx import conf, progress
from elsx.curriculum import get_curriculum
from elsx.engagement import api as engagement
from elsx.learners import Learner
from elsx.models import LearnerProfile

FINISHED = Learner(id="graduate", full_name="Dana Whitfield", email="dana.whitfield@example.org",
                   username="graduate")
PARTWAY = Learner(id="partway", full_name="Luis Ortega", email="luis.ortega@example.org", username="partway")
COHORT_SIZE = 60


# Engaged minutes per credit hour, topic by topic: above the 50-minute minimum, as real learners vary.
GRADUATE_PACE = (58, 64, 71, 55, 62, 69, 57, 66, 60, 74)
PARTWAY_PACE = (83, 67, 76)


def complete(course_key, learner, topic, minutes_per_hour):
    # The time first, as a learner's heartbeats would have credited it: the minimum must be met to complete.
    engagement.seed_time(course_key, learner, topic, int(float(topic.hours) * minutes_per_hour * 60),
                         timezone.localdate())
    for section in topic.sections:
        progress.view_section(course_key, learner, topic, section.id)
    answers = {question.id: question.correct_option_id for question in topic.questions}
    progress.submit_check(course_key, learner, topic, answers, 80)
    progress.save_reflection(course_key, learner, topic, (
        f"For {topic.title}, our agency will review the relevant policy with command staff this quarter "
        "and name an owner for each gap we find."))


class Command(BaseCommand):
    help = "Seed demo data: a learner who completed the course, one partway, and a cohort of about 60."

    def add_arguments(self, parser):
        parser.add_argument("--course", default=conf.get("DEMO_COURSE_KEY"))

    def handle(self, *args, **options):
        course_key = options["course"]
        topics = get_curriculum().topics
        for topic, pace in zip(topics, GRADUATE_PACE):
            complete(course_key, FINISHED, topic, pace)
        for topic, pace in zip(topics[:3], PARTWAY_PACE):
            complete(course_key, PARTWAY, topic, pace)
        LearnerProfile.objects.filter(course_key=course_key, learner_id=FINISHED.id).update(
            agency="Riverside County Sheriff's Office", role="le_executive")
        self.stdout.write(f"Demo learners: '{FINISHED.id}' has completed all {len(topics)} topics; "
                          f"'{PARTWAY.id}' has completed 3.")
        from elsx.agency.seed import seed_agencies
        if seed_agencies(course_key):
            self.stdout.write("Demo agencies: one at each readiness state (open the agency readiness scenario).")
        seeded = LearnerProfile.objects.filter(course_key=course_key).exclude(
            learner_id__in=[FINISHED.id, PARTWAY.id]).count()
        if seeded >= COHORT_SIZE:
            self.stdout.write(f"Cohort already seeded ({seeded} learners).")
            return
        call_command("elsx_seed_cohort", learners=COHORT_SIZE, course=course_key, stdout=self.stdout)
