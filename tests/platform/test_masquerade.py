"""Masquerade ("View this course as" a specific learner) records nothing in the learner's record.

Mirrors lms/djangoapps/courseware/masquerade.py (setup_masquerade sets real_user) and
lms/djangoapps/courseware/block_render.py (the block is bound to the learner's user).
"""
import pytest

from elsx.models import Certificate, LearnerProfile, TopicProgress
from tests.certificates_helpers import CLAIM, complete_topics, media  # noqa: F401
from tests.conftest import correct_answers
from tests.platform.runtimes import DjangoUser, call, masquerading_block, render

pytestmark = pytest.mark.django_db
TOPIC = '<elsx_topic topic_id="vulnerable-populations"/>'


def rows():
    return [list(model.objects.order_by("pk").values()) for model in (LearnerProfile, TopicProgress, Certificate)]


@pytest.fixture
def staff():
    return DjangoUser(1, "instructor", full_name="Ina Instructor")


def test_viewing_a_topic_as_a_learner_records_no_visit_and_says_so(make_block, staff):
    block = masquerading_block(make_block, TOPIC, staff, DjangoUser(7, "learner7"))
    html = render(block)
    assert "Nothing you do here is saved to their record" in html
    assert rows() == [[], [], []]


def test_every_learner_handler_is_refused_while_masquerading(make_block, staff):
    block = masquerading_block(make_block, TOPIC, staff, DjangoUser(7, "learner7"))
    topic = block.topic()
    for handler, data in (("view_section", {"section": topic.sections[0].id}),
                          ("submit_check", {"answers": correct_answers(topic)}),
                          ("save_reflection", {"text": "Our agency will review its intake policy."})):
        status, body = call(block, handler, data)
        assert status == 403 and body["read_only"] == "masquerade", (handler, body)
    assert rows() == [[], [], []]


def test_the_learners_own_progress_is_shown_but_not_changed(make_block, staff):
    complete_topics("7", full_name="Lee Learner")
    before = rows()
    block = masquerading_block(make_block, TOPIC, staff, DjangoUser(7, "learner7"))
    assert "Complete" in render(block)
    progress = masquerading_block(make_block, "<elsx_progress/>", staff, DjangoUser(7, "learner7"))
    assert "11.0" in render(progress)
    assert rows() == before


def test_the_certificate_claim_is_refused_and_no_profile_is_created(make_block, staff, media):  # noqa: F811
    complete_topics("7", full_name="Lee Learner")
    LearnerProfile.objects.filter(learner_id="7").delete()
    block = masquerading_block(make_block, "<elsx_certificate/>", staff, DjangoUser(7, "learner7"))
    assert "Nothing you do here is saved" in render(block)
    assert not LearnerProfile.objects.filter(learner_id="7").exists()
    status, body = call(block, "claim", CLAIM)
    assert status == 403 and not Certificate.objects.exists()


def test_without_masquerade_the_same_runtime_records(make_block):
    from tests.platform.runtimes import lms_block
    block = lms_block(make_block, TOPIC, DjangoUser(7, "learner7"))
    html = render(block)
    assert "Nothing you do here is saved" not in html
    assert TopicProgress.objects.filter(learner_id="7").count() == 1
