"""Migrate and seed a fresh database for the browser tests.

Run as a script in a subprocess whose environment names the data folder
(ELSX_VAR), the SQLite file (ELSX_DB) and DJANGO_SETTINGS_MODULE, so the test
process never touches the database the server uses.

Seeds:
- the demo cohort, 120 learners (enough that "behind" fills more than one page
  of 25), then elsx_seed_demo (graduate, partway);
- "kim": nine topics complete, the tenth (Community Action Planning) untouched;
- "hostile": every topic complete, with a hostile name, agency and reflection;
- "sharer": every topic complete, not yet claimed (tests/e2e/test_credential_share.py claims).
"""
import sys

import django

HOSTILE = "<img src=x onerror=alert(1)>"
COHORT_LEARNERS = 120


def main():
    django.setup()
    from django.core.management import call_command

    from elsx import conf, progress
    from elsx.curriculum import get_curriculum
    from elsx.learners import Learner
    from elsx.models import LearnerProfile

    call_command("migrate", run_syncdb=True, verbosity=0)
    # The cohort first: elsx_seed_demo then sees enough learners and keeps them.
    call_command("elsx_seed_cohort", learners=COHORT_LEARNERS)
    call_command("elsx_seed_demo")

    course_key = conf.get("DEMO_COURSE_KEY")
    topics = get_curriculum().topics

    def complete(learner, topic, reflection):
        for section in topic.sections:
            progress.view_section(course_key, learner, topic, section.id)
        answers = {question.id: question.correct_option_id for question in topic.questions}
        progress.submit_check(course_key, learner, topic, answers, 80)
        progress.save_reflection(course_key, learner, topic, reflection)

    kim = Learner(id="kim", full_name="Kim Alvarez-Nguyen", email="kim.alvarez@example.org", username="kim")
    for topic in topics[:-1]:
        complete(kim, topic, f"For {topic.title}, our agency will brief every shift supervisor this quarter.")

    hostile = Learner(id="hostile", full_name=HOSTILE, email="hostile@example.org", username="hostile")
    for topic in topics:
        complete(hostile, topic, f"{HOSTILE} {HOSTILE} and a sentence long enough to count.")
    LearnerProfile.objects.filter(course_key=course_key, learner_id=hostile.id).update(agency=HOSTILE)
    sharer = Learner(id="sharer", full_name="Priya Raman", email="priya.raman@example.org", username="sharer")
    for topic in topics:
        complete(sharer, topic, f"For {topic.title}, our agency will add a checklist to the intake desk.")
    print("e2e seed: kim has 9 topics, hostile has 10", file=sys.stderr)


if __name__ == "__main__":
    main()
