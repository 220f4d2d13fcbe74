"""Authored fields are read-only in the LMS: editing there must be refused, not a 500.

Mirrors lms/djangoapps/lms_xblock/field_data.py (LmsFieldData wraps the authored data in XBlock's
ReadOnlyFieldData for Scope.content and Scope.settings).
"""
import warnings

import pytest
from xblock.exceptions import InvalidScopeError
from xblock.field_data import ReadOnlyFieldData, SplitFieldData
from xblock.fields import Scope

from tests.platform.runtimes import DjangoUser, call, lms_block

pytestmark = pytest.mark.django_db


def lms_field_data(block):
    """Rebind block's field data the way LmsFieldData splits it."""
    authored = ReadOnlyFieldData(block._field_data)  # pylint: disable=protected-access
    student = block._field_data  # pylint: disable=protected-access
    with warnings.catch_warnings():  # the platform binds field data at construction; tests rebind it
        warnings.simplefilter("ignore")
        block._field_data = SplitFieldData({  # pylint: disable=protected-access
            Scope.content: authored, Scope.settings: authored, Scope.parent: authored, Scope.children: authored,
            Scope.user_state_summary: student, Scope.user_state: student, Scope.user_info: student,
            Scope.preferences: student})
    return block


@pytest.mark.parametrize("xml, handler, data", [
    ('<elsx_topic topic_id="media-relations"/>', "studio_submit", {"display_name": "Changed in the LMS"}),
    ("<elsx_cohort/>", "submit_studio_edits", {"values": {"cohort_start": "2026-11-02"}}),
])
def test_course_staff_editing_in_the_lms_get_403_and_nothing_changes(make_block, settings, xml, handler, data):
    settings.ROOT_URLCONF = "lms.urls"
    probe = lms_field_data(lms_block(make_block, xml, DjangoUser(1, "instructor"), course_staff=True))
    with pytest.raises(InvalidScopeError):  # what a save would have done: a 500
        probe.display_name = "x"
        probe.save()
    block = lms_field_data(lms_block(make_block, xml, DjangoUser(1, "instructor"), course_staff=True))
    status, _body = call(block, handler, data)
    assert status == 403
