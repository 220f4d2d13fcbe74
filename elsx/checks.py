"""Django system checks: a deployment with COMMISSION on (the default) whose course lacks the final
bank or the evaluation form hears about it at startup (`manage.py check`), not from a stuck learner."""
from django.core import checks

from elsx import conf


@checks.register()
def commission_content(app_configs=None, **kwargs):
    if not conf.get("COMMISSION"):
        return []
    from elsx.assessment import api as assessment  # pylint: disable=import-outside-toplevel
    from elsx.curriculum import CurriculumError  # pylint: disable=import-outside-toplevel
    from elsx.evaluation import api as evaluation  # pylint: disable=import-outside-toplevel
    found = []
    for load, name, check_id in ((assessment.bank, "final-assessment.xml", "elsx.W001"),
                                 (evaluation.form, "evaluation.xml", "elsx.W002")):
        try:
            load()
        except CurriculumError as exc:
            found.append(checks.Warning(
                f"ELSX['COMMISSION'] is on, but the curriculum's {name} does not load "
                f"({len(exc.problems)} problem(s)): no learner can meet that certificate requirement.",
                hint=f"Add a valid {name} to the curriculum folder (`python -m elsx.curriculum check` lists "
                     f"the problems), or set ELSX['COMMISSION'] = False.", id=check_id))
    return found
