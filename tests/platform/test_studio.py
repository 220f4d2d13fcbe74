"""Studio: its user service has no staff flag, and its preview records nothing.

Mirrors cms/djangoapps/contentstore/views/preview.py (_prepare_runtime_for_preview: DjangoXBlockUserService
without user_is_staff, runtime.is_author_mode = True).
"""
import pytest

from elsx.models import Certificate, LearnerProfile, TopicProgress
from tests.platform.runtimes import DjangoUser, call, render, studio_block

pytestmark = pytest.mark.django_db
AUTHOR = DjangoUser(5, "author", full_name="Avery Author")


def nothing_stored():
    return not (LearnerProfile.objects.exists() or TopicProgress.objects.exists() or Certificate.objects.exists())


def test_studio_user_service_has_no_staff_flag(make_block):
    block = studio_block(make_block, "<elsx_progress/>", AUTHOR)
    from elsx import compat
    assert compat.learner_from_runtime(block).is_staff is False


def test_topic_preview_shows_the_topic_to_a_sample_learner_and_records_nothing(make_block):
    block = studio_block(make_block, '<elsx_topic topic_id="media-relations"/>', AUTHOR)
    html = render(block)
    assert "Studio preview with a sample learner" in html and "Not started" in html
    assert "Knowledge check" in html or "knowledge check" in html.lower()
    status, body = call(block, "view_section", {"section": block.topic().sections[0].id})
    assert status == 403 and body["read_only"] == "preview"
    assert nothing_stored()


def test_without_author_view_studio_previews_student_view_and_nothing_is_recorded(make_block):
    # xmodule/studio_editable.py has_author_view: no author_view, so Studio's unit page renders student_view.
    for xml in ('<elsx_topic topic_id="media-relations"/>', "<elsx_progress/>", "<elsx_certificate/>"):
        block = studio_block(make_block, xml, AUTHOR)
        assert not hasattr(block, "author_view")
        assert "Studio preview" in render(block)
    assert nothing_stored()


def test_the_cohort_dashboard_preview_explains_itself_instead_of_refusing(make_block):
    html = render(studio_block(make_block, "<elsx_cohort/>", AUTHOR))
    assert "for course staff in the LMS" in html and "This dashboard is for course staff." not in html


def test_progress_and_certificate_previews_show_a_new_learner(make_block):
    assert "0.0" in render(studio_block(make_block, "<elsx_progress/>", AUTHOR))
    render(studio_block(make_block, "<elsx_certificate/>", AUTHOR))
    assert nothing_stored()


def test_course_staff_cannot_author_in_the_lms(make_block, settings):
    # lms/djangoapps/lms_xblock/field_data.py: LmsFieldData wraps authored data in ReadOnlyFieldData,
    # so a save there raises; the editor and its handler must refuse before that.
    from elsx import compat
    from tests.platform.runtimes import lms_block
    settings.ROOT_URLCONF = "lms.urls"
    block = lms_block(make_block, '<elsx_topic topic_id="media-relations"/>', DjangoUser(1, "staff"), course_staff=True)
    assert compat.can_author(block, compat.learner_from_runtime(block)) is False
    assert "Only the course team can edit this topic." in render(block, "studio_view")
    status, _body = call(block, "studio_submit", {"display_name": "Changed"})
    assert status == 403 and block.display_name == "Topic"
