"""Migrate and seed a fresh database for the verifier's journey (tests/e2e/test_verifier.py).

Run as a script, like seed.py, in the server's environment. Issues four
certificates through the API a learner and staff would use, then writes their
numbers (canonical, no dashes) to numbers.json in the current folder:
- "valid": a plain valid certificate;
- "revoked": revoked by staff, with a reason;
- "superseded" and "successor": a certificate reissued with a corrected name,
  and the certificate that replaced it;
- "long_name": valid, with a long hyphenated name and agency (to see they wrap
  by word at phone width, not letter by letter).
"""
import json
import sys
from pathlib import Path

import django

LEARNERS = {
    "valid": ("Dana Whitfield", "Riverside County Sheriff's Office", "le_executive"),
    "revoked": ("Marcus Bell", "Harbor City Police Department", "clearinghouse"),
    "superseded": ("Jon Smyth", "Lakeview Police Department", "psap"),
    "long_name": ("Maximiliana Alexandrova-Konstantinopoulou de la Fuente-Villanueva",
                  "Consolidated Metropolitan Emergency Communications and Regional Dispatch Authority",
                  "psap"),
}
CORRECTED_NAME = "Jon Smith"
STAFF = "verify-seed-staff"


def complete(course_key, learner, topic):
    from elsx import progress  # pylint: disable=import-outside-toplevel
    for section in topic.sections:
        progress.view_section(course_key, learner, topic, section.id)
    answers = {question.id: question.correct_option_id for question in topic.questions}
    progress.submit_check(course_key, learner, topic, answers, 80)
    progress.save_reflection(course_key, learner, topic,
                             f"For {topic.title}, our agency will brief every shift supervisor this quarter.")


def main():
    django.setup()
    from django.core.management import call_command  # pylint: disable=import-outside-toplevel

    from elsx import conf  # pylint: disable=import-outside-toplevel
    from elsx.certificates import api  # pylint: disable=import-outside-toplevel
    from elsx.curriculum import get_curriculum  # pylint: disable=import-outside-toplevel
    from elsx.learners import Learner  # pylint: disable=import-outside-toplevel

    call_command("migrate", run_syncdb=True, verbosity=0)
    course_key = conf.get("DEMO_COURSE_KEY")
    numbers = {}
    for key, (name, agency, role) in LEARNERS.items():
        learner = Learner(id=f"verify-{key}", full_name=name, email=f"{key}@example.org", username=f"verify-{key}")
        for topic in get_curriculum().topics:
            complete(course_key, learner, topic)
        numbers[key] = api.claim(course_key, learner, name, agency, role).number
    api.revoke(numbers["revoked"], "Issued to the wrong learner after a records mix-up.", STAFF)
    numbers["successor"] = api.reissue(numbers["superseded"], STAFF, legal_name=CORRECTED_NAME).number
    Path("numbers.json").write_text(json.dumps(numbers), encoding="utf-8")
    print(f"verify seed: {sorted(numbers)}", file=sys.stderr)


if __name__ == "__main__":
    main()
