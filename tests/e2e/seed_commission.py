"""Seed the commission browser test's database (run in a subprocess with ELSX_COMMISSION=1).

- "ana": nine topics complete (reflections of 150+ words), the capstone untouched;
- five other learners answered the evaluation, so staff see its comments.
"""
import sys

import django


def main():
    django.setup()
    from django.core.management import call_command

    from elsx import conf, progress
    from elsx.curriculum import get_curriculum
    from elsx.evaluation import api as evaluation
    from elsx.learners import Learner

    call_command("migrate", run_syncdb=True, verbosity=0)
    course_key = conf.get("DEMO_COURSE_KEY")
    ana = Learner(id="ana", full_name="Ana Beltrán", email="ana.beltran@example.org", username="ana")
    text = " ".join(["Our agency will brief every shift supervisor on this topic this quarter."] * 14)
    for topic in get_curriculum().topics[:-1]:
        for section in topic.sections:
            progress.view_section(course_key, ana, topic, section.id)
        progress.submit_check(course_key, ana, topic, {q.id: q.correct_option_id for q in topic.questions}, 80)
        progress.save_reflection(course_key, ana, topic, text)
    for index in range(5):
        other = Learner(id=f"peer-{index}", full_name=f"Peer {index}", email=f"peer{index}@example.org")
        evaluation.submit(course_key, other, {item.id: 4 for item in evaluation.rated_items()},
                          {"comment-most-useful": f"Peer comment {index}: the media case."})
    print("commission seed: ana has 9 topics", file=sys.stderr)


if __name__ == "__main__":
    main()
