"""The LMS user service: course staff from user_is_staff; the global-staff key is a different thing.

Mirrors common/djangoapps/xblock_django/user_service.py (DjangoXBlockUserService, opt_attrs keys from
common/djangoapps/xblock_django/constants.py) as lms/djangoapps/courseware/block_render.py builds it.
"""
import pytest

from elsx import compat
from tests.conftest import COURSE
from tests.platform.runtimes import DjangoUser, PlatformUserService, call, lms_block, render

pytestmark = pytest.mark.django_db


def test_the_learner_id_is_the_django_user_id_and_staff_is_the_course_flag(make_block):
    block = lms_block(make_block, "<elsx_progress/>", DjangoUser(42, "jdoe", "jdoe@example.org", "J. Doe"),
                      course_staff=True)
    learner = compat.learner_from_runtime(block)
    assert (learner.id, learner.username, learner.email, learner.full_name, learner.is_staff) == (
        "42", "jdoe", "jdoe@example.org", "J. Doe", True)
    assert learner.id == compat.learner_id_for_user(DjangoUser(42))  # what retirement looks up


def test_global_staff_alone_is_not_course_staff_to_elsx(make_block):
    block = lms_block(make_block, "<elsx_cohort/>", DjangoUser(9, "ops"), course_staff=False, global_staff=True)
    assert compat.learner_from_runtime(block).is_staff is False
    assert "This dashboard is for course staff." in render(block)
    assert call(block, "grid", {})[0] == 403


def test_course_staff_see_the_dashboard(make_block):
    block = lms_block(make_block, "<elsx_cohort/>", DjangoUser(1, "instructor"), course_staff=True)
    assert "This dashboard is for course staff." not in render(block)
    assert call(block, "grid", {})[0] == 200


def test_an_anonymous_user_is_anonymous(make_block):
    block = make_block("<elsx_progress/>", "anon")
    anonymous = DjangoUser(None)
    anonymous.is_authenticated = False
    block.runtime._services["user"] = PlatformUserService(anonymous)  # pylint: disable=protected-access
    assert compat.learner_from_runtime(block).is_anonymous
    assert call(block, "refresh", {})[0] == 403
    assert COURSE  # the workbench course key stands for the LMS course here
